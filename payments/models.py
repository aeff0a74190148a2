from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.history import HistoricalRecords
from core.money import MONEY_FIELD, format_money

CENT = Decimal("0.01")


class Provider(models.TextChoices):
    TEST = "test", _("Test gateway")
    STRIPE = "stripe", _("Stripe")
    PAYPAL = "paypal", _("PayPal")
    MERCADOPAGO = "mpago", _("Mercado Pago")
    CULQI = "culqi", _("Culqi")


class PaymentMethod(models.Model):
    """How a shopper can pay: the gateway behind it and what it costs the store."""

    class Kind(models.TextChoices):
        CARD = "card", _("Card")
        WALLET = "wallet", _("Wallet")
        TRANSFER = "transfer", _("Bank transfer")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)
    description = models.CharField(_("description"), max_length=200, blank=True)
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.CARD)
    provider = models.CharField(_("provider"), max_length=10, choices=Provider.choices)
    commission_percent = models.DecimalField(_("commission (%)"), max_digits=5, decimal_places=2, default=Decimal("0"))
    fixed_fee = models.DecimalField(_("fixed fee"), **MONEY_FIELD, default=Decimal("0"))
    is_active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("payment method")
        verbose_name_plural = _("payment methods")
        ordering = ["order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(commission_percent__gte=0) & Q(commission_percent__lte=100),
                name="payments_method_commission_range",
            ),
            models.CheckConstraint(condition=Q(fixed_fee__gte=0), name="payments_method_fee_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name

    def fee_for(self, amount: Decimal) -> Decimal:
        """What the gateway keeps of a payment: commission % plus the fixed fee."""
        return (amount * self.commission_percent / 100 + self.fixed_fee).quantize(CENT, rounding=ROUND_HALF_UP)


class Payment(models.Model):
    """One attempt to pay an order; an order may have several (a decline, then a success).
    Never holds card data: only what the gateway tells (brand and last four digits)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        # The shopper holds a code (a CIP) or an approval to pay later: the gateway tells when it is paid.
        WAITING = "waiting", _("Waiting for payment")
        SUCCEEDED = "succeeded", _("Succeeded")
        DECLINED = "declined", _("Declined")
        FAILED = "failed", _("Failed")
        ABANDONED = "abandoned", _("Abandoned")

    order = models.ForeignKey(
        "orders.Order", on_delete=models.PROTECT, related_name="payments", verbose_name=_("order")
    )
    method = models.ForeignKey(
        PaymentMethod, on_delete=models.PROTECT, related_name="payments", verbose_name=_("payment method")
    )
    provider = models.CharField(_("provider"), max_length=10, choices=Provider.choices)
    amount = models.DecimalField(_("amount"), **MONEY_FIELD)
    currency = models.CharField(_("currency"), max_length=3, default="PEN")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    gateway_reference = models.CharField(_("gateway reference"), max_length=120, blank=True)
    card_brand = models.CharField(_("card brand"), max_length=20, blank=True)
    card_last4 = models.CharField(_("card last 4"), max_length=4, blank=True)
    fee = models.DecimalField(_("fee"), **MONEY_FIELD, default=Decimal("0"))
    failure_message = models.CharField(_("failure message"), max_length=255, blank=True)
    # A payment made later: the code the shopper pays with (a PagoEfectivo CIP, a gateway's payable
    # code), until when it can be paid, and the gateway's voucher / where-to-pay page.
    pay_code = models.CharField(_("payment code"), max_length=40, blank=True)
    pay_code_expires_at = models.DateTimeField(_("payment code expires"), null=True, blank=True)
    pay_instructions_url = models.URLField(_("where to pay"), max_length=300, blank=True)
    # Cuotas the shopper chose for a card payment; null is a single payment.
    installments = models.PositiveSmallIntegerField(_("installments"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payments_payment_amount_positive"),
            # At most one successful payment per order: a double submit cannot charge twice.
            models.UniqueConstraint(
                fields=["order"], condition=Q(status="succeeded"), name="payments_one_success_per_order"
            ),
        ]
        indexes = [models.Index(fields=["order", "-created_at"], name="payments_payment_order_idx")]

    def __str__(self) -> str:
        return f"{self.order} · {self.get_status_display()} · {format_money(self.amount)}"


class Refund(models.Model):
    """Money going back to the customer, partial or total: proposed by the store (a late
    payment) or reported by the gateway. The succeeded refunds of a payment never add up to
    more than it captured (checked under the payment's row lock)."""

    class Status(models.TextChoices):
        REQUESTED = "requested", pgettext_lazy("refund", "Requested")
        APPROVED = "approved", pgettext_lazy("refund", "Approved")
        SUCCEEDED = "succeeded", pgettext_lazy("refund", "Succeeded")
        FAILED = "failed", pgettext_lazy("refund", "Failed")

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds", verbose_name=_("payment"))
    amount = models.DecimalField(_("amount"), **MONEY_FIELD)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    gateway_reference = models.CharField(_("gateway reference"), max_length=120, null=True, blank=True, unique=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    failure_message = models.CharField(_("failure message"), max_length=255, blank=True)
    # The request form's one-time key: a replayed submission finds this refund instead of adding one.
    idempotency_key = models.CharField(
        _("idempotency key"), max_length=64, null=True, blank=True, unique=True, editable=False
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["-created_at", "-pk"]
        # Support requests refunds; only those with this permission (administrators) approve them.
        permissions = [("approve_refund", _("Can approve refunds"))]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payments_refund_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.payment.order} · {self.get_status_display()} · {format_money(self.amount)}"


class WebhookEvent(models.Model):
    """A gateway notification exactly as it arrived (after its signature was verified), stored
    once per (provider, event id) and processed once by payments.tasks.process_webhook_event."""

    class Status(models.TextChoices):
        RECEIVED = "received", pgettext_lazy("webhook event", "Received")
        PROCESSED = "processed", pgettext_lazy("webhook event", "Processed")
        FAILED = "failed", pgettext_lazy("webhook event", "Failed")
        IGNORED = "ignored", pgettext_lazy("webhook event", "Ignored")

    provider = models.CharField(_("provider"), max_length=10, choices=Provider.choices)
    event_id = models.CharField(_("event id"), max_length=255)
    event_type = models.CharField(_("event type"), max_length=100, blank=True)
    payload = models.JSONField(_("payload"), default=dict)
    raw_body = models.TextField(_("raw body"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RECEIVED)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)
    # When it is (next) due to be processed: on arrival, then after each attempt that must wait. A
    # received event whose time is long past lost its task: the sweep (core.jobs) enqueues it again.
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)

    class Meta:
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "event_id"], name="payments_webhook_event_unique"),
        ]
        indexes = [
            models.Index(fields=["status", "received_at"], name="payments_webhook_status_idx"),
            models.Index(fields=["status", "next_attempt_at"], name="payments_webhook_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_provider_display()} {self.event_type} {self.event_id}"


class GatewayLogEntry(models.Model):
    """One gateway request, response or webhook body, secrets redacted (payments.gateway_log).
    The SQL store, used when no MongoDB is configured; order and payment are plain ids so a log
    line never blocks (nor depends on) the rows it describes."""

    class Direction(models.TextChoices):
        REQUEST = "request", _("Request")
        RESPONSE = "response", _("Response")
        WEBHOOK = "webhook", _("Webhook")

    created_at = models.DateTimeField(_("time"), default=timezone.now)
    provider = models.CharField(_("provider"), max_length=20)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    kind = models.CharField(_("kind"), max_length=80)
    order_id = models.BigIntegerField(_("order id"), null=True, blank=True)
    payment_id = models.BigIntegerField(_("payment id"), null=True, blank=True)
    status_code = models.PositiveSmallIntegerField(_("status code"), null=True, blank=True)
    url = models.CharField(_("URL"), max_length=500, blank=True)
    duration_ms = models.FloatField(_("duration (ms)"), null=True, blank=True)
    body = models.JSONField(_("body"), null=True, blank=True)
    # The X-Request-ID of the page or task that talked to the gateway: its log lines tell the rest.
    request_id = models.CharField(_("request id"), max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("gateway log entry")
        verbose_name_plural = _("gateway log entries")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["order_id", "created_at"], name="payments_glog_order_idx"),
            models.Index(fields=["payment_id", "created_at"], name="payments_glog_payment_idx"),
            models.Index(fields=["provider", "created_at"], name="payments_glog_provider_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.direction} {self.kind}"
