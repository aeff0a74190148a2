"""despatch: its models' tables, indexes and constraints as today's models have them, in place of migrations 0001 to 0003
(docs/operations/deploys.md, "Squashed migrations")."""

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import accounts.validators
import core.migration_operations


class Migration(migrations.Migration):
    initial = True
    safe_under_load_because = (
        "it replaces the old chain: an existing database has the old migrations applied and Django marks this one "
        "applied without running it; on a new database its tables are new and empty"
    )
    replaces = [
        ("despatch", "0001_initial"),
        ("despatch", "0002_carrier_registration"),
        ("despatch", "0003_guia_check_status"),
    ]

    dependencies = [
        ("accounts", "0001_squashed_0006_initial"),
        ("shipping", "0001_squashed_0003_initial"),
        ("shipping", "0004_squashed_0005_no_schema"),
    ]

    operations = [
        core.migration_operations.CreateModels(
            operations=[
                migrations.CreateModel(
                    name="CarrierRegistration",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "carrier",
                            models.CharField(
                                choices=[("olva", "Olva Courier"), ("shalom", "Shalom"), ("serpost", "Serpost")],
                                max_length=20,
                                unique=True,
                                verbose_name="carrier",
                            ),
                        ),
                        (
                            "ruc",
                            models.CharField(
                                max_length=11, validators=[accounts.validators.validate_ruc], verbose_name="RUC"
                            ),
                        ),
                        ("legal_name", models.CharField(max_length=250, verbose_name="legal name")),
                        (
                            "mtc_registration",
                            models.CharField(
                                max_length=20,
                                validators=[
                                    django.core.validators.RegexValidator(
                                        "^(?!0+$)[0-9A-Z]{1,20}$", "Letters and digits, as the MTC registered it."
                                    )
                                ],
                                verbose_name="MTC registration",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "carrier registration",
                        "verbose_name_plural": "carrier registrations",
                        "ordering": ["carrier"],
                    },
                ),
                migrations.CreateModel(
                    name="DespatchLine",
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
                        ("unit_code", models.CharField(default="NIU", max_length=3, verbose_name="unit")),
                        ("quantity", models.DecimalField(decimal_places=3, max_digits=12, verbose_name="quantity")),
                    ],
                    options={
                        "verbose_name": "guide line",
                        "verbose_name_plural": "guide lines",
                        "ordering": ["advice", "position"],
                    },
                ),
                migrations.CreateModel(
                    name="DespatchAdvice",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("series", models.CharField(default="T001", max_length=4, verbose_name="series")),
                        ("number", models.PositiveIntegerField(verbose_name="number")),
                        (
                            "reason",
                            models.CharField(
                                choices=[("01", "Sale"), ("04", "Transfer between establishments of the same company")],
                                max_length=2,
                                verbose_name="reason for the move",
                            ),
                        ),
                        ("transfer_key", models.UUIDField(blank=True, null=True, unique=True, verbose_name="transfer")),
                        (
                            "issued_at",
                            models.DateTimeField(default=django.utils.timezone.now, verbose_name="issued at"),
                        ),
                        ("issue_date", models.DateField(help_text="In Lima time.", verbose_name="issue date")),
                        ("start_date", models.DateField(verbose_name="start of the move")),
                        ("issuer_ruc", models.CharField(max_length=11, verbose_name="store RUC")),
                        ("issuer_name", models.CharField(max_length=200, verbose_name="store legal name")),
                        (
                            "recipient_document_type",
                            models.CharField(max_length=1, verbose_name="recipient document type"),
                        ),
                        ("recipient_document", models.CharField(max_length=15, verbose_name="recipient document")),
                        ("recipient_name", models.CharField(max_length=250, verbose_name="recipient")),
                        (
                            "related_document",
                            models.CharField(blank=True, max_length=13, verbose_name="related receipt"),
                        ),
                        (
                            "related_document_type",
                            models.CharField(blank=True, max_length=2, verbose_name="related receipt type"),
                        ),
                        (
                            "transport_mode",
                            models.CharField(
                                choices=[
                                    ("01", "Public transport (a carrier)"),
                                    ("02", "Private transport (own vehicle)"),
                                ],
                                max_length=2,
                                verbose_name="transport",
                            ),
                        ),
                        ("carrier_ruc", models.CharField(blank=True, max_length=11, verbose_name="carrier RUC")),
                        ("carrier_name", models.CharField(blank=True, max_length=250, verbose_name="carrier")),
                        (
                            "carrier_mtc",
                            models.CharField(blank=True, max_length=20, verbose_name="carrier's MTC registration"),
                        ),
                        ("vehicle_plate", models.CharField(blank=True, max_length=8, verbose_name="vehicle plate")),
                        ("driver_document", models.CharField(blank=True, max_length=8, verbose_name="driver's DNI")),
                        (
                            "driver_first_name",
                            models.CharField(blank=True, max_length=250, verbose_name="driver's first names"),
                        ),
                        (
                            "driver_family_name",
                            models.CharField(blank=True, max_length=250, verbose_name="driver's surnames"),
                        ),
                        (
                            "driver_licence",
                            models.CharField(blank=True, max_length=10, verbose_name="driver's licence"),
                        ),
                        (
                            "gross_weight_kg",
                            models.DecimalField(decimal_places=3, max_digits=12, verbose_name="gross weight (kg)"),
                        ),
                        ("origin_ubigeo", models.CharField(max_length=6, verbose_name="origin ubigeo")),
                        ("origin_address", models.CharField(max_length=500, verbose_name="origin address")),
                        ("origin_establishment", models.CharField(max_length=4, verbose_name="origin establishment")),
                        ("arrival_ubigeo", models.CharField(max_length=6, verbose_name="arrival ubigeo")),
                        ("arrival_address", models.CharField(max_length=500, verbose_name="arrival address")),
                        (
                            "arrival_establishment",
                            models.CharField(blank=True, max_length=4, verbose_name="arrival establishment"),
                        ),
                        ("xml", models.TextField(blank=True, verbose_name="XML")),
                        ("digest", models.CharField(blank=True, max_length=100, verbose_name="hash")),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("pending", "Pending to send"),
                                    ("sent", "Sent, awaiting SUNAT"),
                                    ("accepted", "Accepted"),
                                    ("observed", "Accepted with observations"),
                                    ("rejected", "Rejected"),
                                    ("exception", "Sending failed"),
                                    ("check", "Needs a check in SUNAT's portal"),
                                ],
                                db_index=True,
                                default="pending",
                                max_length=10,
                                verbose_name="SUNAT status",
                            ),
                        ),
                        ("ticket", models.CharField(blank=True, max_length=40, verbose_name="SUNAT ticket")),
                        ("send_attempts", models.PositiveIntegerField(default=0, verbose_name="send attempts")),
                        ("sent_at", models.DateTimeField(blank=True, null=True, verbose_name="sent at")),
                        ("answered_at", models.DateTimeField(blank=True, null=True, verbose_name="answered at")),
                        ("cdr_code", models.CharField(blank=True, max_length=10, verbose_name="CDR code")),
                        ("cdr_message", models.TextField(blank=True, verbose_name="CDR message")),
                        ("cdr_xml", models.TextField(blank=True, verbose_name="CDR")),
                        ("qr_url", models.URLField(blank=True, max_length=500, verbose_name="QR address")),
                        (
                            "issued_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="issued by",
                            ),
                        ),
                        (
                            "shipment",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="despatch_advices",
                                to="shipping.shipment",
                                verbose_name="shipment",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "despatch guide (guía de remisión)",
                        "verbose_name_plural": "despatch guides (guías de remisión)",
                        "ordering": ["-issued_at", "-pk"],
                        "indexes": [models.Index(fields=["issue_date"], name="despatch_guide_issue_date_idx")],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("series", "number"), name="despatch_guide_series_number_unique"
                            ),
                            models.UniqueConstraint(
                                condition=models.Q(
                                    ("shipment__isnull", False), models.Q(("status", "rejected"), _negated=True)
                                ),
                                fields=("shipment",),
                                name="despatch_guide_one_live_per_shipment",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(
                                        ("reason", "01"), ("shipment__isnull", False), ("transfer_key__isnull", True)
                                    ),
                                    models.Q(
                                        ("reason", "04"), ("shipment__isnull", True), ("transfer_key__isnull", False)
                                    ),
                                    _connector="OR",
                                ),
                                name="despatch_guide_sale_leg_or_transfer",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("gross_weight_kg__gt", 0)), name="despatch_guide_weight_positive"
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(
                                        ("carrier_mtc__gt", ""), ("carrier_ruc__gt", ""), ("transport_mode", "01")
                                    ),
                                    models.Q(
                                        ("driver_document__gt", ""),
                                        ("driver_licence__gt", ""),
                                        ("transport_mode", "02"),
                                        ("vehicle_plate__gt", ""),
                                    ),
                                    _connector="OR",
                                ),
                                name="despatch_guide_transport_complete",
                            ),
                        ],
                    },
                ),
            ],
        ),
        migrations.AddField(
            model_name="despatchline",
            name="advice",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="lines",
                to="despatch.despatchadvice",
                verbose_name="guide",
            ),
        ),
        migrations.AddConstraint(
            model_name="despatchline",
            constraint=models.UniqueConstraint(fields=("advice", "position"), name="despatch_line_position_unique"),
        ),
        migrations.AddConstraint(
            model_name="despatchline",
            constraint=models.CheckConstraint(
                condition=models.Q(("quantity__gt", 0)), name="despatch_line_quantity_positive"
            ),
        ),
    ]
