"""payments: its models' tables, indexes and constraints as today's models have them, in place of migrations 0001 to 0014
(docs/operations/deploys.md, "Squashed migrations")."""

from decimal import Decimal

import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import migrations, models

import core.migration_operations

# The payment methods a store starts with, in the order the old chain created them (0002, 0004, 0008,
# 0013; the test gateway's provider as 0011 renamed it). The real gateways' methods are active and
# offered only while their keys are configured (payments.services.payment_methods_offered). Not carried:
# 0010's and 0011's updates of existing webhook events and payments (a new database has none).
METHODS = [
    {
        "code": "tarjeta-prueba",
        "name": "Tarjeta (pasarela de prueba)",
        "description": "Simula el pago con tarjeta: aprueba, rechaza o abandona.",
        "provider": "test",
        "kind": "card",
        "commission_percent": "3.99",
        "fixed_fee": "0.50",
        "order": 90,
    },
    {
        "code": "stripe",
        "name": "Tarjeta de crédito o débito (Stripe)",
        "description": "Paga con Visa, Mastercard o American Express en la página segura de Stripe.",
        "provider": "stripe",
        "kind": "card",
        "order": 10,
    },
    {
        "code": "paypal",
        "name": "PayPal",
        "description": "Paga con tu cuenta PayPal o con tarjeta a través de PayPal.",
        "provider": "paypal",
        "kind": "wallet",
        "order": 20,
    },
    {
        "code": "mercadopago",
        "name": "Mercado Pago",
        "description": "Paga con tarjeta, Yape o PagoEfectivo en la página segura de Mercado Pago.",
        "provider": "mpago",
        "kind": "wallet",
        "order": 30,
    },
    {
        "code": "culqi-yape",
        "name": "Yape",
        "description": "Paga con tu número de Yape y el código de aprobación de tu app.",
        "provider": "culqi",
        "kind": "wallet",
        "order": 5,
    },
    {
        "code": "culqi-pagoefectivo",
        "name": "PagoEfectivo",
        "description": "Recibe un código CIP y págalo en agentes, bodegas o desde tu banca móvil.",
        "provider": "culqi",
        "kind": "transfer",
        "order": 6,
    },
    {
        "code": "culqi-tarjeta",
        "name": "Tarjeta Visa / Mastercard (en cuotas)",
        "description": "Paga con tarjeta de crédito o débito; en cuotas si tu banco lo permite.",
        "provider": "culqi",
        "kind": "card",
        "order": 7,
    },
]


def add_payment_methods(apps, schema_editor):
    PaymentMethod = apps.get_model("payments", "PaymentMethod")
    for method in METHODS:
        PaymentMethod.objects.get_or_create(code=method["code"], defaults={**method, "is_active": True})


class Migration(migrations.Migration):
    initial = True
    safe_under_load_because = (
        "it replaces the old chain: an existing database has the old migrations applied and Django marks this one "
        "applied without running it; on a new database its tables are new and empty"
    )
    replaces = [
        ("payments", "0001_initial"),
        ("payments", "0002_dummy_method"),
        ("payments", "0003_refunds_webhook_events"),
        ("payments", "0004_stripe_paypal_methods"),
        ("payments", "0005_refund_approval"),
        ("payments", "0006_gateway_log_entry"),
        ("payments", "0007_refund_idempotency_key"),
        ("payments", "0008_mercadopago"),
        ("payments", "0009_audit_history"),
        ("payments", "0010_webhook_event_next_attempt"),
        ("payments", "0011_test_gateway_name"),
        ("payments", "0012_waiting_culqi"),
        ("payments", "0013_culqi_methods"),
        ("payments", "0014_gateway_log_request_id"),
    ]

    dependencies = [
        ("accounts", "0001_squashed_0006_initial"),
        ("orders", "0001_squashed_0001_initial"),
        ("orders", "0002_squashed_0003_foreign_keys"),
    ]

    operations = [
        core.migration_operations.CreateModels(
            operations=[
                migrations.CreateModel(
                    name="GatewayLogEntry",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="time")),
                        ("provider", models.CharField(max_length=20, verbose_name="provider")),
                        (
                            "direction",
                            models.CharField(
                                choices=[("request", "Request"), ("response", "Response"), ("webhook", "Webhook")],
                                max_length=10,
                                verbose_name="direction",
                            ),
                        ),
                        ("kind", models.CharField(max_length=80, verbose_name="kind")),
                        ("order_id", models.BigIntegerField(blank=True, null=True, verbose_name="order id")),
                        ("payment_id", models.BigIntegerField(blank=True, null=True, verbose_name="payment id")),
                        (
                            "status_code",
                            models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="status code"),
                        ),
                        ("url", models.CharField(blank=True, max_length=500, verbose_name="URL")),
                        ("duration_ms", models.FloatField(blank=True, null=True, verbose_name="duration (ms)")),
                        ("body", models.JSONField(blank=True, null=True, verbose_name="body")),
                        (
                            "request_id",
                            models.CharField(blank=True, default="", max_length=64, verbose_name="request id"),
                        ),
                    ],
                    options={
                        "verbose_name": "gateway log entry",
                        "verbose_name_plural": "gateway log entries",
                        "ordering": ["-created_at", "-pk"],
                        "indexes": [
                            models.Index(fields=["order_id", "created_at"], name="payments_glog_order_idx"),
                            models.Index(fields=["payment_id", "created_at"], name="payments_glog_payment_idx"),
                            models.Index(fields=["provider", "created_at"], name="payments_glog_provider_idx"),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="HistoricalPaymentMethod",
                    fields=[
                        ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                        ("code", models.SlugField(max_length=40, verbose_name="code")),
                        ("name", models.CharField(max_length=80, verbose_name="name")),
                        ("description", models.CharField(blank=True, max_length=200, verbose_name="description")),
                        (
                            "kind",
                            models.CharField(
                                choices=[("card", "Card"), ("wallet", "Wallet"), ("transfer", "Bank transfer")],
                                default="card",
                                max_length=10,
                                verbose_name="type",
                            ),
                        ),
                        (
                            "provider",
                            models.CharField(
                                choices=[
                                    ("test", "Test gateway"),
                                    ("stripe", "Stripe"),
                                    ("paypal", "PayPal"),
                                    ("mpago", "Mercado Pago"),
                                    ("culqi", "Culqi"),
                                ],
                                max_length=10,
                                verbose_name="provider",
                            ),
                        ),
                        (
                            "commission_percent",
                            models.DecimalField(
                                decimal_places=2, default=Decimal("0"), max_digits=5, verbose_name="commission (%)"
                            ),
                        ),
                        (
                            "fixed_fee",
                            models.DecimalField(
                                decimal_places=2, default=Decimal("0"), max_digits=12, verbose_name="fixed fee"
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
                        "verbose_name": "historical payment method",
                        "verbose_name_plural": "historical payment methods",
                        "ordering": ("-history_date", "-history_id"),
                        "get_latest_by": ("history_date", "history_id"),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name="Payment",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "provider",
                            models.CharField(
                                choices=[
                                    ("test", "Test gateway"),
                                    ("stripe", "Stripe"),
                                    ("paypal", "PayPal"),
                                    ("mpago", "Mercado Pago"),
                                    ("culqi", "Culqi"),
                                ],
                                max_length=10,
                                verbose_name="provider",
                            ),
                        ),
                        ("amount", models.DecimalField(decimal_places=2, max_digits=12, verbose_name="amount")),
                        ("currency", models.CharField(default="PEN", max_length=3, verbose_name="currency")),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("pending", "Pending"),
                                    ("waiting", "Waiting for payment"),
                                    ("succeeded", "Succeeded"),
                                    ("declined", "Declined"),
                                    ("failed", "Failed"),
                                    ("abandoned", "Abandoned"),
                                ],
                                default="pending",
                                max_length=10,
                                verbose_name="status",
                            ),
                        ),
                        (
                            "gateway_reference",
                            models.CharField(blank=True, max_length=120, verbose_name="gateway reference"),
                        ),
                        ("card_brand", models.CharField(blank=True, max_length=20, verbose_name="card brand")),
                        ("card_last4", models.CharField(blank=True, max_length=4, verbose_name="card last 4")),
                        (
                            "fee",
                            models.DecimalField(
                                decimal_places=2, default=Decimal("0"), max_digits=12, verbose_name="fee"
                            ),
                        ),
                        (
                            "failure_message",
                            models.CharField(blank=True, max_length=255, verbose_name="failure message"),
                        ),
                        ("pay_code", models.CharField(blank=True, max_length=40, verbose_name="payment code")),
                        (
                            "pay_code_expires_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="payment code expires"),
                        ),
                        (
                            "pay_instructions_url",
                            models.URLField(blank=True, max_length=300, verbose_name="where to pay"),
                        ),
                        (
                            "installments",
                            models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="installments"),
                        ),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="created")),
                        ("completed_at", models.DateTimeField(blank=True, null=True, verbose_name="completed")),
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
                            "order",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="payments",
                                to="orders.order",
                                verbose_name="order",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "payment",
                        "verbose_name_plural": "payments",
                        "ordering": ["-created_at", "-pk"],
                    },
                ),
                migrations.CreateModel(
                    name="HistoricalRefund",
                    fields=[
                        ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                        ("amount", models.DecimalField(decimal_places=2, max_digits=12, verbose_name="amount")),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("requested", "Requested"),
                                    ("approved", "Approved"),
                                    ("succeeded", "Succeeded"),
                                    ("failed", "Failed"),
                                ],
                                default="requested",
                                max_length=10,
                                verbose_name="status",
                            ),
                        ),
                        ("reason", models.CharField(blank=True, max_length=255, verbose_name="reason")),
                        (
                            "gateway_reference",
                            models.CharField(
                                blank=True, db_index=True, max_length=120, null=True, verbose_name="gateway reference"
                            ),
                        ),
                        ("approved_at", models.DateTimeField(blank=True, null=True, verbose_name="approved at")),
                        (
                            "failure_message",
                            models.CharField(blank=True, max_length=255, verbose_name="failure message"),
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
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="created")),
                        ("updated_at", models.DateTimeField(blank=True, editable=False, verbose_name="updated")),
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
                            "approved_by",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="approved by",
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
                            "requested_by",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="requested by",
                            ),
                        ),
                        (
                            "payment",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="payments.payment",
                                verbose_name="payment",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "historical refund",
                        "verbose_name_plural": "historical refunds",
                        "ordering": ("-history_date", "-history_id"),
                        "get_latest_by": ("history_date", "history_id"),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name="PaymentMethod",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("code", models.SlugField(max_length=40, unique=True, verbose_name="code")),
                        ("name", models.CharField(max_length=80, verbose_name="name")),
                        ("description", models.CharField(blank=True, max_length=200, verbose_name="description")),
                        (
                            "kind",
                            models.CharField(
                                choices=[("card", "Card"), ("wallet", "Wallet"), ("transfer", "Bank transfer")],
                                default="card",
                                max_length=10,
                                verbose_name="type",
                            ),
                        ),
                        (
                            "provider",
                            models.CharField(
                                choices=[
                                    ("test", "Test gateway"),
                                    ("stripe", "Stripe"),
                                    ("paypal", "PayPal"),
                                    ("mpago", "Mercado Pago"),
                                    ("culqi", "Culqi"),
                                ],
                                max_length=10,
                                verbose_name="provider",
                            ),
                        ),
                        (
                            "commission_percent",
                            models.DecimalField(
                                decimal_places=2, default=Decimal("0"), max_digits=5, verbose_name="commission (%)"
                            ),
                        ),
                        (
                            "fixed_fee",
                            models.DecimalField(
                                decimal_places=2, default=Decimal("0"), max_digits=12, verbose_name="fixed fee"
                            ),
                        ),
                        ("is_active", models.BooleanField(default=True, verbose_name="active")),
                        ("order", models.PositiveSmallIntegerField(default=0, verbose_name="order")),
                    ],
                    options={
                        "verbose_name": "payment method",
                        "verbose_name_plural": "payment methods",
                        "ordering": ["order", "name"],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("commission_percent__gte", 0), ("commission_percent__lte", 100)),
                                name="payments_method_commission_range",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("fixed_fee__gte", 0)), name="payments_method_fee_not_negative"
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="HistoricalPayment",
                    fields=[
                        ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                        (
                            "provider",
                            models.CharField(
                                choices=[
                                    ("test", "Test gateway"),
                                    ("stripe", "Stripe"),
                                    ("paypal", "PayPal"),
                                    ("mpago", "Mercado Pago"),
                                    ("culqi", "Culqi"),
                                ],
                                max_length=10,
                                verbose_name="provider",
                            ),
                        ),
                        ("amount", models.DecimalField(decimal_places=2, max_digits=12, verbose_name="amount")),
                        ("currency", models.CharField(default="PEN", max_length=3, verbose_name="currency")),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("pending", "Pending"),
                                    ("waiting", "Waiting for payment"),
                                    ("succeeded", "Succeeded"),
                                    ("declined", "Declined"),
                                    ("failed", "Failed"),
                                    ("abandoned", "Abandoned"),
                                ],
                                default="pending",
                                max_length=10,
                                verbose_name="status",
                            ),
                        ),
                        (
                            "gateway_reference",
                            models.CharField(blank=True, max_length=120, verbose_name="gateway reference"),
                        ),
                        ("card_brand", models.CharField(blank=True, max_length=20, verbose_name="card brand")),
                        ("card_last4", models.CharField(blank=True, max_length=4, verbose_name="card last 4")),
                        (
                            "fee",
                            models.DecimalField(
                                decimal_places=2, default=Decimal("0"), max_digits=12, verbose_name="fee"
                            ),
                        ),
                        (
                            "failure_message",
                            models.CharField(blank=True, max_length=255, verbose_name="failure message"),
                        ),
                        ("pay_code", models.CharField(blank=True, max_length=40, verbose_name="payment code")),
                        (
                            "pay_code_expires_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="payment code expires"),
                        ),
                        (
                            "pay_instructions_url",
                            models.URLField(blank=True, max_length=300, verbose_name="where to pay"),
                        ),
                        (
                            "installments",
                            models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="installments"),
                        ),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="created")),
                        ("completed_at", models.DateTimeField(blank=True, null=True, verbose_name="completed")),
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
                            "method",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="payments.paymentmethod",
                                verbose_name="payment method",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "historical payment",
                        "verbose_name_plural": "historical payments",
                        "ordering": ("-history_date", "-history_id"),
                        "get_latest_by": ("history_date", "history_id"),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name="Refund",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("amount", models.DecimalField(decimal_places=2, max_digits=12, verbose_name="amount")),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("requested", "Requested"),
                                    ("approved", "Approved"),
                                    ("succeeded", "Succeeded"),
                                    ("failed", "Failed"),
                                ],
                                default="requested",
                                max_length=10,
                                verbose_name="status",
                            ),
                        ),
                        ("reason", models.CharField(blank=True, max_length=255, verbose_name="reason")),
                        (
                            "gateway_reference",
                            models.CharField(
                                blank=True, max_length=120, null=True, unique=True, verbose_name="gateway reference"
                            ),
                        ),
                        ("approved_at", models.DateTimeField(blank=True, null=True, verbose_name="approved at")),
                        (
                            "failure_message",
                            models.CharField(blank=True, max_length=255, verbose_name="failure message"),
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
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="created")),
                        ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated")),
                        (
                            "approved_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="approved by",
                            ),
                        ),
                        (
                            "payment",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="refunds",
                                to="payments.payment",
                                verbose_name="payment",
                            ),
                        ),
                        (
                            "requested_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="requested by",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "refund",
                        "verbose_name_plural": "refunds",
                        "ordering": ["-created_at", "-pk"],
                        "permissions": [("approve_refund", "Can approve refunds")],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("amount__gt", 0)), name="payments_refund_amount_positive"
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="WebhookEvent",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "provider",
                            models.CharField(
                                choices=[
                                    ("test", "Test gateway"),
                                    ("stripe", "Stripe"),
                                    ("paypal", "PayPal"),
                                    ("mpago", "Mercado Pago"),
                                    ("culqi", "Culqi"),
                                ],
                                max_length=10,
                                verbose_name="provider",
                            ),
                        ),
                        ("event_id", models.CharField(max_length=255, verbose_name="event id")),
                        ("event_type", models.CharField(blank=True, max_length=100, verbose_name="event type")),
                        ("payload", models.JSONField(default=dict, verbose_name="payload")),
                        ("raw_body", models.TextField(blank=True, verbose_name="raw body")),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("received", "Received"),
                                    ("processed", "Processed"),
                                    ("failed", "Failed"),
                                    ("ignored", "Ignored"),
                                ],
                                default="received",
                                max_length=10,
                                verbose_name="status",
                            ),
                        ),
                        ("attempts", models.PositiveIntegerField(default=0, verbose_name="attempts")),
                        ("last_error", models.TextField(blank=True, verbose_name="last error")),
                        (
                            "received_at",
                            models.DateTimeField(default=django.utils.timezone.now, verbose_name="received"),
                        ),
                        ("processed_at", models.DateTimeField(blank=True, null=True, verbose_name="processed")),
                        (
                            "next_attempt_at",
                            models.DateTimeField(default=django.utils.timezone.now, verbose_name="next attempt"),
                        ),
                    ],
                    options={
                        "verbose_name": "webhook event",
                        "verbose_name_plural": "webhook events",
                        "ordering": ["-received_at", "-pk"],
                        "indexes": [
                            models.Index(fields=["status", "received_at"], name="payments_webhook_status_idx"),
                            models.Index(fields=["status", "next_attempt_at"], name="payments_webhook_due_idx"),
                        ],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("provider", "event_id"), name="payments_webhook_event_unique"
                            )
                        ],
                    },
                ),
            ],
        ),
        migrations.AddField(
            model_name="payment",
            name="method",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="payments",
                to="payments.paymentmethod",
                verbose_name="payment method",
            ),
        ),
        migrations.AddIndex(
            model_name="payment",
            index=models.Index(fields=["order", "-created_at"], name="payments_payment_order_idx"),
        ),
        migrations.AddConstraint(
            model_name="payment",
            constraint=models.CheckConstraint(
                condition=models.Q(("amount__gt", 0)), name="payments_payment_amount_positive"
            ),
        ),
        migrations.AddConstraint(
            model_name="payment",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "succeeded")), fields=("order",), name="payments_one_success_per_order"
            ),
        ),
        migrations.RunPython(add_payment_methods, migrations.RunPython.noop),
    ]
