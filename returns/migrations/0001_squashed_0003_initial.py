"""returns: its models' tables, indexes and constraints as today's models have them, in place of migrations 0001 to 0003
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
    replaces = [
        ("returns", "0001_return_requests_lines_history"),
        ("returns", "0002_return_emails_once_per_status"),
        ("returns", "0003_resolution_amount"),
    ]

    dependencies = [
        ("accounts", "0001_squashed_0006_initial"),
        ("inventory", "0001_squashed_0002_initial"),
        ("orders", "0001_squashed_0001_initial"),
        ("orders", "0002_squashed_0003_foreign_keys"),
    ]

    operations = [
        core.migration_operations.CreateModels(
            operations=[
                migrations.CreateModel(
                    name="ReturnRequest",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("number", models.CharField(editable=False, max_length=20, unique=True, verbose_name="number")),
                        ("email", models.EmailField(max_length=254, verbose_name="e-mail")),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("requested", "Requested"),
                                    ("approved", "Approved"),
                                    ("rejected", "Rejected"),
                                    ("received", "Received"),
                                    ("resolved", "Resolved"),
                                    ("closed", "Closed"),
                                ],
                                default="requested",
                                max_length=12,
                                verbose_name="status",
                            ),
                        ),
                        (
                            "resolution",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("refund", "Refund to the original payment"),
                                    ("credit", "Store credit (vale de compra)"),
                                ],
                                help_text="What the customer asked for; staff confirm it when resolving.",
                                max_length=8,
                                verbose_name="resolution",
                            ),
                        ),
                        (
                            "resolved_amount",
                            models.DecimalField(
                                blank=True,
                                decimal_places=2,
                                help_text="Refunded or given as store credit.",
                                max_digits=12,
                                null=True,
                                verbose_name="amount given back",
                            ),
                        ),
                        (
                            "shipping_returned",
                            models.DecimalField(
                                decimal_places=2,
                                default=0,
                                editable=False,
                                help_text="The order's shipping, when this return gave it back (only one return of an order does).",
                                max_digits=12,
                                verbose_name="shipping given back",
                            ),
                        ),
                        ("customer_message", models.TextField(blank=True, verbose_name="message to the customer")),
                        (
                            "idempotency_key",
                            models.CharField(
                                blank=True,
                                editable=False,
                                max_length=64,
                                null=True,
                                unique=True,
                                verbose_name="idempotency key",
                            ),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(
                                db_index=True, default=django.utils.timezone.now, verbose_name="requested at"
                            ),
                        ),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "customer",
                            models.ForeignKey(
                                blank=True,
                                help_text="Empty for a guest order.",
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="return_requests",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="customer",
                            ),
                        ),
                        (
                            "order",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="return_requests",
                                to="orders.order",
                                verbose_name="order",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "return request",
                        "verbose_name_plural": "return requests",
                        "ordering": ["-created_at", "-pk"],
                    },
                ),
                migrations.CreateModel(
                    name="ReturnLine",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("quantity", models.PositiveIntegerField(verbose_name="quantity")),
                        (
                            "reason",
                            models.CharField(
                                choices=[
                                    ("wrong_size", "Wrong size or fit"),
                                    ("defective", "Defective or not working"),
                                    ("not_as_described", "Not as described"),
                                    ("wrong_item", "I received another item"),
                                    ("changed_mind", "I changed my mind"),
                                    ("other", "Other reason"),
                                ],
                                max_length=20,
                                verbose_name="reason",
                            ),
                        ),
                        ("reason_detail", models.CharField(blank=True, max_length=255, verbose_name="details")),
                        (
                            "declared_condition",
                            models.CharField(
                                choices=[("new", "New, unopened"), ("opened", "Opened"), ("damaged", "Damaged")],
                                max_length=8,
                                verbose_name="declared condition",
                            ),
                        ),
                        (
                            "found_condition",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("resellable", "Resellable: back to stock"),
                                    ("write_off", "Damaged: written off"),
                                    ("quarantine", "Damaged: kept in quarantine"),
                                ],
                                max_length=12,
                                verbose_name="condition found",
                            ),
                        ),
                        ("received_at", models.DateTimeField(blank=True, null=True, verbose_name="received at")),
                        (
                            "order_line",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="return_lines",
                                to="orders.orderline",
                                verbose_name="order line",
                            ),
                        ),
                        (
                            "warehouse",
                            models.ForeignKey(
                                blank=True,
                                help_text="Where the resellable units went back to.",
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="inventory.warehouse",
                                verbose_name="warehouse",
                            ),
                        ),
                        (
                            "request",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="lines",
                                to="returns.returnrequest",
                                verbose_name="return request",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "return line",
                        "verbose_name_plural": "return lines",
                        "ordering": ["pk"],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("quantity__gt", 0)), name="returns_line_quantity_positive"
                            ),
                            models.UniqueConstraint(
                                fields=("request", "order_line"), name="returns_line_once_per_request"
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="ReturnEmail",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("requested", "Requested"),
                                    ("approved", "Approved"),
                                    ("rejected", "Rejected"),
                                    ("received", "Received"),
                                    ("resolved", "Resolved"),
                                    ("closed", "Closed"),
                                ],
                                max_length=12,
                                verbose_name="status",
                            ),
                        ),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="created")),
                        ("sent_at", models.DateTimeField(blank=True, null=True, verbose_name="sent at")),
                        (
                            "request",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="emails",
                                to="returns.returnrequest",
                                verbose_name="return request",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "return e-mail",
                        "verbose_name_plural": "return e-mails",
                        "constraints": [
                            models.UniqueConstraint(fields=("request", "status"), name="returns_email_once_per_status")
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="ReturnStatusChange",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("note", models.CharField(blank=True, max_length=255, verbose_name="note")),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="when")),
                        (
                            "from_status",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("requested", "Requested"),
                                    ("approved", "Approved"),
                                    ("rejected", "Rejected"),
                                    ("received", "Received"),
                                    ("resolved", "Resolved"),
                                    ("closed", "Closed"),
                                ],
                                max_length=12,
                                verbose_name="from",
                            ),
                        ),
                        (
                            "to_status",
                            models.CharField(
                                choices=[
                                    ("requested", "Requested"),
                                    ("approved", "Approved"),
                                    ("rejected", "Rejected"),
                                    ("received", "Received"),
                                    ("resolved", "Resolved"),
                                    ("closed", "Closed"),
                                ],
                                max_length=12,
                                verbose_name="to",
                            ),
                        ),
                        (
                            "actor",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="actor",
                            ),
                        ),
                        (
                            "request",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="status_changes",
                                to="returns.returnrequest",
                                verbose_name="return request",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "status change",
                        "verbose_name_plural": "status changes",
                        "ordering": ["created_at", "pk"],
                        "abstract": False,
                        "indexes": [models.Index(fields=["request", "created_at"], name="returns_change_request_idx")],
                    },
                ),
            ],
        ),
    ]
