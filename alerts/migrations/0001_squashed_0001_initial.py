"""alerts: its models' tables, indexes and constraints as today's models have them, in place of migrations 0001 to 0001
(docs/operations/deploys.md, "Squashed migrations")."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import core.migration_operations


class Migration(migrations.Migration):
    initial = True
    safe_under_load_because = (
        "it replaces the old chain: an existing database has the old migrations applied and Django marks this one "
        "applied without running it; on a new database its tables are new and empty"
    )
    replaces = [("alerts", "0001_initial")]

    dependencies = [
        ("accounts", "0001_squashed_0006_initial"),
        ("catalog", "0001_squashed_0017_initial"),
    ]

    operations = [
        core.migration_operations.CreateModels(
            operations=[
                migrations.CreateModel(
                    name="VariantDemand",
                    fields=[],
                    options={
                        "verbose_name": "demand per variant",
                        "verbose_name_plural": "demand per variant",
                        "proxy": True,
                        "indexes": [],
                        "constraints": [],
                    },
                    bases=("catalog.variant",),
                ),
                migrations.CreateModel(
                    name="CartReminder",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("cart_key", models.CharField(max_length=64, verbose_name="cart")),
                        (
                            "after_order_id",
                            models.BigIntegerField(
                                default=0,
                                help_text="The owner's last order when the reminder was sent.",
                                verbose_name="after order",
                            ),
                        ),
                        ("email", models.EmailField(max_length=254, verbose_name="e-mail")),
                        ("lines", models.JSONField(default=list, verbose_name="lines")),
                        ("units", models.PositiveIntegerField(default=0, verbose_name="units")),
                        (
                            "sent_at",
                            models.DateTimeField(
                                db_index=True, default=django.utils.timezone.now, verbose_name="sent at"
                            ),
                        ),
                        ("recovered_at", models.DateTimeField(blank=True, null=True, verbose_name="recovered at")),
                        (
                            "user",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="cart_reminders",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="customer",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "cart reminder",
                        "verbose_name_plural": "cart reminders",
                        "ordering": ["-sent_at", "-pk"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("cart_key", "after_order_id"), name="alerts_one_reminder_per_cart"
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="StockAlert",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[("restock", "Back in stock"), ("launch", "Launch")],
                                default="restock",
                                max_length=10,
                                verbose_name="kind",
                            ),
                        ),
                        ("email", models.EmailField(max_length=254, verbose_name="e-mail")),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("pending", "Awaiting confirmation"),
                                    ("active", "Active"),
                                    ("unsubscribed", "Unsubscribed"),
                                ],
                                default="pending",
                                max_length=12,
                                verbose_name="status",
                            ),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(
                                db_index=True, default=django.utils.timezone.now, verbose_name="requested at"
                            ),
                        ),
                        (
                            "confirmation_sent_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="confirmation sent at"),
                        ),
                        ("confirmed_at", models.DateTimeField(blank=True, null=True, verbose_name="confirmed at")),
                        ("notified_at", models.DateTimeField(blank=True, null=True, verbose_name="notified at")),
                        (
                            "unsubscribed_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="unsubscribed at"),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="stock_alerts",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="customer",
                            ),
                        ),
                        (
                            "variant",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="stock_alerts",
                                to="catalog.variant",
                                verbose_name="variant",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "stock alert",
                        "verbose_name_plural": "stock alerts",
                        "ordering": ["created_at", "pk"],
                        "indexes": [
                            models.Index(fields=["variant", "status", "notified_at"], name="alerts_waiting_idx")
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                condition=models.Q(
                                    ("notified_at__isnull", True), ("status__in", ["pending", "active"])
                                ),
                                fields=("variant", "email"),
                                name="alerts_one_open_alert",
                            )
                        ],
                    },
                ),
            ],
        ),
    ]
