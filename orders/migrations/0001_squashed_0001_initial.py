"""orders: its models' tables, indexes and constraints as today's models have them, in place of migrations 0001 to 0001
(docs/operations/deploys.md, "Squashed migrations")."""

from decimal import Decimal

import django.core.validators
import django.db.models.deletion
import django.db.models.expressions
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models

import accounts.fields
import core.migration_operations


class Migration(migrations.Migration):
    initial = True
    safe_under_load_because = (
        "it replaces the old chain: an existing database has the old migrations applied and Django marks this one "
        "applied without running it; on a new database its tables are new and empty"
    )
    replaces = [("orders", "0001_initial")]

    dependencies = [
        ("accounts", "0001_squashed_0006_initial"),
        ("catalog", "0001_squashed_0017_initial"),
    ]

    operations = [
        core.migration_operations.CreateModels(
            operations=[
                migrations.CreateModel(
                    name="HistoricalOrderNote",
                    fields=[
                        ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                        ("text", models.TextField(max_length=2000, verbose_name="note")),
                        (
                            "visible_to_customer",
                            models.BooleanField(
                                default=False,
                                help_text="Shown on the customer's order page; otherwise only staff see it.",
                                verbose_name="visible to the customer",
                            ),
                        ),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="when")),
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
                            "author",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="author",
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
                        "verbose_name": "historical order note",
                        "verbose_name_plural": "historical order notes",
                        "ordering": ("-history_date", "-history_id"),
                        "get_latest_by": ("history_date", "history_id"),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name="Order",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("number", models.CharField(editable=False, max_length=24, unique=True, verbose_name="number")),
                        ("email", models.EmailField(max_length=254, verbose_name="e-mail")),
                        (
                            "customer_document_type",
                            models.CharField(
                                blank=True,
                                choices=[("dni", "DNI (boleta)"), ("ruc", "RUC (factura)")],
                                max_length=3,
                                verbose_name="document type",
                            ),
                        ),
                        (
                            "customer_document",
                            accounts.fields.IdentityField(blank=True, max_length=11, verbose_name="DNI or RUC"),
                        ),
                        (
                            "customer_legal_name",
                            models.CharField(
                                blank=True,
                                help_text="The company a factura is issued to, with the RUC; empty on a boleta.",
                                max_length=200,
                                verbose_name="company name (razón social)",
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("pending_payment", "Pending payment"),
                                    ("paid", "Paid"),
                                    ("processing", "Processing"),
                                    ("partially_shipped", "Partially shipped"),
                                    ("shipped", "Shipped"),
                                    ("delivered", "Delivered"),
                                    ("cancelled", "Cancelled"),
                                    ("refunded", "Refunded"),
                                ],
                                default="pending_payment",
                                max_length=20,
                                verbose_name="status",
                            ),
                        ),
                        (
                            "payment_status",
                            models.CharField(
                                choices=[
                                    ("unpaid", "Unpaid"),
                                    ("paid", "Paid"),
                                    ("partially_refunded", "Partially refunded"),
                                    ("refunded", "Refunded"),
                                    ("failed", "Failed"),
                                ],
                                default="unpaid",
                                max_length=20,
                                verbose_name="payment status",
                            ),
                        ),
                        (
                            "currency",
                            models.CharField(default="PEN", editable=False, max_length=3, verbose_name="currency"),
                        ),
                        (
                            "subtotal",
                            models.DecimalField(
                                decimal_places=2, default=Decimal("0.00"), max_digits=12, verbose_name="subtotal"
                            ),
                        ),
                        (
                            "discount_total",
                            models.DecimalField(
                                decimal_places=2, default=Decimal("0.00"), max_digits=12, verbose_name="discount"
                            ),
                        ),
                        (
                            "shipping_total",
                            models.DecimalField(
                                decimal_places=2, default=Decimal("0.00"), max_digits=12, verbose_name="shipping"
                            ),
                        ),
                        (
                            "coupon_code",
                            models.CharField(
                                blank=True,
                                help_text="The code applied, as it was.",
                                max_length=40,
                                verbose_name="coupon",
                            ),
                        ),
                        (
                            "shipping_discount",
                            models.DecimalField(
                                decimal_places=2,
                                default=Decimal("0.00"),
                                help_text="The shipping price a free-shipping coupon took off (not part of the discount).",
                                max_digits=12,
                                verbose_name="shipping discount",
                            ),
                        ),
                        (
                            "gift_cards_total",
                            models.DecimalField(
                                decimal_places=2, default=Decimal("0.00"), max_digits=12, verbose_name="gift cards"
                            ),
                        ),
                        (
                            "total",
                            models.DecimalField(
                                decimal_places=2, default=Decimal("0.00"), max_digits=12, verbose_name="total"
                            ),
                        ),
                        ("shipping_address", models.JSONField(default=dict, verbose_name="shipping address")),
                        ("billing_address", models.JSONField(default=dict, verbose_name="billing address")),
                        (
                            "shipping_method_name",
                            models.CharField(blank=True, max_length=120, verbose_name="shipping method name"),
                        ),
                        (
                            "placed_at",
                            models.DateTimeField(
                                db_index=True, default=django.utils.timezone.now, verbose_name="placed at"
                            ),
                        ),
                        ("paid_at", models.DateTimeField(blank=True, null=True, verbose_name="paid at")),
                        ("cancelled_at", models.DateTimeField(blank=True, null=True, verbose_name="cancelled at")),
                        (
                            "cancel_reason",
                            models.CharField(blank=True, max_length=255, verbose_name="cancellation reason"),
                        ),
                        (
                            "payment_due_at",
                            models.DateTimeField(
                                blank=True,
                                editable=False,
                                help_text="When the order waits for a payment made later: the moment its payment code expires.",
                                null=True,
                                verbose_name="payment due at",
                            ),
                        ),
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
                            "channel",
                            models.CharField(
                                choices=[("web", "Online store"), ("whatsapp", "WhatsApp"), ("phone", "Phone")],
                                default="web",
                                max_length=10,
                                verbose_name="channel",
                            ),
                        ),
                        ("needs_attention", models.BooleanField(default=False, verbose_name="needs attention")),
                        ("attention_note", models.TextField(blank=True, verbose_name="attention note")),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "customer",
                            models.ForeignKey(
                                blank=True,
                                help_text="Empty for a guest order.",
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="orders",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="customer",
                            ),
                        ),
                        (
                            "taken_by",
                            models.ForeignKey(
                                blank=True,
                                help_text="The staff member who took the order for the customer.",
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="taken by",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "order",
                        "verbose_name_plural": "orders",
                        "ordering": ["-placed_at", "-pk"],
                        "indexes": [
                            models.Index(fields=["customer", "-placed_at"], name="orders_order_customer_idx"),
                            models.Index(fields=["status", "placed_at"], name="orders_order_status_idx"),
                            models.Index(fields=["payment_status", "placed_at"], name="orders_order_payment_idx"),
                            models.Index(fields=["customer_document"], name="orders_order_document_idx"),
                        ],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("subtotal__gte", 0)), name="orders_order_subtotal_not_negative"
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("discount_total__gte", 0)),
                                name="orders_order_discount_not_negative",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("shipping_total__gte", 0)),
                                name="orders_order_shipping_not_negative",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("total__gte", 0)), name="orders_order_total_not_negative"
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("gift_cards_total__gte", 0)),
                                name="orders_order_gift_cards_not_negative",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    (
                                        "total__gt",
                                        django.db.models.expressions.CombinedExpression(
                                            django.db.models.expressions.CombinedExpression(
                                                django.db.models.expressions.CombinedExpression(
                                                    django.db.models.expressions.CombinedExpression(
                                                        models.F("subtotal"), "-", models.F("discount_total")
                                                    ),
                                                    "+",
                                                    models.F("shipping_total"),
                                                ),
                                                "+",
                                                models.F("gift_cards_total"),
                                            ),
                                            "-",
                                            models.Value(Decimal("0.005")),
                                        ),
                                    ),
                                    (
                                        "total__lt",
                                        django.db.models.expressions.CombinedExpression(
                                            django.db.models.expressions.CombinedExpression(
                                                django.db.models.expressions.CombinedExpression(
                                                    django.db.models.expressions.CombinedExpression(
                                                        models.F("subtotal"), "-", models.F("discount_total")
                                                    ),
                                                    "+",
                                                    models.F("shipping_total"),
                                                ),
                                                "+",
                                                models.F("gift_cards_total"),
                                            ),
                                            "+",
                                            models.Value(Decimal("0.005")),
                                        ),
                                    ),
                                ),
                                name="orders_order_total_adds_up",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("currency", "PEN")), name="orders_order_currency_pen"
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("customer_document", ""),
                                    models.Q(("customer_document_type", ""), _negated=True),
                                    _connector="OR",
                                ),
                                name="orders_order_document_has_type",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("customer_legal_name", ""), ("customer_document_type", "ruc"), _connector="OR"
                                ),
                                name="orders_order_legal_name_with_ruc",
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="OrderEmail",
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
                                    ("placed", "Order received, pending payment"),
                                    ("paid", "Payment confirmed"),
                                    ("shipped", "Shipment on its way"),
                                    ("ready_for_pickup", "Ready for pickup"),
                                    ("delivered", "Shipment delivered"),
                                    ("cancelled_customer", "Cancelled by the customer"),
                                    ("cancelled_staff", "Cancelled by the store"),
                                    ("cancelled_unpaid", "Cancelled: payment not received"),
                                    ("refunded", "Refund"),
                                    ("payment_link", "Payment link (order taken by staff)"),
                                    ("payment_code", "Payment code to pay later (CIP)"),
                                ],
                                max_length=20,
                                verbose_name="kind",
                            ),
                        ),
                        ("reference", models.CharField(blank=True, max_length=40, verbose_name="reference")),
                        (
                            "created_at",
                            models.DateTimeField(default=django.utils.timezone.now, verbose_name="created at"),
                        ),
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
                migrations.CreateModel(
                    name="OrderLine",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("product_name", models.CharField(max_length=255, verbose_name="product")),
                        ("sku", models.CharField(max_length=50, verbose_name="SKU")),
                        ("options", models.CharField(blank=True, max_length=255, verbose_name="options")),
                        (
                            "unit_price",
                            models.DecimalField(
                                decimal_places=2,
                                max_digits=12,
                                validators=[django.core.validators.MinValueValidator(Decimal("0.00"))],
                                verbose_name="unit price",
                            ),
                        ),
                        (
                            "quantity",
                            models.PositiveIntegerField(
                                validators=[django.core.validators.MinValueValidator(1)], verbose_name="quantity"
                            ),
                        ),
                        (
                            "discount",
                            models.DecimalField(
                                decimal_places=2, default=Decimal("0.00"), max_digits=12, verbose_name="discount"
                            ),
                        ),
                        (
                            "automatic_discount",
                            models.DecimalField(
                                decimal_places=2,
                                default=Decimal("0.00"),
                                max_digits=12,
                                verbose_name="automatic discount",
                            ),
                        ),
                        (
                            "offer_discount",
                            models.DecimalField(
                                decimal_places=2,
                                default=Decimal("0.00"),
                                max_digits=12,
                                verbose_name="quantity offer discount",
                            ),
                        ),
                        (
                            "kit_discount",
                            models.DecimalField(
                                decimal_places=2, default=Decimal("0.00"), max_digits=12, verbose_name="kit discount"
                            ),
                        ),
                        (
                            "coupon_discount",
                            models.DecimalField(
                                decimal_places=2, default=Decimal("0.00"), max_digits=12, verbose_name="coupon discount"
                            ),
                        ),
                        ("line_total", models.DecimalField(decimal_places=2, max_digits=12, verbose_name="line total")),
                        ("kit_name", models.CharField(blank=True, max_length=120, verbose_name="kit name")),
                        ("automatic_discount_name", models.CharField(blank=True, max_length=120, verbose_name="offer")),
                        (
                            "offer_discount_name",
                            models.CharField(blank=True, max_length=120, verbose_name="quantity offer"),
                        ),
                        (
                            "kit_discount_percent",
                            models.DecimalField(
                                decimal_places=2, default=Decimal("0.00"), max_digits=5, verbose_name="kit discount (%)"
                            ),
                        ),
                        (
                            "offer_terms",
                            models.JSONField(
                                blank=True, default=dict, editable=False, verbose_name="quantity offer terms"
                            ),
                        ),
                        (
                            "kit",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to="catalog.kit",
                                verbose_name="kit",
                            ),
                        ),
                        (
                            "order",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="lines",
                                to="orders.order",
                                verbose_name="order",
                            ),
                        ),
                        (
                            "seller",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="order_lines",
                                to="accounts.seller",
                                verbose_name="seller",
                            ),
                        ),
                        (
                            "variant",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="order_lines",
                                to="catalog.variant",
                                verbose_name="variant",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "order line",
                        "verbose_name_plural": "order lines",
                        "ordering": ["pk"],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("quantity__gt", 0)), name="orders_orderline_quantity_positive"
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("unit_price__gte", 0)), name="orders_orderline_price_not_negative"
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("discount__gte", 0)), name="orders_orderline_discount_not_negative"
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("automatic_discount__gte", 0),
                                    ("offer_discount__gte", 0),
                                    ("kit_discount__gte", 0),
                                    ("coupon_discount__gte", 0),
                                    (
                                        "discount__gte",
                                        django.db.models.expressions.CombinedExpression(
                                            django.db.models.expressions.CombinedExpression(
                                                django.db.models.expressions.CombinedExpression(
                                                    django.db.models.expressions.CombinedExpression(
                                                        models.F("automatic_discount"), "+", models.F("offer_discount")
                                                    ),
                                                    "+",
                                                    models.F("kit_discount"),
                                                ),
                                                "+",
                                                models.F("coupon_discount"),
                                            ),
                                            "-",
                                            models.Value(Decimal("0.005")),
                                        ),
                                    ),
                                ),
                                name="orders_orderline_discount_parts_within_discount",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    (
                                        "line_total__gt",
                                        django.db.models.expressions.CombinedExpression(
                                            django.db.models.expressions.CombinedExpression(
                                                django.db.models.expressions.CombinedExpression(
                                                    models.F("unit_price"), "*", models.F("quantity")
                                                ),
                                                "-",
                                                models.F("discount"),
                                            ),
                                            "-",
                                            models.Value(Decimal("0.005")),
                                        ),
                                    ),
                                    (
                                        "line_total__lt",
                                        django.db.models.expressions.CombinedExpression(
                                            django.db.models.expressions.CombinedExpression(
                                                django.db.models.expressions.CombinedExpression(
                                                    models.F("unit_price"), "*", models.F("quantity")
                                                ),
                                                "-",
                                                models.F("discount"),
                                            ),
                                            "+",
                                            models.Value(Decimal("0.005")),
                                        ),
                                    ),
                                    ("line_total__gte", 0),
                                ),
                                name="orders_orderline_total_adds_up",
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="OrderNote",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("text", models.TextField(max_length=2000, verbose_name="note")),
                        (
                            "visible_to_customer",
                            models.BooleanField(
                                default=False,
                                help_text="Shown on the customer's order page; otherwise only staff see it.",
                                verbose_name="visible to the customer",
                            ),
                        ),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="when")),
                        (
                            "author",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="author",
                            ),
                        ),
                        (
                            "order",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="notes",
                                to="orders.order",
                                verbose_name="order",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "order note",
                        "verbose_name_plural": "order notes",
                        "ordering": ["created_at", "pk"],
                        "indexes": [models.Index(fields=["order", "created_at"], name="orders_note_order_idx")],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("text", ""), _negated=True), name="orders_note_text_not_empty"
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="OrderStatusChange",
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
                                    ("pending_payment", "Pending payment"),
                                    ("paid", "Paid"),
                                    ("processing", "Processing"),
                                    ("partially_shipped", "Partially shipped"),
                                    ("shipped", "Shipped"),
                                    ("delivered", "Delivered"),
                                    ("cancelled", "Cancelled"),
                                    ("refunded", "Refunded"),
                                ],
                                max_length=20,
                                verbose_name="from",
                            ),
                        ),
                        (
                            "to_status",
                            models.CharField(
                                choices=[
                                    ("pending_payment", "Pending payment"),
                                    ("paid", "Paid"),
                                    ("processing", "Processing"),
                                    ("partially_shipped", "Partially shipped"),
                                    ("shipped", "Shipped"),
                                    ("delivered", "Delivered"),
                                    ("cancelled", "Cancelled"),
                                    ("refunded", "Refunded"),
                                ],
                                max_length=20,
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
                            "order",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="status_changes",
                                to="orders.order",
                                verbose_name="order",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "status change",
                        "verbose_name_plural": "status changes",
                        "ordering": ["created_at", "pk"],
                        "abstract": False,
                        "indexes": [models.Index(fields=["order", "created_at"], name="orders_statuschange_order_idx")],
                    },
                ),
                migrations.CreateModel(
                    name="HistoricalOrder",
                    fields=[
                        ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                        (
                            "number",
                            models.CharField(db_index=True, editable=False, max_length=24, verbose_name="number"),
                        ),
                        ("email", models.EmailField(max_length=254, verbose_name="e-mail")),
                        (
                            "customer_document_type",
                            models.CharField(
                                blank=True,
                                choices=[("dni", "DNI (boleta)"), ("ruc", "RUC (factura)")],
                                max_length=3,
                                verbose_name="document type",
                            ),
                        ),
                        (
                            "customer_document",
                            accounts.fields.IdentityField(blank=True, max_length=11, verbose_name="DNI or RUC"),
                        ),
                        (
                            "customer_legal_name",
                            models.CharField(
                                blank=True,
                                help_text="The company a factura is issued to, with the RUC; empty on a boleta.",
                                max_length=200,
                                verbose_name="company name (razón social)",
                            ),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("pending_payment", "Pending payment"),
                                    ("paid", "Paid"),
                                    ("processing", "Processing"),
                                    ("partially_shipped", "Partially shipped"),
                                    ("shipped", "Shipped"),
                                    ("delivered", "Delivered"),
                                    ("cancelled", "Cancelled"),
                                    ("refunded", "Refunded"),
                                ],
                                default="pending_payment",
                                max_length=20,
                                verbose_name="status",
                            ),
                        ),
                        (
                            "payment_status",
                            models.CharField(
                                choices=[
                                    ("unpaid", "Unpaid"),
                                    ("paid", "Paid"),
                                    ("partially_refunded", "Partially refunded"),
                                    ("refunded", "Refunded"),
                                    ("failed", "Failed"),
                                ],
                                default="unpaid",
                                max_length=20,
                                verbose_name="payment status",
                            ),
                        ),
                        (
                            "currency",
                            models.CharField(default="PEN", editable=False, max_length=3, verbose_name="currency"),
                        ),
                        (
                            "subtotal",
                            models.DecimalField(
                                decimal_places=2, default=Decimal("0.00"), max_digits=12, verbose_name="subtotal"
                            ),
                        ),
                        (
                            "discount_total",
                            models.DecimalField(
                                decimal_places=2, default=Decimal("0.00"), max_digits=12, verbose_name="discount"
                            ),
                        ),
                        (
                            "shipping_total",
                            models.DecimalField(
                                decimal_places=2, default=Decimal("0.00"), max_digits=12, verbose_name="shipping"
                            ),
                        ),
                        (
                            "coupon_code",
                            models.CharField(
                                blank=True,
                                help_text="The code applied, as it was.",
                                max_length=40,
                                verbose_name="coupon",
                            ),
                        ),
                        (
                            "shipping_discount",
                            models.DecimalField(
                                decimal_places=2,
                                default=Decimal("0.00"),
                                help_text="The shipping price a free-shipping coupon took off (not part of the discount).",
                                max_digits=12,
                                verbose_name="shipping discount",
                            ),
                        ),
                        (
                            "gift_cards_total",
                            models.DecimalField(
                                decimal_places=2, default=Decimal("0.00"), max_digits=12, verbose_name="gift cards"
                            ),
                        ),
                        (
                            "total",
                            models.DecimalField(
                                decimal_places=2, default=Decimal("0.00"), max_digits=12, verbose_name="total"
                            ),
                        ),
                        ("shipping_address", models.JSONField(default=dict, verbose_name="shipping address")),
                        ("billing_address", models.JSONField(default=dict, verbose_name="billing address")),
                        (
                            "shipping_method_name",
                            models.CharField(blank=True, max_length=120, verbose_name="shipping method name"),
                        ),
                        (
                            "placed_at",
                            models.DateTimeField(
                                db_index=True, default=django.utils.timezone.now, verbose_name="placed at"
                            ),
                        ),
                        ("paid_at", models.DateTimeField(blank=True, null=True, verbose_name="paid at")),
                        ("cancelled_at", models.DateTimeField(blank=True, null=True, verbose_name="cancelled at")),
                        (
                            "cancel_reason",
                            models.CharField(blank=True, max_length=255, verbose_name="cancellation reason"),
                        ),
                        (
                            "payment_due_at",
                            models.DateTimeField(
                                blank=True,
                                editable=False,
                                help_text="When the order waits for a payment made later: the moment its payment code expires.",
                                null=True,
                                verbose_name="payment due at",
                            ),
                        ),
                        (
                            "idempotency_key",
                            models.CharField(
                                blank=True,
                                db_index=True,
                                editable=False,
                                max_length=64,
                                null=True,
                                verbose_name="idempotency key",
                            ),
                        ),
                        (
                            "channel",
                            models.CharField(
                                choices=[("web", "Online store"), ("whatsapp", "WhatsApp"), ("phone", "Phone")],
                                default="web",
                                max_length=10,
                                verbose_name="channel",
                            ),
                        ),
                        ("needs_attention", models.BooleanField(default=False, verbose_name="needs attention")),
                        ("attention_note", models.TextField(blank=True, verbose_name="attention note")),
                        ("updated_at", models.DateTimeField(blank=True, editable=False)),
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
                            "customer",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                help_text="Empty for a guest order.",
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="customer",
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
                            "taken_by",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                help_text="The staff member who took the order for the customer.",
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="taken by",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "historical order",
                        "verbose_name_plural": "historical orders",
                        "ordering": ("-history_date", "-history_id"),
                        "get_latest_by": ("history_date", "history_id"),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
            ],
        ),
        migrations.AddField(
            model_name="historicalordernote",
            name="order",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="orders.order",
                verbose_name="order",
            ),
        ),
    ]
