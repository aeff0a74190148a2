"""Shipping methods, the zones they serve and their prices by weight band.

A method (Olva Courier Lima, Shalom, Serpost, in-store pickup) has rates; a rate is a price
for one zone and one weight band. Which zone an address falls in, and so which rate applies,
is decided by `shipping.selectors` (see `ShippingZone` for the rule).
"""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Expression, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts import ubigeo
from accounts.models import Department
from core.history import HistoricalRecords
from core.models import AppendOnlyModel

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
    pickup_address = models.CharField(
        _("pickup address"), max_length=255, blank=True, help_text=_("In-store pickup: where the shopper collects.")
    )
    pickup_hours = models.CharField(
        _("pickup opening hours"), max_length=255, blank=True, help_text=_("In-store pickup: when the store is open.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

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
    SPECIFICITY: dict[str, int] = {Kind.LIMA_METROPOLITANA: 3, Kind.DEPARTMENTS: 2, Kind.PROVINCES: 1}

    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    departments = models.JSONField(
        _("departments"), default=list, blank=True, help_text=_("INEI department codes, for a zone of departments.")
    )

    history = HistoricalRecords()

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


class ShippingRateQuerySet(models.QuerySet["ShippingRate"]):
    def taking(self, weight_kg: "Decimal | Expression") -> "ShippingRateQuerySet":
        """The rates whose band takes a parcel of that weight: ShippingRate.takes() as a filter,
        so checkout reads only those rows (the two are tested to agree). The weight may be a
        core.compiled_query.Slot: the first band's own 0 kg is a term of the filter, not a branch on
        the weight (for a weight above 0 that term takes nothing the first one does not)."""
        return self.filter(
            Q(weight_from__lt=weight_kg, weight_to__gte=weight_kg) | Q(weight_from=0, weight_to__gte=weight_kg)
        )


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

    history = HistoricalRecords()
    objects = ShippingRateQuerySet.as_manager()

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
        stored = (
            ShippingRate.objects.filter(method_id=self.method_id, zone_id=self.zone_id)
            if self.method_id and self.zone_id
            else []
        )
        self.check_band(stored)

    def check_band(self, others) -> None:
        """The band's rules: it ends above where it starts, pickup is free, and it overlaps none of
        `others` (the method and zone's stored rates, or the rates being made with it)."""
        if self.weight_to is None or self.weight_from is None:
            return
        if self.weight_to <= self.weight_from:
            raise ValidationError({"weight_to": _("The band must end above where it starts.")})
        # An inline's unsaved method is attached to the rate but has no id yet.
        method = self.method if self.method_id or ShippingRate.method.is_cached(self) else None
        if method is not None and method.is_pickup and self.price is not None and self.price != 0:
            raise ValidationError({"price": _("In-store pickup is free: its price must be 0.")})
        overlapping = self.overlapping(others)
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
        """Whether a parcel of that weight falls in this band (half-open, the first band takes 0 kg too);
        ShippingRateQuerySet.taking() is the same rule for the database."""
        return self.weight_from < weight_kg <= self.weight_to or (weight_kg == 0 and self.weight_from == 0)


class ShipmentStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    PACKED = "packed", _("Packed")
    READY_FOR_PICKUP = "ready_for_pickup", _("Ready for pickup")
    SHIPPED = "shipped", _("Shipped")
    IN_TRANSIT = "in_transit", _("In transit")
    DELIVERED = "delivered", _("Delivered")
    DELIVERY_FAILED = "delivery_failed", _("Delivery failed")
    RETURNED = "returned", _("Returned to sender")
    CANCELLED = "cancelled", pgettext_lazy("shipment status", "Cancelled")  # "Anulado": an envío


# The only steps a shipment takes; shipping.services checks every change against it. A pickup
# leg goes packed → ready for pickup → delivered (collected) instead of through a carrier.
SHIPMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    ShipmentStatus.PENDING: frozenset({ShipmentStatus.PACKED, ShipmentStatus.CANCELLED}),
    ShipmentStatus.PACKED: frozenset(
        {ShipmentStatus.SHIPPED, ShipmentStatus.READY_FOR_PICKUP, ShipmentStatus.PENDING, ShipmentStatus.CANCELLED}
    ),
    ShipmentStatus.READY_FOR_PICKUP: frozenset({ShipmentStatus.DELIVERED, ShipmentStatus.RETURNED}),
    ShipmentStatus.SHIPPED: frozenset(
        {ShipmentStatus.IN_TRANSIT, ShipmentStatus.DELIVERED, ShipmentStatus.DELIVERY_FAILED}
    ),
    ShipmentStatus.IN_TRANSIT: frozenset({ShipmentStatus.DELIVERED, ShipmentStatus.DELIVERY_FAILED}),
    ShipmentStatus.DELIVERY_FAILED: frozenset(
        {ShipmentStatus.IN_TRANSIT, ShipmentStatus.DELIVERED, ShipmentStatus.RETURNED}
    ),
    ShipmentStatus.DELIVERED: frozenset(),
    ShipmentStatus.RETURNED: frozenset(),
    ShipmentStatus.CANCELLED: frozenset(),
}

# Statuses of a leg that has left the warehouse (or been handed to the shopper's pickup counter).
LEFT_WAREHOUSE = frozenset(
    {
        ShipmentStatus.READY_FOR_PICKUP,
        ShipmentStatus.SHIPPED,
        ShipmentStatus.IN_TRANSIT,
        ShipmentStatus.DELIVERED,
        ShipmentStatus.DELIVERY_FAILED,
        ShipmentStatus.RETURNED,
    }
)
NOT_YET_SHIPPED = frozenset({ShipmentStatus.PENDING, ShipmentStatus.PACKED})

SHIPMENT_TONES: dict[str, str] = {
    ShipmentStatus.PENDING: "warning",
    ShipmentStatus.PACKED: "info",
    ShipmentStatus.READY_FOR_PICKUP: "brand",
    ShipmentStatus.SHIPPED: "brand",
    ShipmentStatus.IN_TRANSIT: "brand",
    ShipmentStatus.DELIVERED: "success",
    ShipmentStatus.DELIVERY_FAILED: "danger",
    ShipmentStatus.RETURNED: "muted",
    ShipmentStatus.CANCELLED: "muted",
}


class Shipment(models.Model):
    """One warehouse leg of a paid order: the units sold from that warehouse, in one parcel.

    Created by shipping.services.shipments_create_for_order when the order is paid; a leg
    may be split (shipment_split) to ship part of it now and the rest later.
    """

    order = models.ForeignKey(
        "orders.Order",
        on_delete=models.PROTECT,
        related_name="shipments",
        verbose_name=pgettext_lazy("purchase order", "order"),
    )
    warehouse = models.ForeignKey(
        "inventory.Warehouse", on_delete=models.PROTECT, related_name="shipments", verbose_name=_("warehouse")
    )
    method = models.ForeignKey(
        ShippingMethod,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="shipments",
        verbose_name=_("shipping method"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ShipmentStatus.choices, default=ShipmentStatus.PENDING, db_index=True
    )
    carrier = models.CharField(_("carrier"), max_length=20, choices=Carrier.choices, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=40, blank=True)
    tracking_url = models.URLField(_("tracking URL"), max_length=300, blank=True)
    label_url = models.URLField(_("label URL"), max_length=300, blank=True)
    is_dropship = models.BooleanField(
        _("dropshipping"), default=False, help_text=_("Shipped by the supplier or seller, not by our warehouse.")
    )
    supplier_confirmed_at = models.DateTimeField(
        _("confirmed by the supplier at"),
        null=True,
        blank=True,
        help_text=_("A dropshipping leg ships only after its supplier confirms it has the units."),
    )
    ship_by = models.DateField(_("ship by"), help_text=_("The promised business days to ship end this day."))
    estimated_from = models.DateField(_("estimated delivery from"), null=True, blank=True)
    estimated_to = models.DateField(_("estimated delivery until"), null=True, blank=True)
    packed_at = models.DateTimeField(_("packed at"), null=True, blank=True)
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True, db_index=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        ordering = ["ship_by", "pk"]
        indexes = [
            models.Index(fields=["status", "ship_by"], name="shipping_shipment_due_idx"),
            models.Index(fields=["warehouse", "status"], name="shipping_shipment_wh_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(tracking_number="") | ~Q(carrier=Carrier.PICKUP),
                name="shipping_shipment_no_tracking_on_pickup",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference}"

    @property
    def reference(self) -> str:
        """What people call it: the order number and the leg, e.g. PED-20261122-0007 · E12."""
        return f"{self.order.number} · E{self.pk}" if self.order_id and self.pk else str(_("new shipment"))

    @property
    def status_tone(self) -> str:
        return SHIPMENT_TONES.get(self.status, "muted")

    @property
    def is_pickup(self) -> bool:
        return self.carrier == Carrier.PICKUP

    @property
    def has_left_warehouse(self) -> bool:
        return self.status in LEFT_WAREHOUSE

    @property
    def awaits_supplier(self) -> bool:
        return self.is_dropship and self.supplier_confirmed_at is None

    def is_overdue(self, today: date | None = None) -> bool:
        return self.status in NOT_YET_SHIPPED and self.ship_by < (today or timezone.localdate())

    def can_transition_to(self, status: str) -> bool:
        return status in SHIPMENT_TRANSITIONS.get(self.status, frozenset())


class ShipmentLine(models.Model):
    """Units of one order line in one shipment. Across the shipments of an order that are not
    cancelled, a line's quantities never add up to more than the line sold (services check it
    under the order's lock); delivered quantities per order line are what returns read.

    A bundle whose parts left two warehouses ships as part lines: each carries one component
    (`part`) of the bundle's order line, in component units, in the leg of the warehouse that
    holds it; the bundle is delivered once all its parts are."""

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="lines", verbose_name=_("shipment"))
    order_line = models.ForeignKey(
        "orders.OrderLine", on_delete=models.PROTECT, related_name="shipment_lines", verbose_name=_("order line")
    )
    part = models.ForeignKey(
        "catalog.Variant",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bundle part"),
        help_text=_(
            "Only this component of the bundle, in its units: the bundle's other parts ship from another warehouse."
        ),
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    # Not a column: shipping.selectors.shipments_for_slips sets it for the packing slip to print.
    bin_location: str

    class Meta:
        verbose_name = _("shipment line")
        verbose_name_plural = _("shipment lines")
        ordering = ["order_line_id", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="shipping_shipmentline_quantity_positive"),
            models.UniqueConstraint(
                fields=["shipment", "order_line"],
                condition=Q(part__isnull=True),
                name="shipping_shipmentline_unique_line",
            ),
            models.UniqueConstraint(
                fields=["shipment", "order_line", "part"],
                condition=Q(part__isnull=False),
                name="shipping_shipmentline_unique_part",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.sku}"

    @property
    def variant_id(self) -> int:
        """The variant taken off the shelf: the part, or the order line's."""
        return self.part_id or self.order_line.variant_id

    @property
    def sku(self) -> str:
        return self.part.sku if self.part is not None else self.order_line.sku

    @property
    def product_name(self) -> str:
        if self.part is None:
            return self.order_line.product_name
        return _("%(part)s (part of %(bundle)s)") % {
            "part": self.part.product.name,
            "bundle": self.order_line.product_name,
        }

    @property
    def options(self) -> str:
        return "" if self.part_id else self.order_line.options


class ShipmentEvent(AppendOnlyModel):
    """One row per status change of a shipment, never edited: who, when, from what to what."""

    append_only_message = "The shipment history is append-only."

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="events", verbose_name=_("shipment"))
    from_status = models.CharField(_("from"), max_length=20, choices=ShipmentStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=ShipmentStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("shipment event")
        verbose_name_plural = _("shipment events")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_from_status_display() or '—'} → {self.get_to_status_display()}"


class WarehouseOperator(models.Model):
    """A warehouse staff member assigned to a warehouse: an operator with assignments sees and
    works only the legs of those warehouses in the shipments admin (none: every warehouse)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="warehouse_assignments",
        verbose_name=_("user"),
    )
    warehouse = models.ForeignKey(
        "inventory.Warehouse", on_delete=models.CASCADE, related_name="operators", verbose_name=_("warehouse")
    )

    class Meta:
        verbose_name = _("warehouse assignment")
        verbose_name_plural = _("warehouse assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "warehouse"], name="shipping_operator_unique_assignment")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.warehouse}"
