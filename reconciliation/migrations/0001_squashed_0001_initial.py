"""reconciliation: its models' tables, indexes and constraints as today's models have them, in place of migrations 0001 to 0001
(docs/operations/deploys.md, "Squashed migrations")."""

import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models

import core.migration_operations


class Migration(migrations.Migration):
    initial = True
    safe_under_load_because = (
        "it replaces the old chain: an existing database has the old migrations applied and Django marks this one "
        "applied without running it; on a new database its tables are new and empty"
    )
    replaces = [("reconciliation", "0001_initial")]

    dependencies = [
        ("accounts", "0001_squashed_0006_initial"),
        ("orders", "0001_squashed_0001_initial"),
        ("orders", "0004_squashed_0014_no_schema"),
    ]

    operations = [
        core.migration_operations.CreateModels(
            operations=[
                migrations.CreateModel(
                    name="Run",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("day", models.DateField(unique=True, verbose_name="day")),
                        ("started_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="started")),
                        ("finished_at", models.DateTimeField(blank=True, null=True, verbose_name="finished")),
                        ("times_run", models.PositiveIntegerField(default=0, verbose_name="times run")),
                        ("gateways", models.JSONField(blank=True, default=dict, verbose_name="gateways")),
                    ],
                    options={
                        "verbose_name": "reconciliation run",
                        "verbose_name_plural": "reconciliation runs",
                        "ordering": ["-day"],
                    },
                ),
                migrations.CreateModel(
                    name="HistoricalDiscrepancy",
                    fields=[
                        ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                        ("provider", models.CharField(max_length=10, verbose_name="gateway")),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("missing_in_store", "Paid at the gateway, not in the store"),
                                    ("missing_at_gateway", "Paid in the store, not at the gateway"),
                                    ("paid_twice", "Paid twice"),
                                    ("amount_differs", "Amounts differ"),
                                    ("refund_missing_in_store", "Refunded at the gateway, not in the store"),
                                    ("refund_missing_at_gateway", "Refunded in the store, not at the gateway"),
                                ],
                                max_length=30,
                                verbose_name="kind",
                            ),
                        ),
                        ("key", models.CharField(max_length=140, verbose_name="key")),
                        (
                            "gateway_reference",
                            models.CharField(blank=True, max_length=120, verbose_name="gateway reference"),
                        ),
                        (
                            "gateway_amount",
                            models.DecimalField(
                                blank=True, decimal_places=2, max_digits=12, null=True, verbose_name="gateway amount"
                            ),
                        ),
                        (
                            "store_amount",
                            models.DecimalField(
                                blank=True, decimal_places=2, max_digits=12, null=True, verbose_name="store amount"
                            ),
                        ),
                        ("currency", models.CharField(default="PEN", max_length=3, verbose_name="currency")),
                        ("detail", models.TextField(blank=True, verbose_name="detail")),
                        ("found_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="found")),
                        (
                            "status",
                            models.CharField(
                                choices=[("open", "Open"), ("reviewed", "Reviewed")],
                                default="open",
                                max_length=10,
                                verbose_name="status",
                            ),
                        ),
                        ("review_note", models.TextField(blank=True, verbose_name="review note")),
                        ("reviewed_at", models.DateTimeField(blank=True, null=True, verbose_name="reviewed at")),
                        ("history_id", models.AutoField(primary_key=True, serialize=False)),
                        ("history_date", models.DateTimeField(db_index=True)),
                        ("history_change_reason", models.CharField(max_length=100, null=True)),
                        (
                            "history_type",
                            models.CharField(
                                choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                            ),
                        ),
                        (
                            "history_user",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "order",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="orders.order",
                                verbose_name="order",
                            ),
                        ),
                        (
                            "reviewed_by",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="reviewed by",
                            ),
                        ),
                        (
                            "run",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="reconciliation.run",
                                verbose_name="run",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "historical payment discrepancy",
                        "verbose_name_plural": "historical payment discrepancies",
                        "ordering": ("-history_date", "-history_id"),
                        "get_latest_by": ("history_date", "history_id"),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name="Discrepancy",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("provider", models.CharField(max_length=10, verbose_name="gateway")),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("missing_in_store", "Paid at the gateway, not in the store"),
                                    ("missing_at_gateway", "Paid in the store, not at the gateway"),
                                    ("paid_twice", "Paid twice"),
                                    ("amount_differs", "Amounts differ"),
                                    ("refund_missing_in_store", "Refunded at the gateway, not in the store"),
                                    ("refund_missing_at_gateway", "Refunded in the store, not at the gateway"),
                                ],
                                max_length=30,
                                verbose_name="kind",
                            ),
                        ),
                        ("key", models.CharField(max_length=140, verbose_name="key")),
                        (
                            "gateway_reference",
                            models.CharField(blank=True, max_length=120, verbose_name="gateway reference"),
                        ),
                        (
                            "gateway_amount",
                            models.DecimalField(
                                blank=True, decimal_places=2, max_digits=12, null=True, verbose_name="gateway amount"
                            ),
                        ),
                        (
                            "store_amount",
                            models.DecimalField(
                                blank=True, decimal_places=2, max_digits=12, null=True, verbose_name="store amount"
                            ),
                        ),
                        ("currency", models.CharField(default="PEN", max_length=3, verbose_name="currency")),
                        ("detail", models.TextField(blank=True, verbose_name="detail")),
                        ("found_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="found")),
                        (
                            "status",
                            models.CharField(
                                choices=[("open", "Open"), ("reviewed", "Reviewed")],
                                default="open",
                                max_length=10,
                                verbose_name="status",
                            ),
                        ),
                        ("review_note", models.TextField(blank=True, verbose_name="review note")),
                        ("reviewed_at", models.DateTimeField(blank=True, null=True, verbose_name="reviewed at")),
                        (
                            "order",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="orders.order",
                                verbose_name="order",
                            ),
                        ),
                        (
                            "reviewed_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="reviewed by",
                            ),
                        ),
                        (
                            "run",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="discrepancies",
                                to="reconciliation.run",
                                verbose_name="run",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "payment discrepancy",
                        "verbose_name_plural": "payment discrepancies",
                        "ordering": ["-run__day", "provider", "kind", "pk"],
                        "indexes": [models.Index(fields=["status", "run"], name="reconciliation_status_idx")],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("run", "provider", "kind", "key"), name="reconciliation_one_finding"
                            )
                        ],
                    },
                ),
            ],
        ),
    ]
