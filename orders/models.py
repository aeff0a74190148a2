"""Orders: the order with its money and address snapshots, its lines, its status history
and the per-day counter behind race-free order numbers (PED-YYYYMMDD-NNNN).

Every write goes through orders.services; the rows here only hold what one row can check.
"""

from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.fields import IdentityField
from accounts.validators import LEGAL_NAME_MAX_LENGTH
from core.history import HistoricalRecords
from core.models import AppendOnlyModel, StatusChange
from core.money import HALF_CENT, MONEY_FIELD, igv_included, same_cents

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


class OrderStatus(models.TextChoices):
    PENDING_PAYMENT = "pending_payment", _("Pending payment")
    PAID = "paid", _("Paid")
    PROCESSING = "processing", _("Processing")
    PARTIALLY_SHIPPED = "partially_shipped", _("Partially shipped")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", pgettext_lazy("order status", "Cancelled")  # "Anulado": a pedido is masculine
    REFUNDED = "refunded", _("Refunded")


class PaymentStatus(models.TextChoices):
    UNPAID = "unpaid", _("Unpaid")
    PAID = "paid", _("Paid")
    PARTIALLY_REFUNDED = "partially_refunded", _("Partially refunded")
    REFUNDED = "refunded", _("Refunded")
    FAILED = "failed", _("Failed")


class OrderChannel(models.TextChoices):
    """Where the order was taken: the shopper's own checkout, or staff for a customer who wrote or called."""

    WEB = "web", pgettext_lazy("order channel", "Online store")
    WHATSAPP = "whatsapp", _("WhatsApp")
    PHONE = "phone", _("Phone")


class DocumentType(models.TextChoices):
    """The identity on the receipt: a DNI gets a boleta, a RUC a factura."""

    DNI = "dni", _("DNI (boleta)")
    RUC = "ruc", _("RUC (factura)")


# The only status changes there are; orders.services checks every change against it.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    OrderStatus.PENDING_PAYMENT: frozenset({OrderStatus.PAID, OrderStatus.CANCELLED}),
    OrderStatus.PAID: frozenset(
        {OrderStatus.PROCESSING, OrderStatus.PARTIALLY_SHIPPED, OrderStatus.SHIPPED, OrderStatus.CANCELLED}
    ),
    OrderStatus.PROCESSING: frozenset({OrderStatus.PARTIALLY_SHIPPED, OrderStatus.SHIPPED, OrderStatus.CANCELLED}),
    OrderStatus.PARTIALLY_SHIPPED: frozenset({OrderStatus.SHIPPED, OrderStatus.REFUNDED}),
    OrderStatus.SHIPPED: frozenset({OrderStatus.DELIVERED, OrderStatus.REFUNDED}),
    OrderStatus.DELIVERED: frozenset({OrderStatus.REFUNDED}),
    OrderStatus.CANCELLED: frozenset(),
    OrderStatus.REFUNDED: frozenset(),
}

# How each status looks on the customer pages (a .badge--<tone> class).
STATUS_TONES: dict[str, str] = {
    OrderStatus.PENDING_PAYMENT: "warning",
    OrderStatus.PAID: "info",
    OrderStatus.PROCESSING: "info",
    OrderStatus.PARTIALLY_SHIPPED: "brand",
    OrderStatus.SHIPPED: "brand",
    OrderStatus.DELIVERED: "success",
    OrderStatus.CANCELLED: "muted",
    OrderStatus.REFUNDED: "muted",
}

# "While nothing shipped": the statuses a cancellation may start from.
CANCELLABLE_STATUSES = frozenset({OrderStatus.PENDING_PAYMENT, OrderStatus.PAID, OrderStatus.PROCESSING})


class Order(models.Model):
    number = models.CharField(_("number"), max_length=24, unique=True, editable=False)
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="orders",
        verbose_name=_("customer"),
        help_text=_("Empty for a guest order."),
    )
    email = models.EmailField(_("e-mail"), max_length=254)
    customer_document_type = models.CharField(
        _("document type"), max_length=3, choices=DocumentType.choices, blank=True
    )
    customer_document = IdentityField(_("DNI or RUC"), max_length=11, blank=True)
    customer_legal_name = models.CharField(
        _("company name (razón social)"),
        max_length=LEGAL_NAME_MAX_LENGTH,
        blank=True,
        help_text=_("The company a factura is issued to, with the RUC; empty on a boleta."),
    )

    status = models.CharField(
        _("status"), max_length=20, choices=OrderStatus.choices, default=OrderStatus.PENDING_PAYMENT
    )
    payment_status = models.CharField(
        _("payment status"), max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.UNPAID
    )

    currency = models.CharField(_("currency"), max_length=3, default="PEN", editable=False)
    subtotal = models.DecimalField(_("subtotal"), **MONEY_FIELD, default=ZERO)
    discount_total = models.DecimalField(_("discount"), **MONEY_FIELD, default=ZERO)
    shipping_total = models.DecimalField(_("shipping"), **MONEY_FIELD, default=ZERO)
    coupon_code = models.CharField(_("coupon"), max_length=40, blank=True, help_text=_("The code applied, as it was."))
    shipping_discount = models.DecimalField(
        _("shipping discount"),
        **MONEY_FIELD,
        default=ZERO,
        help_text=_("The shipping price a free-shipping coupon took off (not part of the discount)."),
    )
    # Gift cards sold in the order (credit.GiftCard): money paid in advance, not a sale of goods,
    # so no receipt line and no IGV (SUNAT Informe N.° 097-2010-SUNAT/2B0000, see credit/models.py).
    gift_cards_total = models.DecimalField(_("gift cards"), **MONEY_FIELD, default=ZERO)
    total = models.DecimalField(_("total"), **MONEY_FIELD, default=ZERO)

    shipping_address = models.JSONField(_("shipping address"), default=dict)
    billing_address = models.JSONField(_("billing address"), default=dict)
    shipping_method = models.ForeignKey(
        "shipping.ShippingMethod",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("shipping method"),
    )
    shipping_method_name = models.CharField(_("shipping method name"), max_length=120, blank=True)

    placed_at = models.DateTimeField(_("placed at"), default=timezone.now, db_index=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("cancellation reason"), max_length=255, blank=True)
    # Set when the order waits for a payment made later (a CIP paid at an agent, a Yape or bank
    # transfer confirmed hours later): its payment window then ends here instead of the default.
    payment_due_at = models.DateTimeField(
        _("payment due at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When the order waits for a payment made later: the moment its payment code expires."),
    )

    idempotency_key = models.CharField(
        _("idempotency key"), max_length=64, unique=True, null=True, blank=True, editable=False
    )
    channel = models.CharField(_("channel"), max_length=10, choices=OrderChannel.choices, default=OrderChannel.WEB)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("taken by"),
        help_text=_("The staff member who took the order for the customer."),
    )
    needs_attention = models.BooleanField(_("needs attention"), default=False)
    attention_note = models.TextField(_("attention note"), blank=True)

    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    # Not a column: order_create sets it (True when its idempotency key returned an earlier order).
    replayed: bool

    class Meta:
        verbose_name = pgettext_lazy("purchase order", "order")
        verbose_name_plural = pgettext_lazy("purchase order", "orders")
        ordering = ["-placed_at", "-pk"]
        indexes = [
            models.Index(fields=["customer", "-placed_at"], name="orders_order_customer_idx"),
            models.Index(fields=["status", "placed_at"], name="orders_order_status_idx"),
            models.Index(fields=["payment_status", "placed_at"], name="orders_order_payment_idx"),
            models.Index(fields=["customer_document"], name="orders_order_document_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(subtotal__gte=0), name="orders_order_subtotal_not_negative"),
            models.CheckConstraint(condition=Q(discount_total__gte=0), name="orders_order_discount_not_negative"),
            models.CheckConstraint(condition=Q(shipping_total__gte=0), name="orders_order_shipping_not_negative"),
            models.CheckConstraint(condition=Q(total__gte=0), name="orders_order_total_not_negative"),
            models.CheckConstraint(condition=Q(gift_cards_total__gte=0), name="orders_order_gift_cards_not_negative"),
            models.CheckConstraint(
                condition=same_cents(
                    "total", F("subtotal") - F("discount_total") + F("shipping_total") + F("gift_cards_total")
                ),
                name="orders_order_total_adds_up",
            ),
            models.CheckConstraint(condition=Q(currency="PEN"), name="orders_order_currency_pen"),
            models.CheckConstraint(
                condition=Q(customer_document="") | ~Q(customer_document_type=""),
                name="orders_order_document_has_type",
            ),
            # A company name goes with a RUC (a factura), never with a DNI or no document.
            models.CheckConstraint(
                condition=Q(customer_legal_name="") | Q(customer_document_type=DocumentType.RUC),
                name="orders_order_legal_name_with_ruc",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("orders:detail", args=[self.number])

    @property
    def igv_included(self) -> Decimal:
        """The IGV inside the total (prices include it); gift cards sold carry none (credit/models.py)."""
        return igv_included(self.total - self.gift_cards_total)

    @property
    def status_tone(self) -> str:
        return STATUS_TONES.get(self.status, "muted")

    @property
    def is_guest(self) -> bool:
        return self.customer_id is None

    @property
    def is_closed(self) -> bool:
        """Cancelled or refunded in full: none of its shipments may move any more (but to cancelled)."""
        return self.status in (OrderStatus.CANCELLED, OrderStatus.REFUNDED)

    @property
    def has_shipped(self) -> bool:
        return self.status not in CANCELLABLE_STATUSES and self.status != OrderStatus.CANCELLED

    @property
    def shows_payment_status(self) -> bool:
        """Whether the payment status says more than the order status next to it ("Pagado"
        twice, or "Pendiente de pago" with "No pagado", say nothing new)."""
        if self.payment_status == PaymentStatus.PAID:
            return self.status not in (OrderStatus.PAID, OrderStatus.PROCESSING)
        if self.payment_status == PaymentStatus.UNPAID:
            return self.status != OrderStatus.PENDING_PAYMENT
        return True

    def cancel_deadline(self) -> datetime:
        from core.site_settings import site_setting

        minutes: int = site_setting("ORDER_CANCEL_WINDOW_MINUTES")
        return self.placed_at + timedelta(minutes=minutes)

    def customer_cancel_deadline(self) -> datetime:
        """Until when the customer may cancel: an unpaid order while it can still be paid (nothing is
        prepared or charged before payment); a paid one within the cancel window of placing it."""
        return self.payment_deadline() if self.status == OrderStatus.PENDING_PAYMENT else self.cancel_deadline()

    def customer_can_cancel(self, now: datetime | None = None) -> bool:
        """Before customer_cancel_deadline and while nothing shipped (the rule the customer pages show)."""
        now = now or timezone.now()
        return self.status in CANCELLABLE_STATUSES and now < self.customer_cancel_deadline()

    def payment_deadline(self) -> datetime:
        """When the payment window closes (ORDER_PAYMENT_TIMEOUT_MINUTES after placing, or later when
        the order waits for a payment code: orders.services.order_payment_wait): until then an
        unpaid order keeps its units held and can be paid; then it expires (orders.services)."""
        from core.site_settings import site_setting

        if self.payment_due_at is not None:
            return self.payment_due_at
        minutes: int = site_setting("ORDER_PAYMENT_TIMEOUT_MINUTES")
        return self.placed_at + timedelta(minutes=minutes)

    def awaits_payment(self, now: datetime | None = None) -> bool:
        """Unpaid and inside its payment window: the shopper may still pay it."""
        return self.status == OrderStatus.PENDING_PAYMENT and (now or timezone.now()) < self.payment_deadline()

    def payment_minutes_left(self, now: datetime | None = None) -> int:
        """Whole minutes until the payment window closes (at least 1 while it is open)."""
        seconds = (self.payment_deadline() - (now or timezone.now())).total_seconds()
        return max(int(seconds // 60), 1 if seconds > 0 else 0)

    @property
    def expired_unpaid(self) -> bool:
        """Cancelled because its payment window closed without a payment (the scheduled job or the
        first touch after the deadline cancelled it)."""
        return (
            self.status == OrderStatus.CANCELLED
            and self.payment_status == PaymentStatus.UNPAID
            and self.cancelled_at is not None
            and self.cancelled_at >= self.payment_deadline()
        )

    def can_transition_to(self, status: str) -> bool:
        return status in ALLOWED_TRANSITIONS.get(self.status, frozenset())


class OrderLine(models.Model):
    """What was bought, as it was at the time: names, SKU and prices are snapshots."""

    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="lines", verbose_name=pgettext_lazy("purchase order", "order")
    )
    variant = models.ForeignKey(
        "catalog.Variant", on_delete=models.PROTECT, related_name="order_lines", verbose_name=_("variant")
    )
    product_name = models.CharField(_("product"), max_length=255)
    sku = models.CharField(_("SKU"), max_length=50)
    options = models.CharField(_("options"), max_length=255, blank=True)
    unit_price = models.DecimalField(_("unit price"), **MONEY_FIELD, validators=[MinValueValidator(ZERO)])
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    discount = models.DecimalField(_("discount"), **MONEY_FIELD, default=ZERO)
    # What the discount is made of (promotions.stacking), so a refund gives back what was paid.
    automatic_discount = models.DecimalField(_("automatic discount"), **MONEY_FIELD, default=ZERO)
    offer_discount = models.DecimalField(_("quantity offer discount"), **MONEY_FIELD, default=ZERO)
    kit_discount = models.DecimalField(_("kit discount"), **MONEY_FIELD, default=ZERO)
    coupon_discount = models.DecimalField(_("coupon discount"), **MONEY_FIELD, default=ZERO)
    line_total = models.DecimalField(_("line total"), **MONEY_FIELD)
    seller = models.ForeignKey(
        "accounts.Seller",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="order_lines",
        verbose_name=_("seller"),
    )
    kit = models.ForeignKey(
        "catalog.Kit", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("kit")
    )
    kit_name = models.CharField(_("kit name"), max_length=120, blank=True)
    # The sources of the parts above, as the shopper saw them (the discount lines of the order).
    automatic_discount_name = models.CharField(_("offer"), max_length=120, blank=True)
    offer_discount_name = models.CharField(_("quantity offer"), max_length=120, blank=True)
    kit_discount_percent = models.DecimalField(_("kit discount (%)"), max_digits=5, decimal_places=2, default=ZERO)
    # The quantity offer that pooled this line's units (its id and terms as they were): a return
    # prices the units kept as the offer does then (returns.services).
    offer_terms = models.JSONField(_("quantity offer terms"), default=dict, blank=True, editable=False)

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="orders_orderline_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="orders_orderline_price_not_negative"),
            models.CheckConstraint(condition=Q(discount__gte=0), name="orders_orderline_discount_not_negative"),
            models.CheckConstraint(
                condition=Q(automatic_discount__gte=0)
                & Q(offer_discount__gte=0)
                & Q(kit_discount__gte=0)
                & Q(coupon_discount__gte=0)
                & Q(
                    discount__gte=F("automatic_discount")
                    + F("offer_discount")
                    + F("kit_discount")
                    + F("coupon_discount")
                    - HALF_CENT
                ),
                name="orders_orderline_discount_parts_within_discount",
            ),
            models.CheckConstraint(
                condition=same_cents("line_total", F("unit_price") * F("quantity") - F("discount"))
                & Q(line_total__gte=0),
                name="orders_orderline_total_adds_up",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.sku}"

    @property
    def gross_total(self) -> Decimal:
        return self.unit_price * self.quantity

    @property
    def unit_paid(self) -> Decimal:
        """What one unit really cost after every discount (for returns and refunds)."""
        return (self.line_total / self.quantity).quantize(CENT) if self.quantity else ZERO


class OrderEmailKind(models.TextChoices):
    PLACED = "placed", _("Order received, pending payment")
    PAID = "paid", _("Payment confirmed")
    SHIPPED = "shipped", _("Shipment on its way")
    READY_FOR_PICKUP = "ready_for_pickup", _("Ready for pickup")
    DELIVERED = "delivered", _("Shipment delivered")
    CANCELLED_BY_CUSTOMER = "cancelled_customer", _("Cancelled by the customer")
    CANCELLED_BY_STAFF = "cancelled_staff", _("Cancelled by the store")
    CANCELLED_UNPAID = "cancelled_unpaid", _("Cancelled: payment not received")
    REFUNDED = "refunded", _("Refund")
    PAYMENT_LINK = "payment_link", _("Payment link (order taken by staff)")
    PAYMENT_CODE = "payment_code", _("Payment code to pay later (CIP)")


class OrderEmail(models.Model):
    """One e-mail about one event of an order: the row is written with the event (so an event
    replayed gets no second row) and `sent_at` is claimed by the task that sends it (so a
    retried task sends it once). `reference` tells events of one kind apart: the shipment's
    id for shipped and delivered, the refunded total for a refund."""

    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="emails", verbose_name=pgettext_lazy("purchase order", "order")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=OrderEmailKind.choices)
    reference = models.CharField(_("reference"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("order e-mail")
        verbose_name_plural = _("order e-mails")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["order", "kind", "reference"], name="orders_orderemail_once_per_event")
        ]

    def __str__(self) -> str:
        return f"{self.order} · {self.get_kind_display()}"


class OrderStatusChange(StatusChange):
    """One row per status change of an order, never edited: who, when, from what to what."""

    order = models.ForeignKey(
        Order,
        on_delete=models.CASCADE,
        related_name="status_changes",
        verbose_name=pgettext_lazy("purchase order", "order"),
    )
    from_status = models.CharField(_("from"), max_length=20, choices=OrderStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=OrderStatus.choices)

    class Meta(StatusChange.Meta):
        indexes = [models.Index(fields=["order", "created_at"], name="orders_statuschange_order_idx")]


ORDER_NOTE_MAX_LENGTH = 2000


class OrderNote(AppendOnlyModel):
    """A note staff add to an order (a call, a promise, what was agreed), never edited or deleted:
    a correction is a new note. Shown on the order's timeline, to the customer only when flagged."""

    append_only_message = "Order notes are append-only: add a new note instead."

    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="notes", verbose_name=pgettext_lazy("purchase order", "order")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    text = models.TextField(_("note"), max_length=ORDER_NOTE_MAX_LENGTH)
    visible_to_customer = models.BooleanField(
        _("visible to the customer"),
        default=False,
        help_text=_("Shown on the customer's order page; otherwise only staff see it."),
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    history = HistoricalRecords()  # the back office's audit lists who added it (backoffice.audit)

    class Meta:
        verbose_name = _("order note")
        verbose_name_plural = _("order notes")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["order", "created_at"], name="orders_note_order_idx")]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="orders_note_text_not_empty")]

    def __str__(self) -> str:
        return f"{self.order} · {timezone.localtime(self.created_at):%Y-%m-%d %H:%M}"
