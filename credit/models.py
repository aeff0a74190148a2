"""Store credit ("vale de compra"): money a customer keeps at the store after a return and may
spend at checkout. Not SUNAT's "nota de crédito" (that is a receipt, in receipts/): this is a
balance owed to the customer. The balance is kept from a ledger of uses (CreditUse), never edited
by hand and never negative."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.money import MONEY_FIELD, format_money

ZERO = Decimal("0.00")


class StoreCredit(models.Model):
    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="store_credits", verbose_name=_("customer")
    )
    return_request = models.OneToOneField(
        "returns.ReturnRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="store_credit",
        verbose_name=_("return request"),
        help_text=_("The return this credit was given for."),
    )
    amount = models.DecimalField(_("amount"), **MONEY_FIELD)
    balance = models.DecimalField(_("balance"), **MONEY_FIELD)
    currency = models.CharField(_("currency"), max_length=3, default="PEN", editable=False)
    expires_at = models.DateTimeField(_("expires at"))
    created_at = models.DateTimeField(_("issued at"), default=timezone.now)

    class Meta:
        verbose_name = _("store credit")
        verbose_name_plural = _("store credits")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="credit_amount_positive"),
            models.CheckConstraint(
                condition=Q(balance__gte=0) & Q(balance__lte=F("amount")), name="credit_balance_within_amount"
            ),
        ]
        indexes = [models.Index(fields=["customer", "expires_at"], name="credit_customer_expiry_idx")]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("credit:list")

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_usable(self) -> bool:
        return self.balance > 0 and not self.is_expired


SPEND_ROUND_HELP = _(
    "1: spent at checkout (and given back if the order was cancelled); 2: taken again when a late "
    "payment revived the expired order."
)


class CreditUseKind(models.TextChoices):
    SPEND = "spend", _("Spent on an order")
    RESTORE = "restore", _("Given back (order cancelled)")


class CreditUse(models.Model):
    """One movement of a credit's balance: spent on an order (negative) or given back when that
    order is cancelled (positive). Once per (credit, order, kind, spend_round): a replay writes
    nothing. An order takes a credit in round 1 at checkout; a late payment that revives it after
    its expiry gave the credit back takes it again in round 2 (and a later cancellation gives
    round 2 back), so the ledger stays append-only and each round's restore matches its spend."""

    credit = models.ForeignKey(
        StoreCredit, on_delete=models.PROTECT, related_name="uses", verbose_name=_("store credit")
    )
    order = models.ForeignKey(
        "orders.Order", on_delete=models.PROTECT, related_name="credit_uses", verbose_name=_("order")
    )
    kind = models.CharField(_("kind"), max_length=8, choices=CreditUseKind.choices)
    amount = models.DecimalField(
        _("amount"), **MONEY_FIELD, help_text=_("Negative when spent, positive when given back.")
    )
    spend_round = models.PositiveSmallIntegerField(_("round"), default=1, db_default=1, help_text=SPEND_ROUND_HELP)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("store credit use")
        verbose_name_plural = _("store credit uses")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["credit", "order", "kind", "spend_round"], name="credit_use_once_per_order_round"
            ),
            models.CheckConstraint(condition=~Q(amount=0), name="credit_use_not_zero"),
            models.CheckConstraint(condition=Q(spend_round__gte=1), name="credit_use_round_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.credit}: {format_money(self.amount)}"


# --- gift cards ("tarjetas de regalo") -------------------------------------------------------
#
# A gift card is money paid to the store in advance, owed to whoever holds its code (bearer),
# spent at checkout like store credit. It lives here, beside store credit, because both are a
# balance owed by the store: orders (above) spend and give it back directly, and a paid order's
# cards are issued through orders.ports.gift_cards_issue (plugged by checkout).
#
# SUNAT: SUNAT Informe N.° 097-2010-SUNAT/2B0000 (vales de consumo) holds that handing over a
# voucher that does not name the goods it buys, against payment of the sum it represents, is not
# subject to IGV (it represents money, not a "bien mueble") and needs no comprobante de pago; IGV
# and the receipt arise when the goods are transferred, i.e. when the holder spends it (the
# boleta then shows the goods' full price, IGV included). So a card's sale creates no receipt
# line, and redeeming one is a means of payment, not a discount: the goods' boleta keeps their
# full price as the IGV base. See docs/features/gift-cards.md.

GIFT_CARD_MIN = Decimal("50.00")
GIFT_CARD_MAX = Decimal("1000.00")
GIFT_CARD_MESSAGE_MAX = 300


class GiftCardStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting payment")  # sold in an order not paid yet: nothing to spend
    ACTIVE = "active", _("Active")
    VOIDED = "voided", _("Voided")


class GiftCard(models.Model):
    Status = GiftCardStatus

    number = models.CharField(
        _("number"),
        max_length=20,
        unique=True,
        editable=False,
        help_text=_("Staff reference; the code that spends the card is never shown here."),
    )
    # 16 characters from a 32-letter alphabet (80 bits), grouped in fours: not guessable, and
    # guessing is rate-limited too. Stored as typed (normalised) because it is e-mailed on the
    # delivery date, which may be months after the sale.
    code = models.CharField(_("code"), max_length=19, unique=True, editable=False)
    amount = models.DecimalField(_("amount"), **MONEY_FIELD)
    balance = models.DecimalField(_("balance"), **MONEY_FIELD)
    currency = models.CharField(_("currency"), max_length=3, default="PEN", editable=False)
    status = models.CharField(_("status"), max_length=8, choices=GiftCardStatus.choices, default=GiftCardStatus.ACTIVE)
    expires_at = models.DateTimeField(_("expires at"))
    created_at = models.DateTimeField(_("issued at"), default=timezone.now)
    # Sold: the order that paid for it. Issued by staff: who and why.
    order = models.ForeignKey(
        "orders.Order",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="gift_cards_sold",
        verbose_name=_("sold in order"),
    )
    order_line_index = models.PositiveSmallIntegerField(_("card of the order"), default=0)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    issue_reason = models.CharField(_("reason for issuing"), max_length=255, blank=True)
    # Given back for a guest's return: what gift cards paid of the order, on a new card to its e-mail.
    return_request = models.OneToOneField(
        "returns.ReturnRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="gift_card",
        verbose_name=_("return request"),
        help_text=_("The return this card was given for."),
    )
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("voided by"),
    )
    void_reason = models.CharField(_("reason for voiding"), max_length=255, blank=True)
    # Delivery by e-mail on the chosen date.
    recipient_name = models.CharField(_("recipient's name"), max_length=100)
    recipient_email = models.EmailField(_("recipient's e-mail"))
    sender_name = models.CharField(_("sender's name"), max_length=100)
    buyer_email = models.EmailField(_("buyer's e-mail"), blank=True)
    message = models.TextField(_("message"), max_length=GIFT_CARD_MESSAGE_MAX, blank=True)
    deliver_on = models.DateField(_("delivery date"))
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("gift card")
        verbose_name_plural = _("gift cards")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="gift_card_amount_positive"),
            models.CheckConstraint(
                condition=Q(balance__gte=0) & Q(balance__lte=F("amount")), name="gift_card_balance_within_amount"
            ),
            models.CheckConstraint(condition=Q(status="active") | Q(balance=0), name="gift_card_voided_empty"),
            models.UniqueConstraint(
                fields=["order", "order_line_index"],
                condition=Q(order__isnull=False),
                name="gift_card_once_per_order_line",
            ),
        ]
        indexes = [
            models.Index(fields=["deliver_on"], condition=Q(delivered_at__isnull=True), name="gift_card_to_deliver_idx")
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def masked_code(self) -> str:
        return f"••••-••••-••••-{self.code[-4:]}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_usable(self) -> bool:
        return self.status == GiftCardStatus.ACTIVE and self.balance > 0 and not self.is_expired


class GiftCardUseKind(models.TextChoices):
    SPEND = "spend", _("Spent on an order")
    RESTORE = "restore", _("Given back (order cancelled)")
    VOID = "void", _("Voided by staff")


class GiftCardUse(models.Model):
    """One movement of a card's balance (append-only): spent on an order (negative), given back
    when that order is cancelled (positive), or what was left when staff voided it (negative).
    Spends and restores count rounds per order as CreditUse does (a revived order spends again)."""

    card = models.ForeignKey(GiftCard, on_delete=models.PROTECT, related_name="uses", verbose_name=_("gift card"))
    order = models.ForeignKey(
        "orders.Order",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="gift_card_uses",
        verbose_name=_("order"),
    )
    kind = models.CharField(_("kind"), max_length=8, choices=GiftCardUseKind.choices)
    amount = models.DecimalField(
        _("amount"), **MONEY_FIELD, help_text=_("Negative when spent, positive when given back.")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    spend_round = models.PositiveSmallIntegerField(_("round"), default=1, db_default=1, help_text=SPEND_ROUND_HELP)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("gift card movement")
        verbose_name_plural = _("gift card movements")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["card", "order", "kind", "spend_round"],
                condition=Q(order__isnull=False),
                name="gift_card_use_once_per_order_round",
            ),
            models.UniqueConstraint(fields=["card"], condition=Q(kind="void"), name="gift_card_voided_once"),
            models.CheckConstraint(condition=~Q(amount=0), name="gift_card_use_not_zero"),
            models.CheckConstraint(condition=Q(spend_round__gte=1), name="gift_card_use_round_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.card}: {format_money(self.amount)}"
