"""sunat: its models' tables, indexes and constraints as today's models have them, in place of migrations 0001 to 0002
(docs/operations/deploys.md, "Squashed migrations")."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

import core.migration_operations


class Migration(migrations.Migration):
    initial = True
    safe_under_load_because = (
        "it replaces the old chain: an existing database has the old migrations applied and Django marks this one "
        "applied without running it; on a new database its tables are new and empty"
    )
    replaces = [("sunat", "0001_initial"), ("sunat", "0002_summary_check_status")]

    dependencies = [
        ("receipts", "0001_squashed_0001_initial"),
        ("receipts", "0002_squashed_0006_no_schema"),
    ]

    operations = [
        core.migration_operations.CreateModels(
            operations=[
                migrations.CreateModel(
                    name="ReceiptTerms",
                    fields=[],
                    options={
                        "verbose_name": "receipt (terms and voiding)",
                        "verbose_name_plural": "receipts (terms and voiding)",
                        "proxy": True,
                        "indexes": [],
                        "constraints": [],
                    },
                    bases=("receipts.receipt",),
                ),
                migrations.CreateModel(
                    name="Summary",
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
                                choices=[
                                    ("RC", "Daily summary (resumen diario)"),
                                    ("RA", "Voiding notice (comunicación de baja)"),
                                ],
                                max_length=2,
                                verbose_name="type",
                            ),
                        ),
                        ("issue_date", models.DateField(verbose_name="generated on")),
                        ("correlative", models.PositiveIntegerField(verbose_name="correlative")),
                        ("reference_date", models.DateField(verbose_name="documents of")),
                        ("issuer_ruc", models.CharField(max_length=11, verbose_name="store RUC")),
                        ("issuer_name", models.CharField(max_length=200, verbose_name="store legal name")),
                        (
                            "created_at",
                            models.DateTimeField(default=django.utils.timezone.now, verbose_name="created at"),
                        ),
                        ("xml", models.TextField(blank=True, verbose_name="XML")),
                        ("digest", models.CharField(blank=True, max_length=100, verbose_name="hash")),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("pending", "Pending to send"),
                                    ("sent", "Sent, awaiting SUNAT's answer"),
                                    ("accepted", "Accepted"),
                                    ("observed", "Accepted with observations"),
                                    ("rejected", "Rejected"),
                                    ("failed", "Sending failed"),
                                    ("check", "Needs a check in SUNAT's portal"),
                                ],
                                default="pending",
                                max_length=10,
                                verbose_name="SUNAT status",
                            ),
                        ),
                        ("ticket", models.CharField(blank=True, max_length=40, verbose_name="ticket")),
                        ("send_attempts", models.PositiveIntegerField(default=0, verbose_name="send attempts")),
                        ("poll_attempts", models.PositiveIntegerField(default=0, verbose_name="status queries")),
                        ("sent_at", models.DateTimeField(blank=True, null=True, verbose_name="sent at")),
                        ("answered_at", models.DateTimeField(blank=True, null=True, verbose_name="answered at")),
                        ("cdr_code", models.CharField(blank=True, max_length=10, verbose_name="CDR code")),
                        ("cdr_message", models.TextField(blank=True, verbose_name="CDR message")),
                        ("cdr_xml", models.TextField(blank=True, verbose_name="CDR")),
                    ],
                    options={
                        "verbose_name": "SUNAT summary",
                        "verbose_name_plural": "SUNAT summaries",
                        "ordering": ["-issue_date", "-correlative", "-pk"],
                        "indexes": [models.Index(fields=["status", "created_at"], name="sunat_summary_status_idx")],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("kind", "issue_date", "correlative"),
                                name="sunat_summary_kind_day_correlative_unique",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("reference_date__lte", models.F("issue_date"))),
                                name="sunat_summary_reference_not_after_issue",
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="SummaryLine",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("position", models.PositiveIntegerField(verbose_name="line")),
                        (
                            "condition",
                            models.CharField(
                                blank=True,
                                choices=[("1", "Add"), ("2", "Modify"), ("3", "Void")],
                                max_length=1,
                                verbose_name="condition",
                            ),
                        ),
                        ("reason", models.CharField(blank=True, max_length=100, verbose_name="reason for voiding")),
                        (
                            "receipt",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="receipts.receipt",
                                verbose_name="receipt",
                            ),
                        ),
                        (
                            "summary",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="lines",
                                to="sunat.summary",
                                verbose_name="summary",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "summary line",
                        "verbose_name_plural": "summary lines",
                        "ordering": ["summary", "position"],
                        "constraints": [
                            models.UniqueConstraint(fields=("summary", "position"), name="sunat_line_position_unique"),
                            models.UniqueConstraint(
                                fields=("summary", "receipt", "condition"), name="sunat_line_receipt_unique"
                            ),
                        ],
                    },
                ),
            ],
        ),
    ]
