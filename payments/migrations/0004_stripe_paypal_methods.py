from django.db import migrations

METHODS = [
    {
        "code": "stripe",
        "name": "Tarjeta de crédito o débito (Stripe)",
        "description": "Paga con Visa, Mastercard o American Express en la página segura de Stripe.",
        "provider": "stripe",
        "kind": "card",
        "order": 10,
    },
    {
        "code": "paypal",
        "name": "PayPal",
        "description": "Paga con tu cuenta PayPal o con tarjeta a través de PayPal.",
        "provider": "paypal",
        "kind": "wallet",
        "order": 20,
    },
]


def add_gateway_methods(apps, schema_editor):
    """The real gateways' methods, active; payments.services.payment_methods_offered offers
    each only while its keys are configured. An install that already has a method for the
    provider keeps it (staff may have renamed it or set its fees)."""
    PaymentMethod = apps.get_model("payments", "PaymentMethod")
    for method in METHODS:
        if PaymentMethod.objects.filter(provider=method["provider"]).exists():
            continue
        PaymentMethod.objects.get_or_create(code=method["code"], defaults={**method, "is_active": True})


class Migration(migrations.Migration):
    dependencies = [("payments", "0003_refunds_webhook_events")]

    operations = [migrations.RunPython(add_gateway_methods, migrations.RunPython.noop)]
