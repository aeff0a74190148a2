"""shipping: its models' tables, indexes and constraints as today's models have them, in place of migrations 0001 to 0003
(docs/operations/deploys.md, "Squashed migrations")."""

from decimal import Decimal

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations, models

import core.migration_operations
from core.migration_operations import run_on_postgresql

# PostgreSQL: two weight bands of the same method and zone never overlap (old 0002, which says why the
# constraint is raw SQL and not in Meta.constraints). SQLite keeps ShippingRate.clean()'s check alone.
FORWARD = """
ALTER TABLE shipping_shippingrate ADD CONSTRAINT shipping_rate_bands_never_overlap
EXCLUDE USING gist (method_id WITH =, zone_id WITH =, numrange(weight_from, weight_to, '(]') WITH &&)
"""
BACKWARD = "ALTER TABLE shipping_shippingrate DROP CONSTRAINT IF EXISTS shipping_rate_bands_never_overlap"


class Migration(migrations.Migration):
    initial = True
    safe_under_load_because = (
        "it replaces the old chain: an existing database has the old migrations applied and Django marks this one "
        "applied without running it; on a new database its tables are new and empty"
    )
    replaces = [
        ("shipping", "0001_initial"),
        ("shipping", "0002_rate_bands_never_overlap"),
        ("shipping", "0003_shipments_legs_lines_events"),
    ]

    dependencies = [
        ("accounts", "0001_squashed_0006_initial"),
        ("catalog", "0001_squashed_0017_initial"),
        ("inventory", "0001_squashed_0002_initial"),
        ("orders", "0001_squashed_0001_initial"),
    ]

    operations = [
        BtreeGistExtension(),
        core.migration_operations.CreateModels(
            operations=[
                migrations.CreateModel(
                    name="ShippingZone",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("name", models.CharField(max_length=100, unique=True, verbose_name="name")),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("lima_metropolitana", "Lima Metropolitana (Lima province and Callao)"),
                                    ("departments", "Departments"),
                                    ("provinces", "Provinces (all of Peru outside Lima Metropolitana)"),
                                ],
                                max_length=20,
                                verbose_name="kind",
                            ),
                        ),
                        (
                            "departments",
                            models.JSONField(
                                blank=True,
                                default=list,
                                help_text="INEI department codes, for a zone of departments.",
                                verbose_name="departments",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "shipping zone",
                        "verbose_name_plural": "shipping zones",
                        "ordering": ["name"],
                    },
                ),
                migrations.CreateModel(
                    name="HistoricalShippingMethod",
                    fields=[
                        ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                        ("code", models.SlugField(max_length=40, verbose_name="code")),
                        ("name", models.CharField(max_length=100, verbose_name="name")),
                        (
                            "carrier",
                            models.CharField(
                                choices=[
                                    ("olva", "Olva Courier"),
                                    ("shalom", "Shalom"),
                                    ("serpost", "Serpost"),
                                    ("pickup", "In-store pickup"),
                                ],
                                max_length=20,
                                verbose_name="carrier",
                            ),
                        ),
                        (
                            "description",
                            models.TextField(
                                blank=True, help_text="Shown to the shopper at checkout.", verbose_name="description"
                            ),
                        ),
                        (
                            "min_days",
                            models.PositiveSmallIntegerField(
                                help_text="Business days (Sundays and public holidays excluded) until delivery, or until ready for pickup.",
                                verbose_name="estimated days (minimum)",
                            ),
                        ),
                        ("max_days", models.PositiveSmallIntegerField(verbose_name="estimated days (maximum)")),
                        (
                            "free_shipping_threshold",
                            models.DecimalField(
                                blank=True,
                                decimal_places=2,
                                help_text="Orders whose subtotal (IGV included) reaches this amount ship free. Empty: never free.",
                                max_digits=10,
                                null=True,
                                validators=[django.core.validators.MinValueValidator(Decimal("0.00"))],
                                verbose_name="free shipping from",
                            ),
                        ),
                        (
                            "pickup_address",
                            models.CharField(
                                blank=True,
                                help_text="In-store pickup: where the shopper collects.",
                                max_length=255,
                                verbose_name="pickup address",
                            ),
                        ),
                        (
                            "pickup_hours",
                            models.CharField(
                                blank=True,
                                help_text="In-store pickup: when the store is open.",
                                max_length=255,
                                verbose_name="pickup opening hours",
                            ),
                        ),
                        ("is_active", models.BooleanField(default=True, verbose_name="active")),
                        ("order", models.PositiveSmallIntegerField(default=0, verbose_name="order")),
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
                    ],
                    options={
                        "verbose_name": "historical shipping method",
                        "verbose_name_plural": "historical shipping methods",
                        "ordering": ("-history_date", "-history_id"),
                        "get_latest_by": ("history_date", "history_id"),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name="HistoricalShippingZone",
                    fields=[
                        ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                        ("name", models.CharField(db_index=True, max_length=100, verbose_name="name")),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("lima_metropolitana", "Lima Metropolitana (Lima province and Callao)"),
                                    ("departments", "Departments"),
                                    ("provinces", "Provinces (all of Peru outside Lima Metropolitana)"),
                                ],
                                max_length=20,
                                verbose_name="kind",
                            ),
                        ),
                        (
                            "departments",
                            models.JSONField(
                                blank=True,
                                default=list,
                                help_text="INEI department codes, for a zone of departments.",
                                verbose_name="departments",
                            ),
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
                            "history_user",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "historical shipping zone",
                        "verbose_name_plural": "historical shipping zones",
                        "ordering": ("-history_date", "-history_id"),
                        "get_latest_by": ("history_date", "history_id"),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name="Shipment",
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
                                    ("pending", "Pending"),
                                    ("packed", "Packed"),
                                    ("ready_for_pickup", "Ready for pickup"),
                                    ("shipped", "Shipped"),
                                    ("in_transit", "In transit"),
                                    ("delivered", "Delivered"),
                                    ("delivery_failed", "Delivery failed"),
                                    ("returned", "Returned to sender"),
                                    ("cancelled", "Cancelled"),
                                ],
                                db_index=True,
                                default="pending",
                                max_length=20,
                                verbose_name="status",
                            ),
                        ),
                        (
                            "carrier",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("olva", "Olva Courier"),
                                    ("shalom", "Shalom"),
                                    ("serpost", "Serpost"),
                                    ("pickup", "In-store pickup"),
                                ],
                                max_length=20,
                                verbose_name="carrier",
                            ),
                        ),
                        (
                            "tracking_number",
                            models.CharField(blank=True, max_length=40, verbose_name="tracking number"),
                        ),
                        ("tracking_url", models.URLField(blank=True, max_length=300, verbose_name="tracking URL")),
                        ("label_url", models.URLField(blank=True, max_length=300, verbose_name="label URL")),
                        (
                            "is_dropship",
                            models.BooleanField(
                                default=False,
                                help_text="Shipped by the supplier or seller, not by our warehouse.",
                                verbose_name="dropshipping",
                            ),
                        ),
                        (
                            "supplier_confirmed_at",
                            models.DateTimeField(
                                blank=True,
                                help_text="A dropshipping leg ships only after its supplier confirms it has the units.",
                                null=True,
                                verbose_name="confirmed by the supplier at",
                            ),
                        ),
                        (
                            "ship_by",
                            models.DateField(
                                help_text="The promised business days to ship end this day.", verbose_name="ship by"
                            ),
                        ),
                        (
                            "estimated_from",
                            models.DateField(blank=True, null=True, verbose_name="estimated delivery from"),
                        ),
                        (
                            "estimated_to",
                            models.DateField(blank=True, null=True, verbose_name="estimated delivery until"),
                        ),
                        ("packed_at", models.DateTimeField(blank=True, null=True, verbose_name="packed at")),
                        (
                            "shipped_at",
                            models.DateTimeField(blank=True, db_index=True, null=True, verbose_name="shipped at"),
                        ),
                        ("delivered_at", models.DateTimeField(blank=True, null=True, verbose_name="delivered at")),
                        (
                            "created_at",
                            models.DateTimeField(default=django.utils.timezone.now, verbose_name="created at"),
                        ),
                        ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated at")),
                        (
                            "order",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="shipments",
                                to="orders.order",
                                verbose_name="order",
                            ),
                        ),
                        (
                            "warehouse",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="shipments",
                                to="inventory.warehouse",
                                verbose_name="warehouse",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "shipment",
                        "verbose_name_plural": "shipments",
                        "ordering": ["ship_by", "pk"],
                    },
                ),
                migrations.CreateModel(
                    name="ShipmentEvent",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "from_status",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("pending", "Pending"),
                                    ("packed", "Packed"),
                                    ("ready_for_pickup", "Ready for pickup"),
                                    ("shipped", "Shipped"),
                                    ("in_transit", "In transit"),
                                    ("delivered", "Delivered"),
                                    ("delivery_failed", "Delivery failed"),
                                    ("returned", "Returned to sender"),
                                    ("cancelled", "Cancelled"),
                                ],
                                max_length=20,
                                verbose_name="from",
                            ),
                        ),
                        (
                            "to_status",
                            models.CharField(
                                choices=[
                                    ("pending", "Pending"),
                                    ("packed", "Packed"),
                                    ("ready_for_pickup", "Ready for pickup"),
                                    ("shipped", "Shipped"),
                                    ("in_transit", "In transit"),
                                    ("delivered", "Delivered"),
                                    ("delivery_failed", "Delivery failed"),
                                    ("returned", "Returned to sender"),
                                    ("cancelled", "Cancelled"),
                                ],
                                max_length=20,
                                verbose_name="to",
                            ),
                        ),
                        ("note", models.CharField(blank=True, max_length=255, verbose_name="note")),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="when")),
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
                            "shipment",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="events",
                                to="shipping.shipment",
                                verbose_name="shipment",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "shipment event",
                        "verbose_name_plural": "shipment events",
                        "ordering": ["created_at", "pk"],
                    },
                ),
                migrations.CreateModel(
                    name="ShippingMethod",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("code", models.SlugField(max_length=40, unique=True, verbose_name="code")),
                        ("name", models.CharField(max_length=100, verbose_name="name")),
                        (
                            "carrier",
                            models.CharField(
                                choices=[
                                    ("olva", "Olva Courier"),
                                    ("shalom", "Shalom"),
                                    ("serpost", "Serpost"),
                                    ("pickup", "In-store pickup"),
                                ],
                                max_length=20,
                                verbose_name="carrier",
                            ),
                        ),
                        (
                            "description",
                            models.TextField(
                                blank=True, help_text="Shown to the shopper at checkout.", verbose_name="description"
                            ),
                        ),
                        (
                            "min_days",
                            models.PositiveSmallIntegerField(
                                help_text="Business days (Sundays and public holidays excluded) until delivery, or until ready for pickup.",
                                verbose_name="estimated days (minimum)",
                            ),
                        ),
                        ("max_days", models.PositiveSmallIntegerField(verbose_name="estimated days (maximum)")),
                        (
                            "free_shipping_threshold",
                            models.DecimalField(
                                blank=True,
                                decimal_places=2,
                                help_text="Orders whose subtotal (IGV included) reaches this amount ship free. Empty: never free.",
                                max_digits=10,
                                null=True,
                                validators=[django.core.validators.MinValueValidator(Decimal("0.00"))],
                                verbose_name="free shipping from",
                            ),
                        ),
                        (
                            "pickup_address",
                            models.CharField(
                                blank=True,
                                help_text="In-store pickup: where the shopper collects.",
                                max_length=255,
                                verbose_name="pickup address",
                            ),
                        ),
                        (
                            "pickup_hours",
                            models.CharField(
                                blank=True,
                                help_text="In-store pickup: when the store is open.",
                                max_length=255,
                                verbose_name="pickup opening hours",
                            ),
                        ),
                        ("is_active", models.BooleanField(default=True, verbose_name="active")),
                        ("order", models.PositiveSmallIntegerField(default=0, verbose_name="order")),
                    ],
                    options={
                        "verbose_name": "shipping method",
                        "verbose_name_plural": "shipping methods",
                        "ordering": ["order", "name"],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("max_days__gte", models.F("min_days"))),
                                name="shipping_method_days_range",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("free_shipping_threshold__isnull", True),
                                    ("free_shipping_threshold__gte", 0),
                                    _connector="OR",
                                ),
                                name="shipping_method_free_threshold_not_negative",
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="HistoricalShipment",
                    fields=[
                        ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("pending", "Pending"),
                                    ("packed", "Packed"),
                                    ("ready_for_pickup", "Ready for pickup"),
                                    ("shipped", "Shipped"),
                                    ("in_transit", "In transit"),
                                    ("delivered", "Delivered"),
                                    ("delivery_failed", "Delivery failed"),
                                    ("returned", "Returned to sender"),
                                    ("cancelled", "Cancelled"),
                                ],
                                db_index=True,
                                default="pending",
                                max_length=20,
                                verbose_name="status",
                            ),
                        ),
                        (
                            "carrier",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("olva", "Olva Courier"),
                                    ("shalom", "Shalom"),
                                    ("serpost", "Serpost"),
                                    ("pickup", "In-store pickup"),
                                ],
                                max_length=20,
                                verbose_name="carrier",
                            ),
                        ),
                        (
                            "tracking_number",
                            models.CharField(blank=True, max_length=40, verbose_name="tracking number"),
                        ),
                        ("tracking_url", models.URLField(blank=True, max_length=300, verbose_name="tracking URL")),
                        ("label_url", models.URLField(blank=True, max_length=300, verbose_name="label URL")),
                        (
                            "is_dropship",
                            models.BooleanField(
                                default=False,
                                help_text="Shipped by the supplier or seller, not by our warehouse.",
                                verbose_name="dropshipping",
                            ),
                        ),
                        (
                            "supplier_confirmed_at",
                            models.DateTimeField(
                                blank=True,
                                help_text="A dropshipping leg ships only after its supplier confirms it has the units.",
                                null=True,
                                verbose_name="confirmed by the supplier at",
                            ),
                        ),
                        (
                            "ship_by",
                            models.DateField(
                                help_text="The promised business days to ship end this day.", verbose_name="ship by"
                            ),
                        ),
                        (
                            "estimated_from",
                            models.DateField(blank=True, null=True, verbose_name="estimated delivery from"),
                        ),
                        (
                            "estimated_to",
                            models.DateField(blank=True, null=True, verbose_name="estimated delivery until"),
                        ),
                        ("packed_at", models.DateTimeField(blank=True, null=True, verbose_name="packed at")),
                        (
                            "shipped_at",
                            models.DateTimeField(blank=True, db_index=True, null=True, verbose_name="shipped at"),
                        ),
                        ("delivered_at", models.DateTimeField(blank=True, null=True, verbose_name="delivered at")),
                        (
                            "created_at",
                            models.DateTimeField(default=django.utils.timezone.now, verbose_name="created at"),
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
                            "warehouse",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="inventory.warehouse",
                                verbose_name="warehouse",
                            ),
                        ),
                        (
                            "method",
                            models.ForeignKey(
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
                    options={
                        "verbose_name": "historical shipment",
                        "verbose_name_plural": "historical shipments",
                        "ordering": ("-history_date", "-history_id"),
                        "get_latest_by": ("history_date", "history_id"),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name="ShippingRate",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "weight_from",
                            models.DecimalField(
                                decimal_places=3,
                                default=Decimal("0"),
                                max_digits=7,
                                validators=[django.core.validators.MinValueValidator(0)],
                                verbose_name="over (kg)",
                            ),
                        ),
                        ("weight_to", models.DecimalField(decimal_places=3, max_digits=7, verbose_name="up to (kg)")),
                        (
                            "price",
                            models.DecimalField(
                                decimal_places=2,
                                max_digits=10,
                                validators=[django.core.validators.MinValueValidator(Decimal("0.00"))],
                                verbose_name="price (IGV included)",
                            ),
                        ),
                        (
                            "method",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="rates",
                                to="shipping.shippingmethod",
                                verbose_name="shipping method",
                            ),
                        ),
                        (
                            "zone",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="rates",
                                to="shipping.shippingzone",
                                verbose_name="zone",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "shipping rate",
                        "verbose_name_plural": "shipping rates",
                        "ordering": ["method", "zone", "weight_from"],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("price__gte", 0)), name="shipping_rate_price_not_negative"
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("weight_from__gte", 0)),
                                name="shipping_rate_weight_from_not_negative",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("weight_to__gt", models.F("weight_from"))),
                                name="shipping_rate_weight_band",
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="HistoricalShippingRate",
                    fields=[
                        ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                        (
                            "weight_from",
                            models.DecimalField(
                                decimal_places=3,
                                default=Decimal("0"),
                                max_digits=7,
                                validators=[django.core.validators.MinValueValidator(0)],
                                verbose_name="over (kg)",
                            ),
                        ),
                        ("weight_to", models.DecimalField(decimal_places=3, max_digits=7, verbose_name="up to (kg)")),
                        (
                            "price",
                            models.DecimalField(
                                decimal_places=2,
                                max_digits=10,
                                validators=[django.core.validators.MinValueValidator(Decimal("0.00"))],
                                verbose_name="price (IGV included)",
                            ),
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
                            "history_user",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "method",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="shipping.shippingmethod",
                                verbose_name="shipping method",
                            ),
                        ),
                        (
                            "zone",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="shipping.shippingzone",
                                verbose_name="zone",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "historical shipping rate",
                        "verbose_name_plural": "historical shipping rates",
                        "ordering": ("-history_date", "-history_id"),
                        "get_latest_by": ("history_date", "history_id"),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name="WarehouseOperator",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="warehouse_assignments",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="user",
                            ),
                        ),
                        (
                            "warehouse",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="operators",
                                to="inventory.warehouse",
                                verbose_name="warehouse",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "warehouse assignment",
                        "verbose_name_plural": "warehouse assignments",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("user", "warehouse"), name="shipping_operator_unique_assignment"
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="ShipmentLine",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("quantity", models.PositiveIntegerField(verbose_name="quantity")),
                        (
                            "order_line",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="shipment_lines",
                                to="orders.orderline",
                                verbose_name="order line",
                            ),
                        ),
                        (
                            "part",
                            models.ForeignKey(
                                blank=True,
                                help_text="Only this component of the bundle, in its units: the bundle's other parts ship from another warehouse.",
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="catalog.variant",
                                verbose_name="bundle part",
                            ),
                        ),
                        (
                            "shipment",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="lines",
                                to="shipping.shipment",
                                verbose_name="shipment",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "shipment line",
                        "verbose_name_plural": "shipment lines",
                        "ordering": ["order_line_id", "pk"],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("quantity__gt", 0)), name="shipping_shipmentline_quantity_positive"
                            ),
                            models.UniqueConstraint(
                                condition=models.Q(("part__isnull", True)),
                                fields=("shipment", "order_line"),
                                name="shipping_shipmentline_unique_line",
                            ),
                            models.UniqueConstraint(
                                condition=models.Q(("part__isnull", False)),
                                fields=("shipment", "order_line", "part"),
                                name="shipping_shipmentline_unique_part",
                            ),
                        ],
                    },
                ),
            ],
        ),
        migrations.AddField(
            model_name="shipment",
            name="method",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="shipments",
                to="shipping.shippingmethod",
                verbose_name="shipping method",
            ),
        ),
        migrations.AddIndex(
            model_name="shipment",
            index=models.Index(fields=["status", "ship_by"], name="shipping_shipment_due_idx"),
        ),
        migrations.AddIndex(
            model_name="shipment",
            index=models.Index(fields=["warehouse", "status"], name="shipping_shipment_wh_idx"),
        ),
        migrations.AddConstraint(
            model_name="shipment",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("tracking_number", ""), models.Q(("carrier", "pickup"), _negated=True), _connector="OR"
                ),
                name="shipping_shipment_no_tracking_on_pickup",
            ),
        ),
        migrations.RunPython(run_on_postgresql(FORWARD), run_on_postgresql(BACKWARD)),
    ]
