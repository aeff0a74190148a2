"""receipts: its models' tables, indexes and constraints as today's models have them, in place of migrations 0001 to 0001
(docs/operations/deploys.md, "Squashed migrations")."""

from decimal import Decimal

import django.db.models.deletion
import django.db.models.expressions
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
    replaces = [("receipts", "0001_receipts_series_and_lines")]

    dependencies = [
        ("accounts", "0001_squashed_0006_initial"),
        ("orders", "0001_squashed_0001_initial"),
    ]

    operations = [
        core.migration_operations.CreateModels(
            operations=[
                migrations.CreateModel(
                    name="Receipt",
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
                                    ("01", "Invoice (factura)"),
                                    ("03", "Receipt (boleta)"),
                                    ("07", "Credit note"),
                                    ("08", "Debit note"),
                                ],
                                max_length=2,
                                verbose_name="type",
                            ),
                        ),
                        ("series", models.CharField(max_length=4, verbose_name="series")),
                        ("number", models.PositiveIntegerField(verbose_name="number")),
                        (
                            "voided_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="voided to correct it at"),
                        ),
                        ("reason_code", models.CharField(blank=True, max_length=2, verbose_name="reason code")),
                        ("reason", models.CharField(blank=True, max_length=250, verbose_name="reason")),
                        (
                            "source",
                            models.CharField(
                                blank=True, editable=False, max_length=40, null=True, unique=True, verbose_name="source"
                            ),
                        ),
                        (
                            "issued_at",
                            models.DateTimeField(default=django.utils.timezone.now, verbose_name="issued at"),
                        ),
                        ("issue_date", models.DateField(help_text="In Lima time.", verbose_name="issue date")),
                        ("issuer_ruc", models.CharField(max_length=11, verbose_name="store RUC")),
                        ("issuer_name", models.CharField(max_length=200, verbose_name="store legal name")),
                        ("issuer_address", models.CharField(blank=True, max_length=250, verbose_name="store address")),
                        (
                            "buyer_document_type",
                            models.CharField(
                                choices=[("-", "No document"), ("1", "DNI"), ("6", "RUC")],
                                max_length=1,
                                verbose_name="buyer document type",
                            ),
                        ),
                        ("buyer_document", models.CharField(blank=True, max_length=11, verbose_name="buyer document")),
                        ("buyer_name", models.CharField(blank=True, max_length=200, verbose_name="buyer name")),
                        ("buyer_address", models.CharField(blank=True, max_length=250, verbose_name="buyer address")),
                        ("currency", models.CharField(default="PEN", max_length=3, verbose_name="currency")),
                        (
                            "taxable_total",
                            models.DecimalField(decimal_places=2, max_digits=12, verbose_name="taxable amount"),
                        ),
                        ("igv_total", models.DecimalField(decimal_places=2, max_digits=12, verbose_name="IGV")),
                        (
                            "discount_total",
                            models.DecimalField(
                                decimal_places=2, default=Decimal("0.00"), max_digits=12, verbose_name="discounts"
                            ),
                        ),
                        ("total", models.DecimalField(decimal_places=2, max_digits=12, verbose_name="total")),
                        ("amount_in_words", models.CharField(max_length=250, verbose_name="amount in words")),
                        ("xml", models.TextField(blank=True, verbose_name="XML")),
                        ("digest", models.CharField(blank=True, max_length=100, verbose_name="hash")),
                        (
                            "send_status",
                            models.CharField(
                                choices=[
                                    ("pending", "Pending to send"),
                                    ("sent", "Sent, no answer yet"),
                                    ("accepted", "Accepted"),
                                    ("observed", "Accepted with observations"),
                                    ("rejected", "Rejected"),
                                    ("exception", "Not received: to send again"),
                                ],
                                default="pending",
                                max_length=10,
                                verbose_name="SUNAT status",
                            ),
                        ),
                        ("send_attempts", models.PositiveIntegerField(default=0, verbose_name="send attempts")),
                        ("send_claimed_at", models.DateTimeField(blank=True, null=True, verbose_name="handed over at")),
                        ("sent_at", models.DateTimeField(blank=True, null=True, verbose_name="answered at")),
                        ("cdr_code", models.CharField(blank=True, max_length=10, verbose_name="CDR code")),
                        ("cdr_message", models.TextField(blank=True, verbose_name="CDR message")),
                        ("cdr_observations", models.JSONField(blank=True, default=list, verbose_name="observations")),
                        ("cdr_xml", models.TextField(blank=True, verbose_name="CDR")),
                        ("emailed_at", models.DateTimeField(blank=True, null=True, verbose_name="e-mailed at")),
                        (
                            "issued_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="issued by",
                            ),
                        ),
                        (
                            "order",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="receipts",
                                to="orders.order",
                                verbose_name="order",
                            ),
                        ),
                        (
                            "original",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="notes",
                                to="receipts.receipt",
                                verbose_name="original receipt",
                            ),
                        ),
                        (
                            "reissue_of",
                            models.OneToOneField(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="reissue",
                                to="receipts.receipt",
                                verbose_name="re-issue of",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "electronic receipt",
                        "verbose_name_plural": "electronic receipts",
                        "ordering": ["-issued_at", "-pk"],
                        "indexes": [models.Index(fields=["send_status", "issued_at"], name="receipts_send_status_idx")],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("series", "number"), name="receipts_receipt_series_number_unique"
                            ),
                            models.UniqueConstraint(
                                condition=models.Q(
                                    ("kind__in", ["01", "03"]),
                                    models.Q(("send_status", "rejected"), _negated=True),
                                    ("voided_at__isnull", True),
                                ),
                                fields=("order",),
                                name="receipts_receipt_one_per_order",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(("kind__in", ["07", "08"]), ("original__isnull", False)),
                                    models.Q(
                                        models.Q(("kind__in", ["07", "08"]), _negated=True), ("original__isnull", True)
                                    ),
                                    _connector="OR",
                                ),
                                name="receipts_receipt_note_has_original",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("total__gte", 0), ("taxable_total__gte", 0), ("igv_total__gte", 0)),
                                name="receipts_receipt_amounts_not_negative",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    (
                                        "total__gt",
                                        django.db.models.expressions.CombinedExpression(
                                            django.db.models.expressions.CombinedExpression(
                                                models.F("taxable_total"), "+", models.F("igv_total")
                                            ),
                                            "-",
                                            models.Value(Decimal("0.005")),
                                        ),
                                    ),
                                    (
                                        "total__lt",
                                        django.db.models.expressions.CombinedExpression(
                                            django.db.models.expressions.CombinedExpression(
                                                models.F("taxable_total"), "+", models.F("igv_total")
                                            ),
                                            "+",
                                            models.Value(Decimal("0.005")),
                                        ),
                                    ),
                                ),
                                name="receipts_receipt_total_adds_up",
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="ReceiptLine",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("position", models.PositiveSmallIntegerField(verbose_name="position")),
                        ("sku", models.CharField(blank=True, max_length=50, verbose_name="code")),
                        ("description", models.CharField(max_length=500, verbose_name="description")),
                        (
                            "unit_code",
                            models.CharField(
                                choices=[("NIU", "Unit (product)"), ("ZZ", "Service")],
                                default="NIU",
                                max_length=3,
                                verbose_name="unit",
                            ),
                        ),
                        ("quantity", models.PositiveIntegerField(verbose_name="quantity")),
                        (
                            "unit_value",
                            models.DecimalField(
                                decimal_places=10, max_digits=22, verbose_name="unit value (without IGV)"
                            ),
                        ),
                        (
                            "unit_price",
                            models.DecimalField(decimal_places=2, max_digits=12, verbose_name="unit price (with IGV)"),
                        ),
                        (
                            "discount",
                            models.DecimalField(
                                decimal_places=2,
                                default=Decimal("0.00"),
                                max_digits=12,
                                verbose_name="discount (with IGV)",
                            ),
                        ),
                        (
                            "taxable_amount",
                            models.DecimalField(decimal_places=2, max_digits=12, verbose_name="taxable value"),
                        ),
                        ("igv", models.DecimalField(decimal_places=2, max_digits=12, verbose_name="IGV")),
                        (
                            "total",
                            models.DecimalField(decimal_places=2, max_digits=12, verbose_name="total (with IGV)"),
                        ),
                        (
                            "order_line",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="orders.orderline",
                                verbose_name="order line",
                            ),
                        ),
                        (
                            "receipt",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="lines",
                                to="receipts.receipt",
                                verbose_name="receipt",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "receipt line",
                        "verbose_name_plural": "receipt lines",
                        "ordering": ["receipt", "position"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("receipt", "position"), name="receipts_line_position_unique"
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("quantity__gt", 0)), name="receipts_line_quantity_positive"
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    (
                                        "total__gt",
                                        django.db.models.expressions.CombinedExpression(
                                            django.db.models.expressions.CombinedExpression(
                                                models.F("taxable_amount"), "+", models.F("igv")
                                            ),
                                            "-",
                                            models.Value(Decimal("0.005")),
                                        ),
                                    ),
                                    (
                                        "total__lt",
                                        django.db.models.expressions.CombinedExpression(
                                            django.db.models.expressions.CombinedExpression(
                                                models.F("taxable_amount"), "+", models.F("igv")
                                            ),
                                            "+",
                                            models.Value(Decimal("0.005")),
                                        ),
                                    ),
                                ),
                                name="receipts_line_total_adds_up",
                            ),
                        ],
                    },
                ),
            ],
        ),
    ]
