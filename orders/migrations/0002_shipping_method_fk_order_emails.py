"""Order.shipping_method_id becomes a real foreign key (the column and its values are kept, an index and the constraint added;
ids of methods that no longer exist are cleared first), the confirmation timestamp gives
way to one OrderEmail row per e-mailed event."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


def clear_unknown_methods(apps, schema_editor):
    Order = apps.get_model("orders", "Order")
    ShippingMethod = apps.get_model("shipping", "ShippingMethod")
    Order.objects.exclude(shipping_method_id__isnull=True).exclude(
        shipping_method_id__in=ShippingMethod.objects.values("pk")
    ).update(shipping_method_id=None)


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0001_initial"),
        ("shipping", "0003_shipments_legs_lines_events"),
    ]

    operations = [
        migrations.RunPython(clear_unknown_methods, migrations.RunPython.noop),
        # Same column (shipping_method_id), now seen as a foreign key without a constraint...
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="order", name="shipping_method_id"),
                migrations.AddField(
                    model_name="order",
                    name="shipping_method",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="shipping.shippingmethod",
                        verbose_name="shipping method",
                    ),
                ),
                migrations.RemoveField(model_name="historicalorder", name="shipping_method_id"),
                migrations.AddField(
                    model_name="historicalorder",
                    name="shipping_method",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="shipping.shippingmethod",
                        verbose_name="shipping method",
                    ),
                ),
            ],
            database_operations=[],
        ),
        # ...then its constraint and index are added.
        migrations.AlterField(
            model_name="order",
            name="shipping_method",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="shipping.shippingmethod",
                verbose_name="shipping method",
            ),
        ),
        migrations.RemoveField(model_name="historicalorder", name="confirmation_sent_at"),
        migrations.RemoveField(model_name="order", name="confirmation_sent_at"),
        migrations.CreateModel(
            name="OrderEmail",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("placed", "Order received, pending payment"),
                            ("paid", "Payment confirmed"),
                            ("shipped", "Shipment on its way"),
                            ("ready_for_pickup", "Ready for pickup"),
                            ("delivered", "Shipment delivered"),
                            ("cancelled_customer", "Cancelled by the customer"),
                            ("cancelled_staff", "Cancelled by the store"),
                            ("cancelled_unpaid", "Cancelled: payment not received"),
                            ("refunded", "Refund"),
                        ],
                        max_length=20,
                        verbose_name="kind",
                    ),
                ),
                ("reference", models.CharField(blank=True, max_length=40, verbose_name="reference")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="created at")),
                ("sent_at", models.DateTimeField(blank=True, null=True, verbose_name="sent at")),
                (
                    "order",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="emails",
                        to="orders.order",
                        verbose_name="order",
                    ),
                ),
            ],
            options={
                "verbose_name": "order e-mail",
                "verbose_name_plural": "order e-mails",
                "ordering": ["created_at", "pk"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("order", "kind", "reference"), name="orders_orderemail_once_per_event"
                    )
                ],
            },
        ),
    ]
