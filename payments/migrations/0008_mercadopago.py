from django.db import migrations, models

METHOD = {
    "code": "mercadopago",
    "name": "Mercado Pago",
    "description": "Paga con tarjeta, Yape o PagoEfectivo en la página segura de Mercado Pago.",
    "provider": "mpago",
    "kind": "wallet",
    "order": 30,
}


def add_mercadopago_method(apps, schema_editor):
    """Mercado Pago's method, active; offered only while its keys are configured. An install that
    already has one keeps it (staff may have renamed it or set its fees)."""
    PaymentMethod = apps.get_model("payments", "PaymentMethod")
    if not PaymentMethod.objects.filter(provider=METHOD["provider"]).exists():
        PaymentMethod.objects.get_or_create(code=METHOD["code"], defaults={**METHOD, "is_active": True})


PROVIDERS = [("dummy", "Test gateway"), ("stripe", "Stripe"), ("paypal", "PayPal"), ("mpago", "Mercado Pago")]


class Migration(migrations.Migration):
    dependencies = [("payments", "0007_refund_idempotency_key")]

    operations = [
        migrations.AlterField(
            "payment", "provider", models.CharField(choices=PROVIDERS, max_length=10, verbose_name="provider")
        ),
        migrations.AlterField(
            "paymentmethod", "provider", models.CharField(choices=PROVIDERS, max_length=10, verbose_name="provider")
        ),
        migrations.AlterField(
            "webhookevent", "provider", models.CharField(choices=PROVIDERS, max_length=10, verbose_name="provider")
        ),
        migrations.RunPython(add_mercadopago_method, migrations.RunPython.noop),
    ]
