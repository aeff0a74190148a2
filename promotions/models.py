"""Promotions: coupons (a code the shopper types), automatic discounts (no code) and the
redemptions that count a coupon's uses (overall and per customer).

How they combine is stated once, in promotions.stacking. Every write goes through
promotions.services."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

ZERO = Decimal("0.00")
money_field = {"max_digits": 12, "decimal_places": 2}
CODE_MAX_LENGTH = 40


class Scope(models.TextChoices):
    EVERYTHING = "everything", _("Everything")
    PRODUCTS = "products", _("Products")
    CATEGORIES = "categories", _("Categories (with their subcategories)")
    BRANDS = "brands", _("Brands")
    SELLERS = "sellers", _("Sellers")
    COLLECTIONS = "collections", _("Collections")


class LiveQuerySet(models.QuerySet):
    def live(self, now=None):
        """Active and inside the validity window now."""
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
        _("value"), **money_field, default=ZERO, validators=[MinValueValidator(ZERO)],
        help_text=_("Percent for a percentage coupon, soles for a fixed one; ignored for free shipping."),
    )
    minimum_purchase = models.DecimalField(
        _("minimum purchase"), **money_field, default=ZERO, validators=[MinValueValidator(ZERO)],
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
            models.CheckConstraint(condition=Q(max_uses__isnull=True) | Q(uses__lte=F("max_uses")),
                                   name="promotions_coupon_uses_within_max"),
            models.CheckConstraint(condition=Q(value__gte=0) & Q(minimum_purchase__gte=0),
                                   name="promotions_coupon_amounts_not_negative"),
            models.CheckConstraint(condition=~Q(kind="percentage") | Q(value__lte=100),
                                   name="promotions_coupon_percent_at_most_100"),
        ]

    def __str__(self) -> str:
        return self.code

    def save(self, *args, **kwargs):
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
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("customer"),
    )
    email = models.EmailField(_("e-mail"))
    amount = models.DecimalField(_("discount given"), **money_field, default=ZERO)
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
    value = models.DecimalField(_("value"), **money_field, validators=[MinValueValidator(Decimal("0.01"))])
    priority = models.SmallIntegerField(
        _("priority"), default=0, validators=[MinValueValidator(-100), MaxValueValidator(100)],
        help_text=_("When two discounts give a product the same price, the higher priority is the one named."),
    )

    class Meta:
        verbose_name = _("automatic discount")
        verbose_name_plural = _("automatic discounts")
        ordering = ["-priority", "-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(value__gt=0), name="promotions_discount_value_positive"),
            models.CheckConstraint(condition=~Q(kind="percentage") | Q(value__lte=100),
                                   name="promotions_discount_percent_at_most_100"),
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
