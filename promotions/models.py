"""Promotions: coupons (a code the shopper types), automatic discounts (no code) and the
redemptions that count a coupon's uses (overall and per customer).

How they combine is stated once, in promotions.stacking. Every write goes through
promotions.services."""

from decimal import Decimal
from typing import Any, Self, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.money import MONEY_FIELD
from core.query_moment import Moment

ZERO = Decimal("0.00")
CODE_MAX_LENGTH = 40


class Scope(models.TextChoices):
    EVERYTHING = "everything", _("Everything")
    PRODUCTS = "products", _("Products")
    CATEGORIES = "categories", _("Categories (with their subcategories)")
    BRANDS = "brands", _("Brands")
    SELLERS = "sellers", _("Sellers")
    COLLECTIONS = "collections", _("Collections")


PromotionT = TypeVar("PromotionT", bound=models.Model)


class LiveQuerySet(models.QuerySet[PromotionT]):
    def live(self, now: Moment | None = None) -> Self:
        """Active and inside the validity window now (or at `now`: an instant, or a QueryMoment)."""
        now = now or timezone.now()
        return self.filter(is_active=True, starts_at__lte=now).filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))


class ScopedPromotion(models.Model):
    """What coupons and automatic discounts share: a validity window and the products they cover."""

    name = models.CharField(_("name"), max_length=120)
    scope = models.CharField(_("applies to"), max_length=12, choices=Scope.choices, default=Scope.EVERYTHING)
    products = models.ManyToManyField("catalog.Product", blank=True, related_name="+", verbose_name=_("products"))
    categories = models.ManyToManyField("catalog.Category", blank=True, related_name="+", verbose_name=_("categories"))
    brands = models.ManyToManyField("catalog.Brand", blank=True, related_name="+", verbose_name=_("brands"))
    sellers = models.ManyToManyField("accounts.Seller", blank=True, related_name="+", verbose_name=_("sellers"))
    collections = models.ManyToManyField(
        "catalog.Collection", blank=True, related_name="+", verbose_name=_("collections")
    )
    starts_at = models.DateTimeField(_("starts"), default=timezone.now)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True, help_text=_("Empty: no end."))
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = LiveQuerySet.as_manager()

    class Meta:
        abstract = True

    def clean(self) -> None:
        if self.ends_at and self.starts_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The end must come after the start.")})

    def is_live(self, now=None) -> bool:
        now = now or timezone.now()
        return self.is_active and self.starts_at <= now and (self.ends_at is None or now < self.ends_at)


class Coupon(ScopedPromotion):
    class Kind(models.TextChoices):
        PERCENTAGE = "percentage", _("Percentage")
        FIXED = "fixed", _("Fixed amount")
        FREE_SHIPPING = "free_shipping", _("Free shipping")

    code = models.CharField(
        _("code"), max_length=CODE_MAX_LENGTH, help_text=_("Letters, digits and hyphens; case does not matter.")
    )
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices, default=Kind.PERCENTAGE)
    value = models.DecimalField(
        _("value"),
        **MONEY_FIELD,
        default=ZERO,
        validators=[MinValueValidator(ZERO)],
        help_text=_("Percent for a percentage coupon, soles for a fixed one; ignored for free shipping."),
    )
    minimum_purchase = models.DecimalField(
        _("minimum purchase"),
        **MONEY_FIELD,
        default=ZERO,
        validators=[MinValueValidator(ZERO)],
        help_text=_("The products' total after automatic and kit discounts, IGV included."),
    )
    max_uses = models.PositiveIntegerField(_("maximum uses"), null=True, blank=True, help_text=_("Empty: unlimited."))
    max_uses_per_customer = models.PositiveIntegerField(
        _("maximum uses per customer"), null=True, blank=True, default=1, help_text=_("Empty: unlimited.")
    )
    first_order_only = models.BooleanField(_("first order only"), default=False)
    uses = models.PositiveIntegerField(_("uses"), default=0, editable=False)
    batch = models.CharField(_("batch"), max_length=60, blank=True, help_text=_("Codes generated together."))

    class Meta:
        verbose_name = _("coupon")
        verbose_name_plural = _("coupons")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(Upper("code"), name="promotions_coupon_code_unique_ci"),
            models.CheckConstraint(
                condition=Q(max_uses__isnull=True) | Q(uses__lte=F("max_uses")),
                name="promotions_coupon_uses_within_max",
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0) & Q(minimum_purchase__gte=0), name="promotions_coupon_amounts_not_negative"
            ),
            models.CheckConstraint(
                condition=~Q(kind="percentage") | Q(value__lte=100), name="promotions_coupon_percent_at_most_100"
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.code = normalize_code(self.code)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        self.code = normalize_code(self.code)
        if not self.code or not is_well_formed_code(self.code):
            raise ValidationError({"code": _("Use 3 to 40 letters, digits or hyphens.")})
        if self.kind == self.Kind.PERCENTAGE and not (ZERO < self.value <= 100):
            raise ValidationError({"value": _("A percentage goes from 0.01 to 100.")})
        if self.kind == self.Kind.FIXED and self.value <= 0:
            raise ValidationError({"value": _("Enter the amount in soles.")})

    @property
    def uses_left(self) -> int | None:
        return None if self.max_uses is None else max(self.max_uses - self.uses, 0)


def normalize_code(raw) -> str:
    return str(raw or "").strip().upper()


def is_well_formed_code(code: str) -> bool:
    return 3 <= len(code) <= CODE_MAX_LENGTH and all(c.isascii() and (c.isalnum() or c == "-") for c in code)


class CouponRedemption(models.Model):
    """One use of a coupon by one order, taken in the order's transaction; released (and the
    use given back) when the order is cancelled before it was paid."""

    coupon = models.ForeignKey(Coupon, on_delete=models.PROTECT, related_name="redemptions", verbose_name=_("coupon"))
    order = models.OneToOneField(
        "orders.Order", on_delete=models.CASCADE, related_name="coupon_redemption", verbose_name=_("order")
    )
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("customer"),
    )
    email = models.EmailField(_("e-mail"))
    amount = models.DecimalField(_("discount given"), **MONEY_FIELD, default=ZERO)
    created_at = models.DateTimeField(_("redeemed at"), default=timezone.now)
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)

    class Meta:
        verbose_name = _("coupon redemption")
        verbose_name_plural = _("coupon redemptions")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["coupon", "customer"], name="promo_redemption_cust_idx"),
            models.Index(fields=["coupon", "email"], name="promo_redemption_email_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.coupon.code} · {self.order}"

    @property
    def is_released(self) -> bool:
        return self.released_at is not None


class AutomaticDiscount(ScopedPromotion):
    """A price cut without a code, shown on listings, the product page and the cart."""

    class Kind(models.TextChoices):
        PERCENTAGE = "percentage", _("Percentage")
        FIXED = "fixed", _("Fixed amount per unit")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PERCENTAGE)
    value = models.DecimalField(_("value"), **MONEY_FIELD, validators=[MinValueValidator(Decimal("0.01"))])
    priority = models.SmallIntegerField(
        _("priority"),
        default=0,
        validators=[MinValueValidator(-100), MaxValueValidator(100)],
        help_text=_("When two discounts give a product the same price, the higher priority is the one named."),
    )

    class Meta:
        verbose_name = _("automatic discount")
        verbose_name_plural = _("automatic discounts")
        ordering = ["-priority", "-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(value__gt=0), name="promotions_discount_value_positive"),
            models.CheckConstraint(
                condition=~Q(kind="percentage") | Q(value__lte=100), name="promotions_discount_percent_at_most_100"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.kind == self.Kind.PERCENTAGE and self.value is not None and self.value > 100:
            raise ValidationError({"value": _("A percentage goes from 0.01 to 100.")})


class DiscountTarget(models.Model):
    """The products a discount of a limited scope covers, kept by promotions.services (a
    category scope includes its subcategories): the cart finds a line's discounts with one
    indexed look-up instead of walking every scope."""

    discount = models.ForeignKey(AutomaticDiscount, on_delete=models.CASCADE, related_name="targets")
    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("discounted product")
        verbose_name_plural = _("discounted products")
        constraints = [models.UniqueConstraint(fields=["product", "discount"], name="promotions_target_unique")]

    def __str__(self) -> str:
        return f"{self.discount} · {self.product}"


class QuantityOffer(ScopedPromotion):
    """An offer on how many units are bought ("3x2", "2do al 50 %", "lleva 2, llévate un regalo"),
    scoped and windowed like the other promotions. Where it sits among the discounts is stated in
    promotions.stacking (step 2: on the prices after the automatic discount, kits' lines left out)."""

    class Kind(models.TextChoices):
        BUY_N_PAY_M = "buy_n_pay_m", _("Buy N, pay M (3x2)")
        NTH_UNIT_PERCENT = "nth_unit_percent", _("The Nth unit at a percentage off (2nd at 50 %)")
        BUY_X_GET_GIFT = "buy_x_get_gift", _("Buy X, get a gift product")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.BUY_N_PAY_M)
    buy_quantity = models.PositiveSmallIntegerField(
        _("units bought"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=_("N in “N for M”, the Nth unit, or the X units that earn the gift."),
    )
    pay_quantity = models.PositiveSmallIntegerField(
        _("units paid"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Only for “buy N, pay M”: M, at least 1 and less than N."),
    )
    percent = models.DecimalField(
        _("percentage off"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Only for “the Nth unit”: from 1 to 100."),
    )
    gift_variant = models.ForeignKey(
        "catalog.Variant",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("gift"),
        help_text=_("Only for “buy X, get a gift”: the variant given free."),
    )
    gift_quantity = models.PositiveSmallIntegerField(
        _("gift units"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("Units of the gift given for every X units bought."),
    )
    priority = models.SmallIntegerField(
        _("priority"),
        default=0,
        validators=[MinValueValidator(-100), MaxValueValidator(100)],
        help_text=_("When two offers cover a product, the higher priority is the one that applies."),
    )

    class Meta:
        verbose_name = _("quantity offer")
        verbose_name_plural = _("quantity offers")
        ordering = ["-priority", "-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="buy_n_pay_m") | (Q(pay_quantity__gte=1) & Q(pay_quantity__lt=F("buy_quantity"))),
                name="promotions_qoffer_pay_below_buy",
            ),
            models.CheckConstraint(
                condition=~Q(kind="nth_unit_percent")
                | (Q(percent__gte=1) & Q(percent__lte=100) & Q(buy_quantity__gte=2)),
                name="promotions_qoffer_percent_range",
            ),
            models.CheckConstraint(
                condition=~Q(kind="buy_x_get_gift") | Q(gift_variant__isnull=False), name="promotions_qoffer_gift_set"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        n = self.buy_quantity or 0
        if self.kind == self.Kind.BUY_N_PAY_M:
            if n < 2:
                raise ValidationError({"buy_quantity": _("Buy N, pay M needs N of 2 or more.")})
            if self.pay_quantity is None or not 1 <= self.pay_quantity < n:
                raise ValidationError(
                    {"pay_quantity": _("The units paid go from 1 to one less than the units bought.")}
                )
        elif self.kind == self.Kind.NTH_UNIT_PERCENT:
            if n < 2:
                raise ValidationError({"buy_quantity": _("The discounted unit is the 2nd or a later one.")})
            if self.percent is None or not 1 <= self.percent <= 100:
                raise ValidationError({"percent": _("A percentage goes from 1 to 100.")})
        elif self.kind == self.Kind.BUY_X_GET_GIFT and self.gift_variant_id is None:
            raise ValidationError({"gift_variant": _("Choose the gift product.")})

    @property
    def badge(self) -> str:
        """What a card and the product page show: "3x2", "2do al 50 %", "Con regalo"."""
        from .breakdown import quantity_offer_badge

        return quantity_offer_badge(self)


class QuantityOfferTarget(models.Model):
    """The products an offer of a limited scope covers, kept by promotions.services like
    DiscountTarget (one indexed look-up for the cart's lines)."""

    offer = models.ForeignKey(QuantityOffer, on_delete=models.CASCADE, related_name="targets")
    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("product of a quantity offer")
        verbose_name_plural = _("products of quantity offers")
        constraints = [models.UniqueConstraint(fields=["product", "offer"], name="promotions_qoffer_target_unique")]

    def __str__(self) -> str:
        return f"{self.offer} · {self.product}"
