"""Shipping methods, the zones they serve and their prices by weight band.

A method (Olva Courier Lima, Shalom, Serpost, in-store pickup) has rates; a rate is a price
for one zone and one weight band. Which zone an address falls in, and so which rate applies,
is decided by `shipping.selectors` (see `ShippingZone` for the rule).
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts import ubigeo
from accounts.models import Department

ZERO = Decimal("0.00")


class Carrier(models.TextChoices):
    OLVA = "olva", "Olva Courier"
    SHALOM = "shalom", "Shalom"
    SERPOST = "serpost", "Serpost"
    PICKUP = "pickup", _("In-store pickup")


class ShippingMethod(models.Model):
    """A way to get an order to the shopper, shown at checkout where one of its rates applies."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    carrier = models.CharField(_("carrier"), max_length=20, choices=Carrier.choices)
    description = models.TextField(_("description"), blank=True, help_text=_("Shown to the shopper at checkout."))
    min_days = models.PositiveSmallIntegerField(
        _("estimated days (minimum)"),
        help_text=_("Business days (Sundays and public holidays excluded) until delivery, or until ready for pickup."),
    )
    max_days = models.PositiveSmallIntegerField(_("estimated days (maximum)"))
    free_shipping_threshold = models.DecimalField(
        _("free shipping from"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO)],
        help_text=_("Orders whose subtotal (IGV included) reaches this amount ship free. Empty: never free."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("shipping method")
        verbose_name_plural = _("shipping methods")
        ordering = ["order", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(max_days__gte=F("min_days")), name="shipping_method_days_range"),
            models.CheckConstraint(
                condition=Q(free_shipping_threshold__isnull=True) | Q(free_shipping_threshold__gte=0),
                name="shipping_method_free_threshold_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_pickup(self) -> bool:
        return self.carrier == Carrier.PICKUP

    def clean(self) -> None:
        super().clean()
        if self.min_days is not None and self.max_days is not None and self.max_days < self.min_days:
            raise ValidationError({"max_days": _("The maximum cannot be less than the minimum.")})


class ShippingZone(models.Model):
    """Where rates apply. An address may fall in several zones; the most specific one wins:

    1. Lima Metropolitana: Lima province (ubigeo 1501) and the Constitutional Province of
       Callao (07), one metropolitan area that couriers price as one city;
    2. a set of departments: every address in them, Lima Metropolitana included when
       department 15 or 07 is listed;
    3. provinces: the rest of Peru, every address outside Lima Metropolitana ("provincias").
    """

    class Kind(models.TextChoices):
        LIMA_METROPOLITANA = "lima_metropolitana", _("Lima Metropolitana (Lima province and Callao)")
        DEPARTMENTS = "departments", _("Departments")
        PROVINCES = "provinces", _("Provinces (all of Peru outside Lima Metropolitana)")

    # Higher wins when an address falls in several zones of the same method.
    SPECIFICITY = {Kind.LIMA_METROPOLITANA: 3, Kind.DEPARTMENTS: 2, Kind.PROVINCES: 1}

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    departments = models.JSONField(
        _("departments"), default=list, blank=True, help_text=_("INEI department codes, for a zone of departments.")
    )

    class Meta:
        verbose_name = _("shipping zone")
        verbose_name_plural = _("shipping zones")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.kind == self.Kind.DEPARTMENTS:
            codes = self.departments if isinstance(self.departments, list) else []
            if not codes:
                raise ValidationError({"departments": _("Choose at least one department.")})
            if any(ubigeo.department(code) is None for code in codes):
                raise ValidationError({"departments": _("Choose departments from the list.")})
            self.departments = sorted(set(codes))
        else:
            self.departments = []

    @property
    def specificity(self) -> int:
        return self.SPECIFICITY[self.kind]

    def department_names(self) -> list[str]:
        return [Department(code).label for code in self.departments]

    def covers(self, *, department: str, province: str) -> bool:
        """Whether an address (INEI department and province codes) falls in this zone."""
        in_lima_metropolitana = ubigeo.is_lima_metropolitana(department, province)
        if self.kind == self.Kind.LIMA_METROPOLITANA:
            return in_lima_metropolitana
        if self.kind == self.Kind.DEPARTMENTS:
            return department in self.departments
        return not in_lima_metropolitana


class ShippingRate(models.Model):
    """The price of a method in a zone for parcels over `weight_from` and up to `weight_to` kg.

    Bands are half-open, (from, to]: "1 to 5 kg" takes 1.001 kg to 5 kg, and a parcel of
    exactly 1 kg falls in the band below. The first band starts at 0 and also takes 0 kg.
    Bands of one method and zone never overlap: clean() says so on the form and, on
    PostgreSQL, an exclusion constraint (migration 0002) makes it hold under any write.
    """

    method = models.ForeignKey(
        ShippingMethod, on_delete=models.CASCADE, related_name="rates", verbose_name=_("shipping method")
    )
    zone = models.ForeignKey(ShippingZone, on_delete=models.PROTECT, related_name="rates", verbose_name=_("zone"))
    weight_from = models.DecimalField(
        _("over (kg)"), max_digits=7, decimal_places=3, default=Decimal("0"), validators=[MinValueValidator(0)]
    )
    weight_to = models.DecimalField(_("up to (kg)"), max_digits=7, decimal_places=3)
    price = models.DecimalField(
        _("price (IGV included)"), max_digits=10, decimal_places=2, validators=[MinValueValidator(ZERO)]
    )

    class Meta:
        verbose_name = _("shipping rate")
        verbose_name_plural = _("shipping rates")
        ordering = ["method", "zone", "weight_from"]
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=0), name="shipping_rate_price_not_negative"),
            models.CheckConstraint(condition=Q(weight_from__gte=0), name="shipping_rate_weight_from_not_negative"),
            models.CheckConstraint(condition=Q(weight_to__gt=F("weight_from")), name="shipping_rate_weight_band"),
        ]

    def __str__(self) -> str:
        return f"{self.method} · {self.zone} · {self.band_label}"

    def clean(self) -> None:
        super().clean()
        if self.weight_to is None or self.weight_from is None:
            return
        if self.weight_to <= self.weight_from:
            raise ValidationError({"weight_to": _("The band must end above where it starts.")})
        # An inline's unsaved method is attached to the rate but has no id yet.
        method = self.method if self.method_id or ShippingRate.method.is_cached(self) else None
        if method is not None and method.is_pickup and self.price is not None and self.price != 0:
            raise ValidationError({"price": _("In-store pickup is free: its price must be 0.")})
        if self.method_id and self.zone_id:
            overlapping = self.overlapping(ShippingRate.objects.filter(method_id=self.method_id, zone_id=self.zone_id))
            if overlapping:
                raise ValidationError(
                    _("This band overlaps %(band)s of the same method and zone."),
                    code="overlapping_band",
                    params={"band": overlapping[0].band_label},
                )

    def overlapping(self, rates) -> list["ShippingRate"]:
        """The rates among `rates` (other rows or unsaved forms) whose band overlaps this one."""
        return [
            rate
            for rate in rates
            if rate is not self
            and (rate.pk is None or rate.pk != self.pk)
            and rate.weight_from < self.weight_to
            and self.weight_from < rate.weight_to
        ]

    @property
    def band_label(self) -> str:
        return f"{self.weight_from.normalize():f}–{self.weight_to.normalize():f} kg"

    def takes(self, weight_kg: Decimal) -> bool:
        """Whether a parcel of that weight falls in this band."""
        return self.weight_from < weight_kg <= self.weight_to or (weight_kg == 0 and self.weight_from == 0)
