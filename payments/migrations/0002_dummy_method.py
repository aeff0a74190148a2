from django.db import migrations


def add_dummy_method(apps, schema_editor):
    PaymentMethod = apps.get_model("payments", "PaymentMethod")
    PaymentMethod.objects.get_or_create(
        code="tarjeta-prueba",
        defaults={
            "name": "Tarjeta (pasarela de prueba)",
            "description": "Simula el pago con tarjeta: aprueba, rechaza o abandona.",
            "provider": "dummy",
            "kind": "card",
            "commission_percent": "3.99",
            "fixed_fee": "0.50",
            "order": 90,
        },
    )


class Migration(migrations.Migration):
    dependencies = [("payments", "0001_initial")]

    operations = [migrations.RunPython(add_dummy_method, migrations.RunPython.noop)]
