"""inventory: its models' tables, indexes and constraints as today's models have them, in place of migrations 0001 to 0002
(docs/operations/deploys.md, "Squashed migrations")."""

from decimal import Decimal
from pathlib import Path

import django.core.validators
import django.db.models.deletion
import django.db.models.expressions
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models

import accounts.fields
import accounts.validators
import core.migration_operations

# PostgreSQL: the inventory_reserve() function (inventory/sql/reserve.sql, old 0002), the one-round-trip
# form of services.stock_reserve; other databases use the Python path only. Not carried: 0005's and
# 0006's fixes of existing suppliers' RUCs and sellers' warehouses (a new database has none).
SQL = Path(__file__).resolve().parent.parent / "sql" / "reserve.sql"
DROP = (
    "DROP FUNCTION IF EXISTS inventory_reserve(bigint[], integer[], varchar, bigint, bigint, timestamptz, "
    "timestamptz, integer)"
)


def create_reserve_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(SQL.read_text())


def drop_reserve_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    initial = True
    safe_under_load_because = (
        "it replaces the old chain: an existing database has the old migrations applied and Django marks this one "
        "applied without running it; on a new database its tables are new and empty"
    )
    replaces = [("inventory", "0001_initial"), ("inventory", "0002_reserve_function")]

    dependencies = [
        ("accounts", "0001_squashed_0006_initial"),
        ("catalog", "0001_squashed_0017_initial"),
    ]

    operations = [
        core.migration_operations.CreateModels(
            operations=[
                migrations.CreateModel(
                    name="Supplier",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("name", models.CharField(max_length=160, verbose_name="name")),
                        (
                            "ruc",
                            accounts.fields.IdentityField(
                                error_messages={"unique": "A supplier with this RUC already exists."},
                                max_length=11,
                                unique=True,
                                validators=[accounts.validators.validate_ruc],
                                verbose_name="RUC",
                            ),
                        ),
                        ("contact_name", models.CharField(blank=True, max_length=120, verbose_name="contact")),
                        ("email", models.EmailField(blank=True, max_length=254, verbose_name="e-mail")),
                        ("phone", models.CharField(blank=True, max_length=20, verbose_name="phone")),
                        ("address", models.CharField(blank=True, max_length=255, verbose_name="address")),
                        ("is_active", models.BooleanField(default=True, verbose_name="active")),
                    ],
                    options={
                        "verbose_name": "supplier",
                        "verbose_name_plural": "suppliers",
                        "ordering": ["name"],
                    },
                ),
                migrations.CreateModel(
                    name="HistoricalSupplier",
                    fields=[
                        ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                        ("name", models.CharField(max_length=160, verbose_name="name")),
                        (
                            "ruc",
                            accounts.fields.IdentityField(
                                db_index=True,
                                error_messages={"unique": "A supplier with this RUC already exists."},
                                max_length=11,
                                validators=[accounts.validators.validate_ruc],
                                verbose_name="RUC",
                            ),
                        ),
                        ("contact_name", models.CharField(blank=True, max_length=120, verbose_name="contact")),
                        ("email", models.EmailField(blank=True, max_length=254, verbose_name="e-mail")),
                        ("phone", models.CharField(blank=True, max_length=20, verbose_name="phone")),
                        ("address", models.CharField(blank=True, max_length=255, verbose_name="address")),
                        ("is_active", models.BooleanField(default=True, verbose_name="active")),
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
                        "verbose_name": "historical supplier",
                        "verbose_name_plural": "historical suppliers",
                        "ordering": ("-history_date", "-history_id"),
                        "get_latest_by": ("history_date", "history_id"),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name="HistoricalWarehouse",
                    fields=[
                        ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                        (
                            "code",
                            models.CharField(
                                db_index=True,
                                help_text="Short code, e.g. LIM-CENTRAL.",
                                max_length=20,
                                verbose_name="code",
                            ),
                        ),
                        ("name", models.CharField(max_length=120, verbose_name="name")),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("own", "Own warehouse"),
                                    ("dropshipping", "Dropshipping supplier"),
                                    ("seller", "Seller's warehouse"),
                                ],
                                default="own",
                                max_length=12,
                                verbose_name="kind",
                            ),
                        ),
                        ("address", models.CharField(blank=True, max_length=255, verbose_name="address")),
                        (
                            "ubigeo",
                            models.CharField(
                                blank=True,
                                help_text="INEI code of the district (six digits), printed on the guías de remisión.",
                                max_length=6,
                                validators=[
                                    django.core.validators.RegexValidator(
                                        "^\\d{6}$", "Six digits, INEI's code of the district."
                                    )
                                ],
                                verbose_name="ubigeo",
                            ),
                        ),
                        (
                            "establishment_code",
                            models.CharField(
                                blank=True,
                                default="0000",
                                help_text="The annex (establecimiento anexo) code registered in the RUC; 0000 is the fiscal address.",
                                max_length=4,
                                validators=[
                                    django.core.validators.RegexValidator(
                                        "^\\d{4}$", "Four digits, as registered in the RUC."
                                    )
                                ],
                                verbose_name="SUNAT establishment code",
                            ),
                        ),
                        (
                            "priority",
                            models.PositiveSmallIntegerField(
                                default=100,
                                help_text="Reservations take stock from lower numbers first.",
                                verbose_name="priority",
                            ),
                        ),
                        ("is_active", models.BooleanField(default=True, verbose_name="active")),
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
                            "seller",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="accounts.seller",
                                verbose_name="seller",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "historical warehouse",
                        "verbose_name_plural": "historical warehouses",
                        "ordering": ("-history_date", "-history_id"),
                        "get_latest_by": ("history_date", "history_id"),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name="PurchaseOrder",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("number", models.CharField(editable=False, max_length=20, unique=True, verbose_name="number")),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("draft", "Draft"),
                                    ("ordered", "Ordered"),
                                    ("partially_received", "Partially received"),
                                    ("received", "Received"),
                                    ("cancelled", "Cancelled"),
                                ],
                                default="draft",
                                max_length=20,
                                verbose_name="status",
                            ),
                        ),
                        ("notes", models.TextField(blank=True, verbose_name="notes")),
                        ("expected_at", models.DateField(blank=True, null=True, verbose_name="expected on")),
                        (
                            "subtotal",
                            models.DecimalField(
                                decimal_places=2,
                                default=Decimal("0.00"),
                                editable=False,
                                max_digits=12,
                                verbose_name="subtotal",
                            ),
                        ),
                        (
                            "igv",
                            models.DecimalField(
                                decimal_places=2,
                                default=Decimal("0.00"),
                                editable=False,
                                max_digits=12,
                                verbose_name="IGV",
                            ),
                        ),
                        (
                            "total",
                            models.DecimalField(
                                decimal_places=2,
                                default=Decimal("0.00"),
                                editable=False,
                                max_digits=12,
                                verbose_name="total",
                            ),
                        ),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="created")),
                        ("ordered_at", models.DateTimeField(blank=True, null=True, verbose_name="ordered at")),
                        ("received_at", models.DateTimeField(blank=True, null=True, verbose_name="received at")),
                        (
                            "created_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="created by",
                            ),
                        ),
                        (
                            "supplier",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="purchase_orders",
                                to="inventory.supplier",
                                verbose_name="supplier",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "purchase order",
                        "verbose_name_plural": "purchase orders",
                        "ordering": ["-created_at", "-pk"],
                    },
                ),
                migrations.CreateModel(
                    name="HistoricalPurchaseOrderLine",
                    fields=[
                        ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                        ("quantity_ordered", models.PositiveIntegerField(verbose_name="ordered")),
                        (
                            "quantity_received",
                            models.PositiveIntegerField(default=0, editable=False, verbose_name="received"),
                        ),
                        (
                            "unit_cost",
                            models.DecimalField(decimal_places=2, max_digits=12, verbose_name="unit cost (before IGV)"),
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
                            "variant",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="catalog.variant",
                                verbose_name="variant",
                            ),
                        ),
                        (
                            "purchase_order",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="inventory.purchaseorder",
                                verbose_name="purchase order",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "historical purchase order line",
                        "verbose_name_plural": "historical purchase order lines",
                        "ordering": ("-history_date", "-history_id"),
                        "get_latest_by": ("history_date", "history_id"),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name="StockLevel",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("on_hand", models.IntegerField(default=0, editable=False, verbose_name="on hand")),
                        (
                            "minimum",
                            models.PositiveIntegerField(
                                default=0, help_text="Reorder alert at or below this.", verbose_name="minimum"
                            ),
                        ),
                        ("maximum", models.PositiveIntegerField(blank=True, null=True, verbose_name="maximum")),
                        ("bin_location", models.CharField(blank=True, max_length=40, verbose_name="bin location")),
                        (
                            "variant",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="stock_levels",
                                to="catalog.variant",
                                verbose_name="variant",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "stock level",
                        "verbose_name_plural": "stock levels",
                        "ordering": ["variant_id", "warehouse__priority"],
                    },
                ),
                migrations.CreateModel(
                    name="Reservation",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("quantity", models.PositiveIntegerField(verbose_name="quantity")),
                        (
                            "cart_key",
                            models.CharField(blank=True, db_index=True, max_length=64, null=True, verbose_name="cart"),
                        ),
                        (
                            "order_id",
                            models.BigIntegerField(blank=True, db_index=True, null=True, verbose_name="order"),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[("active", "Active"), ("released", "Released"), ("converted", "Converted")],
                                default="active",
                                max_length=10,
                                verbose_name="status",
                            ),
                        ),
                        ("expires_at", models.DateTimeField(verbose_name="expires at")),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="created")),
                        (
                            "closed_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="released or converted at"),
                        ),
                        (
                            "customer",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="reservations",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="customer",
                            ),
                        ),
                        (
                            "stock_level",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="reservations",
                                to="inventory.stocklevel",
                                verbose_name="stock level",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "reservation",
                        "verbose_name_plural": "reservations",
                        "ordering": ["-created_at", "-pk"],
                        "indexes": [
                            models.Index(
                                condition=models.Q(("status", "active")),
                                fields=["stock_level", "expires_at"],
                                include=("quantity",),
                                name="inventory_res_active_idx",
                            ),
                            models.Index(
                                condition=models.Q(("status", "active")),
                                fields=["expires_at"],
                                name="inventory_res_expiry_idx",
                            ),
                            models.Index(fields=["customer", "status"], name="inventory_res_customer_idx"),
                        ],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("quantity__gt", 0)), name="inventory_reservation_quantity_positive"
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="Movement",
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
                                    ("receipt", "Receipt"),
                                    ("sale", "Sale"),
                                    ("return", "Return"),
                                    ("adjustment", "Adjustment"),
                                    ("transfer_in", "Transfer in"),
                                    ("transfer_out", "Transfer out"),
                                    ("write_off", "Write-off"),
                                ],
                                max_length=12,
                                verbose_name="kind",
                            ),
                        ),
                        (
                            "quantity",
                            models.IntegerField(
                                help_text="Signed: positive in, negative out.", verbose_name="quantity"
                            ),
                        ),
                        (
                            "reference_type",
                            models.CharField(
                                choices=[
                                    ("order", "Order"),
                                    ("purchase_order", "Purchase order"),
                                    ("return", "Return"),
                                    ("manual", "Manual"),
                                ],
                                default="manual",
                                max_length=16,
                                verbose_name="reference type",
                            ),
                        ),
                        ("reference_id", models.BigIntegerField(blank=True, null=True, verbose_name="reference id")),
                        (
                            "transfer_key",
                            models.UUIDField(
                                blank=True,
                                db_index=True,
                                help_text="Shared by the two movements of one transfer.",
                                null=True,
                                verbose_name="transfer",
                            ),
                        ),
                        (
                            "bundle_units",
                            models.IntegerField(
                                db_default=0,
                                default=0,
                                help_text="Bundles this movement counts for, signed like the quantity. Of the movements of one sale or return of a bundle, one carries the bundles and the others 0.",
                                verbose_name="bundles",
                            ),
                        ),
                        ("reason", models.CharField(blank=True, max_length=255, verbose_name="reason")),
                        (
                            "created_at",
                            models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name="time"),
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
                            "sold_as",
                            models.ForeignKey(
                                blank=True,
                                help_text="The bundle these component units were sold or returned as (empty: sold on their own).",
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="catalog.variant",
                                verbose_name="sold as bundle",
                            ),
                        ),
                        (
                            "purchase_order",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="movements",
                                to="inventory.purchaseorder",
                                verbose_name="purchase order",
                            ),
                        ),
                        (
                            "reservation",
                            models.OneToOneField(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="sale_movement",
                                to="inventory.reservation",
                                verbose_name="reservation",
                            ),
                        ),
                        (
                            "stock_level",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="movements",
                                to="inventory.stocklevel",
                                verbose_name="stock level",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "movement",
                        "verbose_name_plural": "movements",
                        "ordering": ["-created_at", "-pk"],
                        "indexes": [
                            models.Index(fields=["reference_type", "reference_id"], name="inventory_mov_reference_idx")
                        ],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    models.Q(("kind__in", ["receipt", "return", "transfer_in"]), ("quantity__gt", 0)),
                                    models.Q(("kind__in", ["sale", "transfer_out", "write_off"]), ("quantity__lt", 0)),
                                    models.Q(("kind", "adjustment"), models.Q(("quantity", 0), _negated=True)),
                                    _connector="OR",
                                ),
                                name="inventory_movement_sign_matches_kind",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("sold_as__isnull", False), ("bundle_units", 0), _connector="OR"),
                                name="inventory_movement_bundles_need_a_bundle",
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="Warehouse",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "code",
                            models.CharField(
                                help_text="Short code, e.g. LIM-CENTRAL.",
                                max_length=20,
                                unique=True,
                                verbose_name="code",
                            ),
                        ),
                        ("name", models.CharField(max_length=120, verbose_name="name")),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("own", "Own warehouse"),
                                    ("dropshipping", "Dropshipping supplier"),
                                    ("seller", "Seller's warehouse"),
                                ],
                                default="own",
                                max_length=12,
                                verbose_name="kind",
                            ),
                        ),
                        ("address", models.CharField(blank=True, max_length=255, verbose_name="address")),
                        (
                            "ubigeo",
                            models.CharField(
                                blank=True,
                                help_text="INEI code of the district (six digits), printed on the guías de remisión.",
                                max_length=6,
                                validators=[
                                    django.core.validators.RegexValidator(
                                        "^\\d{6}$", "Six digits, INEI's code of the district."
                                    )
                                ],
                                verbose_name="ubigeo",
                            ),
                        ),
                        (
                            "establishment_code",
                            models.CharField(
                                blank=True,
                                default="0000",
                                help_text="The annex (establecimiento anexo) code registered in the RUC; 0000 is the fiscal address.",
                                max_length=4,
                                validators=[
                                    django.core.validators.RegexValidator(
                                        "^\\d{4}$", "Four digits, as registered in the RUC."
                                    )
                                ],
                                verbose_name="SUNAT establishment code",
                            ),
                        ),
                        (
                            "priority",
                            models.PositiveSmallIntegerField(
                                default=100,
                                help_text="Reservations take stock from lower numbers first.",
                                verbose_name="priority",
                            ),
                        ),
                        ("is_active", models.BooleanField(default=True, verbose_name="active")),
                        (
                            "seller",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="warehouses",
                                to="accounts.seller",
                                verbose_name="seller",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "warehouse",
                        "verbose_name_plural": "warehouses",
                        "ordering": ["priority", "code"],
                    },
                ),
                migrations.CreateModel(
                    name="HistoricalStockLevel",
                    fields=[
                        ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                        (
                            "minimum",
                            models.PositiveIntegerField(
                                default=0, help_text="Reorder alert at or below this.", verbose_name="minimum"
                            ),
                        ),
                        ("maximum", models.PositiveIntegerField(blank=True, null=True, verbose_name="maximum")),
                        ("bin_location", models.CharField(blank=True, max_length=40, verbose_name="bin location")),
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
                            "variant",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="catalog.variant",
                                verbose_name="variant",
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
                    ],
                    options={
                        "verbose_name": "historical stock level",
                        "verbose_name_plural": "historical stock levels",
                        "ordering": ("-history_date", "-history_id"),
                        "get_latest_by": ("history_date", "history_id"),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name="HistoricalPurchaseOrder",
                    fields=[
                        ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                        (
                            "number",
                            models.CharField(db_index=True, editable=False, max_length=20, verbose_name="number"),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("draft", "Draft"),
                                    ("ordered", "Ordered"),
                                    ("partially_received", "Partially received"),
                                    ("received", "Received"),
                                    ("cancelled", "Cancelled"),
                                ],
                                default="draft",
                                max_length=20,
                                verbose_name="status",
                            ),
                        ),
                        ("notes", models.TextField(blank=True, verbose_name="notes")),
                        ("expected_at", models.DateField(blank=True, null=True, verbose_name="expected on")),
                        (
                            "subtotal",
                            models.DecimalField(
                                decimal_places=2,
                                default=Decimal("0.00"),
                                editable=False,
                                max_digits=12,
                                verbose_name="subtotal",
                            ),
                        ),
                        (
                            "igv",
                            models.DecimalField(
                                decimal_places=2,
                                default=Decimal("0.00"),
                                editable=False,
                                max_digits=12,
                                verbose_name="IGV",
                            ),
                        ),
                        (
                            "total",
                            models.DecimalField(
                                decimal_places=2,
                                default=Decimal("0.00"),
                                editable=False,
                                max_digits=12,
                                verbose_name="total",
                            ),
                        ),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="created")),
                        ("ordered_at", models.DateTimeField(blank=True, null=True, verbose_name="ordered at")),
                        ("received_at", models.DateTimeField(blank=True, null=True, verbose_name="received at")),
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
                            "created_by",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="created by",
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
                            "supplier",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="inventory.supplier",
                                verbose_name="supplier",
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
                                verbose_name="destination warehouse",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "historical purchase order",
                        "verbose_name_plural": "historical purchase orders",
                        "ordering": ("-history_date", "-history_id"),
                        "get_latest_by": ("history_date", "history_id"),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name="PurchaseOrderLine",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("quantity_ordered", models.PositiveIntegerField(verbose_name="ordered")),
                        (
                            "quantity_received",
                            models.PositiveIntegerField(default=0, editable=False, verbose_name="received"),
                        ),
                        (
                            "unit_cost",
                            models.DecimalField(decimal_places=2, max_digits=12, verbose_name="unit cost (before IGV)"),
                        ),
                        (
                            "purchase_order",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="lines",
                                to="inventory.purchaseorder",
                                verbose_name="purchase order",
                            ),
                        ),
                        (
                            "variant",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="catalog.variant",
                                verbose_name="variant",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "purchase order line",
                        "verbose_name_plural": "purchase order lines",
                        "ordering": ["pk"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("purchase_order", "variant"), name="inventory_poline_unique_variant"
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("quantity_ordered__gt", 0)),
                                name="inventory_poline_quantity_positive",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("unit_cost__gte", 0)), name="inventory_poline_cost_not_negative"
                            ),
                        ],
                    },
                ),
            ],
        ),
        migrations.AddField(
            model_name="stocklevel",
            name="warehouse",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="stock_levels",
                to="inventory.warehouse",
                verbose_name="warehouse",
            ),
        ),
        migrations.AddField(
            model_name="purchaseorder",
            name="warehouse",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="purchase_orders",
                to="inventory.warehouse",
                verbose_name="destination warehouse",
            ),
        ),
        migrations.AddConstraint(
            model_name="stocklevel",
            constraint=models.UniqueConstraint(fields=("variant", "warehouse"), name="inventory_stocklevel_unique"),
        ),
        migrations.AddConstraint(
            model_name="stocklevel",
            constraint=models.CheckConstraint(
                condition=models.Q(("on_hand__gte", 0)), name="inventory_stocklevel_on_hand_not_negative"
            ),
        ),
        migrations.AddConstraint(
            model_name="stocklevel",
            constraint=models.CheckConstraint(
                condition=models.Q(("maximum__isnull", True), ("maximum__gte", models.F("minimum")), _connector="OR"),
                name="inventory_stocklevel_maximum_not_below_minimum",
            ),
        ),
        migrations.AddConstraint(
            model_name="purchaseorder",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "total__gt",
                        django.db.models.expressions.CombinedExpression(
                            django.db.models.expressions.CombinedExpression(models.F("subtotal"), "+", models.F("igv")),
                            "-",
                            models.Value(Decimal("0.005")),
                        ),
                    ),
                    (
                        "total__lt",
                        django.db.models.expressions.CombinedExpression(
                            django.db.models.expressions.CombinedExpression(models.F("subtotal"), "+", models.F("igv")),
                            "+",
                            models.Value(Decimal("0.005")),
                        ),
                    ),
                ),
                name="inventory_po_total_adds_up",
            ),
        ),
        migrations.RunPython(create_reserve_function, drop_reserve_function),
    ]
