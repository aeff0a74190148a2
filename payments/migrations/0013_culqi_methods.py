from django.db import migrations

METHODS = [
    {
        "code": "culqi-yape",
        "name": "Yape",
        "description": "Paga con tu número de Yape y el código de aprobación de tu app.",
        "provider": "culqi",
        "kind": "wallet",
        "order": 5,
    },
    {
        "code": "culqi-pagoefectivo",
        "name": "PagoEfectivo",
        "description": "Recibe un código CIP y págalo en agentes, bodegas o desde tu banca móvil.",
        "provider": "culqi",
        "kind": "transfer",
        "order": 6,
    },
    {
        "code": "culqi-tarjeta",
        "name": "Tarjeta Visa / Mastercard (en cuotas)",
        "description": "Paga con tarjeta de crédito o débito; en cuotas si tu banco lo permite.",
        "provider": "culqi",
        "kind": "card",
        "order": 7,
    },
]


def add_culqi_methods(apps, schema_editor):
    """Culqi's three methods, active; offered only while Culqi's keys are configured. An install that
    already has one keeps it (staff may have renamed it or set its fees)."""
    PaymentMethod = apps.get_model("payments", "PaymentMethod")
    for method in METHODS:
        PaymentMethod.objects.get_or_create(code=method["code"], defaults={**method, "is_active": True})


class Migration(migrations.Migration):
    dependencies = [("payments", "0012_waiting_culqi")]

    operations = [migrations.RunPython(add_culqi_methods, migrations.RunPython.noop)]
