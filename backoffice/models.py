"""Marketplace money: the commission each seller pays on what they sell.

A seller's rate (accounts.Seller.commission_rate) applies unless a category override says
otherwise; when an order is paid, each seller line keeps a snapshot of the rate and amount
(LineCommission), so later rate changes never rewrite what was earned."""

from decimal import Decimal
from typing import TypedDict

from django.core.validators import BaseValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.money import MONEY_FIELD, format_money


class RateDigits(TypedDict):
    max_digits: int
    decimal_places: int
    validators: list[BaseValidator]


# A commission rate in percent (0 to 100): DecimalField(_("rate"), **rate_field).
rate_field: RateDigits = {
    "max_digits": 5,
    "decimal_places": 2,
    "validators": [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
}


class CategoryCommission(models.Model):
    """A commission rate for a category (and its subcategories), for one seller or for every seller."""

    category = models.ForeignKey(
        "catalog.Category", on_delete=models.CASCADE, related_name="commissions", verbose_name=_("category")
    )
    seller = models.ForeignKey(
        "accounts.Seller",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="category_commissions",
        verbose_name=_("seller"),
        help_text=_("Empty: every seller without a rate of their own for this category."),
    )
    rate = models.DecimalField(_("commission rate (%)"), **rate_field)

    class Meta:
        verbose_name = _("category commission")
        verbose_name_plural = _("category commissions")
        ordering = ["category__name", "seller__store_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "seller"],
                condition=Q(seller__isnull=False),
                name="backoffice_category_commission_once_per_seller",
            ),
            models.UniqueConstraint(
                fields=["category"],
                condition=Q(seller__isnull=True),
                name="backoffice_category_commission_once_for_all",
            ),
            models.CheckConstraint(
                condition=Q(rate__gte=0) & Q(rate__lte=100), name="backoffice_category_commission_rate_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category} · {self.seller or _('every seller')} · {self.rate} %"


class LineCommission(models.Model):
    """The commission of one paid seller line, as it was when the order was paid (never edited)."""

    class Source(models.TextChoices):
        SELLER = "seller", _("Seller's rate")
        CATEGORY = "category", _("Category rate")

    order_line = models.OneToOneField(
        "orders.OrderLine",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="commission",
        verbose_name=_("order line"),
    )
    seller = models.ForeignKey(
        "accounts.Seller", on_delete=models.PROTECT, related_name="line_commissions", verbose_name=_("seller")
    )
    rate = models.DecimalField(_("commission rate (%)"), **rate_field)
    source = models.CharField(_("rate from"), max_length=10, choices=Source.choices)
    base = models.DecimalField(_("paid amount"), **MONEY_FIELD)
    amount = models.DecimalField(_("commission"), **MONEY_FIELD)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("line commission")
        verbose_name_plural = _("line commissions")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0) & Q(amount__lte=models.F("base")),
                name="backoffice_line_commission_within_base",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_line.order} · {self.order_line} · {self.rate} % · {format_money(self.amount)}"
