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

MONEY = {"max_digits": 12, "decimal_places": 2}
ZERO = Decimal("0.00")




class StoreCredit(models.Model):
    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="store_credits",
                                 verbose_name=_("customer"))
    return_request = models.OneToOneField(
        "returns.ReturnRequest", on_delete=models.PROTECT, null=True, blank=True, related_name="store_credit",
        verbose_name=_("return request"), help_text=_("The return this credit was given for."))
    amount = models.DecimalField(_("amount"), **MONEY)
    balance = models.DecimalField(_("balance"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3, default="PEN", editable=False)
    expires_at = models.DateTimeField(_("expires at"))
    created_at = models.DateTimeField(_("issued at"), default=timezone.now)

    class Meta:
        verbose_name = _("store credit")
        verbose_name_plural = _("store credits")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="credit_amount_positive"),
            models.CheckConstraint(condition=Q(balance__gte=0) & Q(balance__lte=F("amount")),
                                   name="credit_balance_within_amount"),
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


class CreditUseKind(models.TextChoices):
    SPEND = "spend", _("Spent on an order")
    RESTORE = "restore", _("Given back (order cancelled)")


class CreditUse(models.Model):
    """One movement of a credit's balance: spent on an order (negative) or given back when that
    order is cancelled (positive). Once per (credit, order, kind): a replay writes nothing."""

    credit = models.ForeignKey(StoreCredit, on_delete=models.PROTECT, related_name="uses",
                               verbose_name=_("store credit"))
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="credit_uses",
                              verbose_name=_("order"))
    kind = models.CharField(_("kind"), max_length=8, choices=CreditUseKind.choices)
    amount = models.DecimalField(_("amount"), **MONEY, help_text=_("Negative when spent, positive when given back."))
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("store credit use")
        verbose_name_plural = _("store credit uses")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["credit", "order", "kind"], name="credit_use_once_per_order"),
            models.CheckConstraint(condition=~Q(amount=0), name="credit_use_not_zero"),
        ]

    def __str__(self) -> str:
        return f"{self.credit_id}: {self.amount}"
