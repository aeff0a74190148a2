"""complaints: its models' tables, indexes and constraints as today's models have them, in place of migrations 0001 to 0001
(docs/operations/deploys.md, "Squashed migrations")."""

import django.db.models.deletion
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
    replaces = [("complaints", "0001_libro_de_reclamaciones")]

    dependencies = [
        ("accounts", "0001_squashed_0006_initial"),
        ("orders", "0001_squashed_0001_initial"),
        ("orders", "0004_squashed_0014_no_schema"),
    ]

    operations = [
        core.migration_operations.CreateModels(
            operations=[
                migrations.CreateModel(
                    name="HistoricalComplaintSheet",
                    fields=[
                        ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                        ("year", models.PositiveSmallIntegerField(editable=False, verbose_name="year")),
                        ("sequence", models.PositiveIntegerField(editable=False, verbose_name="correlative")),
                        (
                            "number",
                            models.CharField(db_index=True, editable=False, max_length=20, verbose_name="number"),
                        ),
                        ("filed_at", models.DateTimeField(db_index=True, editable=False, verbose_name="filed at")),
                        (
                            "due_on",
                            models.DateField(
                                db_index=True,
                                editable=False,
                                help_text="15 business days after the sheet was filed (Peru's holidays excluded).",
                                verbose_name="answer due",
                            ),
                        ),
                        ("provider_name", models.CharField(editable=False, max_length=200, verbose_name="provider")),
                        (
                            "provider_ruc",
                            models.CharField(editable=False, max_length=11, verbose_name="provider's RUC"),
                        ),
                        (
                            "provider_address",
                            models.CharField(editable=False, max_length=255, verbose_name="provider's address"),
                        ),
                        ("consumer_name", models.CharField(max_length=150, verbose_name="full name")),
                        (
                            "document_type",
                            models.CharField(
                                choices=[
                                    ("dni", "DNI"),
                                    ("ce", "Foreigner's ID (CE)"),
                                    ("passport", "Passport"),
                                    ("ruc", "RUC"),
                                ],
                                max_length=10,
                                verbose_name="document type",
                            ),
                        ),
                        ("document_number", models.CharField(max_length=12, verbose_name="document number")),
                        ("address", models.CharField(max_length=255, verbose_name="address")),
                        ("phone", models.CharField(blank=True, max_length=20, verbose_name="phone")),
                        ("email", models.EmailField(max_length=254, verbose_name="e-mail")),
                        ("is_minor", models.BooleanField(default=False, verbose_name="the consumer is a minor")),
                        (
                            "guardian_name",
                            models.CharField(blank=True, max_length=150, verbose_name="parent or guardian"),
                        ),
                        (
                            "guardian_document",
                            models.CharField(blank=True, max_length=12, verbose_name="parent or guardian's DNI or CE"),
                        ),
                        (
                            "item_kind",
                            models.CharField(
                                choices=[("product", "Product"), ("service", "Service")],
                                max_length=10,
                                verbose_name="product or service",
                            ),
                        ),
                        (
                            "amount",
                            models.DecimalField(
                                blank=True,
                                decimal_places=2,
                                max_digits=12,
                                null=True,
                                verbose_name="amount claimed (S/)",
                            ),
                        ),
                        ("item_description", models.CharField(max_length=500, verbose_name="description")),
                        (
                            "kind",
                            models.CharField(
                                choices=[("reclamo", "Claim (reclamo)"), ("queja", "Complaint (queja)")],
                                max_length=10,
                                verbose_name="type",
                            ),
                        ),
                        ("detail", models.TextField(max_length=3000, verbose_name="detail")),
                        ("consumer_request", models.TextField(max_length=2000, verbose_name="consumer's request")),
                        (
                            "response",
                            models.TextField(
                                blank=True, max_length=5000, verbose_name="observations and actions of the provider"
                            ),
                        ),
                        (
                            "answered_at",
                            models.DateTimeField(blank=True, editable=False, null=True, verbose_name="answered at"),
                        ),
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
                            "answered_by",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                editable=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="answered by",
                            ),
                        ),
                        (
                            "customer",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="customer account",
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
                    ],
                    options={
                        "verbose_name": "historical complaint sheet",
                        "verbose_name_plural": "historical complaint sheets",
                        "ordering": ("-history_date", "-history_id"),
                        "get_latest_by": ("history_date", "history_id"),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name="ComplaintSheet",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("year", models.PositiveSmallIntegerField(editable=False, verbose_name="year")),
                        ("sequence", models.PositiveIntegerField(editable=False, verbose_name="correlative")),
                        ("number", models.CharField(editable=False, max_length=20, unique=True, verbose_name="number")),
                        ("filed_at", models.DateTimeField(db_index=True, editable=False, verbose_name="filed at")),
                        (
                            "due_on",
                            models.DateField(
                                db_index=True,
                                editable=False,
                                help_text="15 business days after the sheet was filed (Peru's holidays excluded).",
                                verbose_name="answer due",
                            ),
                        ),
                        ("provider_name", models.CharField(editable=False, max_length=200, verbose_name="provider")),
                        (
                            "provider_ruc",
                            models.CharField(editable=False, max_length=11, verbose_name="provider's RUC"),
                        ),
                        (
                            "provider_address",
                            models.CharField(editable=False, max_length=255, verbose_name="provider's address"),
                        ),
                        ("consumer_name", models.CharField(max_length=150, verbose_name="full name")),
                        (
                            "document_type",
                            models.CharField(
                                choices=[
                                    ("dni", "DNI"),
                                    ("ce", "Foreigner's ID (CE)"),
                                    ("passport", "Passport"),
                                    ("ruc", "RUC"),
                                ],
                                max_length=10,
                                verbose_name="document type",
                            ),
                        ),
                        ("document_number", models.CharField(max_length=12, verbose_name="document number")),
                        ("address", models.CharField(max_length=255, verbose_name="address")),
                        ("phone", models.CharField(blank=True, max_length=20, verbose_name="phone")),
                        ("email", models.EmailField(max_length=254, verbose_name="e-mail")),
                        ("is_minor", models.BooleanField(default=False, verbose_name="the consumer is a minor")),
                        (
                            "guardian_name",
                            models.CharField(blank=True, max_length=150, verbose_name="parent or guardian"),
                        ),
                        (
                            "guardian_document",
                            models.CharField(blank=True, max_length=12, verbose_name="parent or guardian's DNI or CE"),
                        ),
                        (
                            "item_kind",
                            models.CharField(
                                choices=[("product", "Product"), ("service", "Service")],
                                max_length=10,
                                verbose_name="product or service",
                            ),
                        ),
                        (
                            "amount",
                            models.DecimalField(
                                blank=True,
                                decimal_places=2,
                                max_digits=12,
                                null=True,
                                verbose_name="amount claimed (S/)",
                            ),
                        ),
                        ("item_description", models.CharField(max_length=500, verbose_name="description")),
                        (
                            "kind",
                            models.CharField(
                                choices=[("reclamo", "Claim (reclamo)"), ("queja", "Complaint (queja)")],
                                max_length=10,
                                verbose_name="type",
                            ),
                        ),
                        ("detail", models.TextField(max_length=3000, verbose_name="detail")),
                        ("consumer_request", models.TextField(max_length=2000, verbose_name="consumer's request")),
                        (
                            "response",
                            models.TextField(
                                blank=True, max_length=5000, verbose_name="observations and actions of the provider"
                            ),
                        ),
                        (
                            "answered_at",
                            models.DateTimeField(blank=True, editable=False, null=True, verbose_name="answered at"),
                        ),
                        (
                            "copy_sent_at",
                            models.DateTimeField(
                                blank=True, editable=False, null=True, verbose_name="copy e-mailed at"
                            ),
                        ),
                        (
                            "answer_sent_at",
                            models.DateTimeField(
                                blank=True, editable=False, null=True, verbose_name="answer e-mailed at"
                            ),
                        ),
                        (
                            "answered_by",
                            models.ForeignKey(
                                blank=True,
                                editable=False,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="answered by",
                            ),
                        ),
                        (
                            "customer",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="complaint_sheets",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="customer account",
                            ),
                        ),
                        (
                            "order",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="complaint_sheets",
                                to="orders.order",
                                verbose_name="order",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "complaint sheet",
                        "verbose_name_plural": "complaint sheets",
                        "ordering": ["-filed_at", "-pk"],
                        "indexes": [
                            models.Index(fields=["answered_at", "due_on"], name="complaints_sheet_open_due_idx")
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("year", "sequence"), name="complaints_sheet_year_sequence_unique"
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("amount__isnull", True), ("amount__gte", 0), _connector="OR"),
                                name="complaints_sheet_amount_not_negative",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("answered_at__isnull", True),
                                    models.Q(("response", ""), _negated=True),
                                    _connector="OR",
                                ),
                                name="complaints_sheet_answer_has_text",
                            ),
                        ],
                    },
                ),
            ],
        ),
    ]
