"""Inventory data: warehouses, stock levels, the movements ledger, reservations,
suppliers and purchase orders (OC-YYYY-NNN; receiving one writes receipt movements).

Stock changes only through inventory.services; these models keep the invariants that
belong to one row (CHECK constraints) and refuse edits of the append-only ledger.
"""

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, TypedDict, cast

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.fields import IdentityField
from accounts.validators import validate_ruc
from core.history import HistoricalRecords
from core.models import AppendOnlyModel
from core.money import MONEY_FIELD, same_cents
from core.query_moment import Moment

from .exceptions import LedgerIsAppendOnly

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
IGV_RATE = Decimal("0.18")


def money(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


class Warehouse(models.Model):
    class Kind(models.TextChoices):
        OWN = "own", _("Own warehouse")
        DROPSHIPPING = "dropshipping", _("Dropshipping supplier")
        # A marketplace seller's: they hold the units and pack and ship them (the store does not).
        SELLER = "seller", _("Seller's warehouse")

    code = models.CharField(_("code"), max_length=20, unique=True, help_text=_("Short code, e.g. LIM-CENTRAL."))
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.OWN)
    seller = models.ForeignKey(
        "accounts.Seller",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="warehouses",
        verbose_name=_("seller"),
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    # What a guía de remisión names as the point of departure or arrival (despatch): SUNAT wants
    # the INEI ubigeo and, for the store's own premises, their code as registered in the RUC.
    ubigeo = models.CharField(
        _("ubigeo"),
        max_length=6,
        blank=True,
        validators=[RegexValidator(r"^\d{6}$", _("Six digits, INEI's code of the district."))],
        help_text=_("INEI code of the district (six digits), printed on the guías de remisión."),
    )
    establishment_code = models.CharField(
        _("SUNAT establishment code"),
        max_length=4,
        default="0000",
        blank=True,
        validators=[RegexValidator(r"^\d{4}$", _("Four digits, as registered in the RUC."))],
        help_text=_("The annex (establecimiento anexo) code registered in the RUC; 0000 is the fiscal address."),
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), default=100, help_text=_("Reservations take stock from lower numbers first.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")
        ordering = ["priority", "code"]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"


if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class Availability(TypedDict):
    """What StockLevelQuerySet.with_availability adds to each stock level."""

    reserved_units: int
    available_units: int


def reserved_subquery(*, stock_level_ref: OuterRef = OuterRef("pk"), now: Moment | None = None) -> Coalesce:
    """Units held by active unexpired reservations of one stock level (0 when none); reads the
    partial index inventory_res_active_idx only. `now` may be a QueryMoment (a query compiled once)."""
    held = (
        Reservation.objects.filter(
            stock_level_id=stock_level_ref, status=Reservation.Status.ACTIVE, expires_at__gt=now or timezone.now()
        )
        .order_by()
        .values("stock_level_id")
        .annotate(total=Sum("quantity"))
        .values("total")
    )
    return Coalesce(Subquery(held, output_field=IntegerField()), Value(0))


def available_expression() -> Greatest:
    """On a queryset annotated with reserved_units: max(on_hand − reserved, 0)."""
    return Greatest(F("on_hand") - F("reserved_units"), Value(0))


class StockLevelQuerySet(models.QuerySet["StockLevel"]):
    def with_availability(
        self, now: datetime | None = None
    ) -> "models.QuerySet[WithAnnotations[StockLevel, Availability]]":
        """Annotate reserved_units (active unexpired reservations) and available_units."""
        annotated = self.annotate(reserved_units=reserved_subquery(now=now)).annotate(
            available_units=available_expression()
        )
        # The expressions' output is an integer, which the checker cannot read from them.
        return cast("models.QuerySet[WithAnnotations[StockLevel, Availability]]", annotated)


class StockLevel(models.Model):
    """What one warehouse holds of one variant. on_hand changes only through movements."""

    variant = models.ForeignKey(
        "catalog.Variant", on_delete=models.PROTECT, related_name="stock_levels", verbose_name=_("variant")
    )
    warehouse = models.ForeignKey(
        Warehouse, on_delete=models.PROTECT, related_name="stock_levels", verbose_name=_("warehouse")
    )
    on_hand = models.IntegerField(_("on hand"), default=0, editable=False)
    minimum = models.PositiveIntegerField(_("minimum"), default=0, help_text=_("Reorder alert at or below this."))
    maximum = models.PositiveIntegerField(_("maximum"), null=True, blank=True)
    bin_location = models.CharField(_("bin location"), max_length=40, blank=True)

    objects = StockLevelQuerySet.as_manager()
    # on_hand is not in the history: the movements ledger is its history.
    history = HistoricalRecords(excluded_fields=["on_hand"])

    class Meta:
        verbose_name = _("stock level")
        verbose_name_plural = _("stock levels")
        ordering = ["variant_id", "warehouse__priority"]
        constraints = [
            models.UniqueConstraint(fields=["variant", "warehouse"], name="inventory_stocklevel_unique"),
            models.CheckConstraint(condition=Q(on_hand__gte=0), name="inventory_stocklevel_on_hand_not_negative"),
            models.CheckConstraint(
                condition=Q(maximum__isnull=True) | Q(maximum__gte=F("minimum")),
                name="inventory_stocklevel_maximum_not_below_minimum",
            ),
        ]

    def __str__(self) -> str:
        # What the product is and where it lies, as staff and sellers say it ("Polo básico (M) ·
        # Almacén Central"): the admin's titles, messages and history read this.
        return f"{self.variant.shopper_name} · {self.warehouse.name}"

    @property
    def reserved(self) -> int:
        """Units held by active, unexpired reservations (annotated by with_availability, else queried)."""
        annotated = getattr(self, "reserved_units", None)
        if annotated is not None:
            return annotated
        return self.reservations.active().aggregate(total=models.Sum("quantity"))["total"] or 0

    @property
    def available(self) -> int:
        return max(self.on_hand - self.reserved, 0)

    @property
    def is_out_of_stock(self) -> bool:
        return self.available == 0

    @property
    def is_below_minimum(self) -> bool:
        """At or below the reorder point (the low-stock alert's rule)."""
        return self.available <= self.minimum

    def can_fulfil(self, quantity: int) -> bool:
        return 0 < quantity <= self.available


class Movement(AppendOnlyModel):
    """One line of the append-only ledger; a stock level's on_hand is the sum of its movements."""

    class Kind(models.TextChoices):
        RECEIPT = "receipt", pgettext_lazy("stock movement", "Receipt")  # goods in, not a SUNAT receipt
        SALE = "sale", _("Sale")
        RETURN = "return", _("Return")
        ADJUSTMENT = "adjustment", _("Adjustment")
        TRANSFER_IN = "transfer_in", _("Transfer in")
        TRANSFER_OUT = "transfer_out", _("Transfer out")
        WRITE_OFF = "write_off", _("Write-off")

    INBOUND = (Kind.RECEIPT, Kind.RETURN, Kind.TRANSFER_IN)
    OUTBOUND = (Kind.SALE, Kind.TRANSFER_OUT, Kind.WRITE_OFF)

    class Reference(models.TextChoices):
        ORDER = "order", _("Order")
        PURCHASE_ORDER = "purchase_order", _("Purchase order")
        RETURN = "return", _("Return")
        MANUAL = "manual", _("Manual")

    stock_level = models.ForeignKey(
        StockLevel, on_delete=models.PROTECT, related_name="movements", verbose_name=_("stock level")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    quantity = models.IntegerField(_("quantity"), help_text=_("Signed: positive in, negative out."))
    reference_type = models.CharField(
        _("reference type"), max_length=16, choices=Reference.choices, default=Reference.MANUAL
    )
    reference_id = models.BigIntegerField(_("reference id"), null=True, blank=True)
    purchase_order = models.ForeignKey(
        "PurchaseOrder",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="movements",
        verbose_name=_("purchase order"),
    )
    reservation = models.OneToOneField(
        "Reservation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sale_movement",
        verbose_name=_("reservation"),
    )
    transfer_key = models.UUIDField(
        _("transfer"), null=True, blank=True, db_index=True, help_text=_("Shared by the two movements of one transfer.")
    )
    # A bundle holds no stock: its sale moves its components' units. These say which bundle they
    # went out (or came back) as, so units sold and shipments count bundles, not loose parts.
    sold_as = models.ForeignKey(
        "catalog.Variant",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sold as bundle"),
        help_text=_("The bundle these component units were sold or returned as (empty: sold on their own)."),
    )
    bundle_units = models.IntegerField(
        _("bundles"),
        default=0,
        db_default=0,
        help_text=_(
            "Bundles this movement counts for, signed like the quantity. Of the movements of one sale or "
            "return of a bundle, one carries the bundles and the others 0."
        ),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("movement")
        verbose_name_plural = _("movements")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind__in=["receipt", "return", "transfer_in"], quantity__gt=0)
                    | Q(kind__in=["sale", "transfer_out", "write_off"], quantity__lt=0)
                    | (Q(kind="adjustment") & ~Q(quantity=0))
                ),
                name="inventory_movement_sign_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(sold_as__isnull=False) | Q(bundle_units=0), name="inventory_movement_bundles_need_a_bundle"
            ),
        ]
        indexes = [models.Index(fields=["reference_type", "reference_id"], name="inventory_mov_reference_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.quantity:+d}"

    @classmethod
    def append_only_error(cls) -> Exception:
        return LedgerIsAppendOnly()


class ReservationQuerySet(models.QuerySet["Reservation"]):
    def active(self, now: Moment | None = None) -> "ReservationQuerySet":
        """Reservations that hold stock: status active and not yet expired."""
        return self.filter(status=Reservation.Status.ACTIVE, expires_at__gt=now or timezone.now())

    def expired(self, now: datetime | None = None) -> "ReservationQuerySet":
        """Still marked active but past their expiry: they no longer hold stock."""
        return self.filter(status=Reservation.Status.ACTIVE, expires_at__lte=now or timezone.now())


class Reservation(models.Model):
    """Units held for a cart or an order. Never changes on_hand; blocks availability while
    active and unexpired."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        RELEASED = "released", _("Released")
        CONVERTED = "converted", _("Converted")

    stock_level = models.ForeignKey(
        StockLevel, on_delete=models.PROTECT, related_name="reservations", verbose_name=_("stock level")
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    cart_key = models.CharField(_("cart"), max_length=64, null=True, blank=True, db_index=True)  # noqa: DJ001 (null: held by an order, not a cart)
    # A plain id, not a foreign key: orders sit above inventory, which never imports them.
    order_id = models.BigIntegerField(_("order"), null=True, blank=True, db_index=True)
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reservations",
        verbose_name=_("customer"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    expires_at = models.DateTimeField(_("expires at"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    closed_at = models.DateTimeField(_("released or converted at"), null=True, blank=True)

    objects = ReservationQuerySet.as_manager()

    class Meta:
        verbose_name = _("reservation")
        verbose_name_plural = _("reservations")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="inventory_reservation_quantity_positive"),
        ]
        indexes = [
            # What availability reads under the row lock, and what expiry scans.
            models.Index(
                fields=["stock_level", "expires_at"],
                include=["quantity"],
                condition=Q(status="active"),
                name="inventory_res_active_idx",
            ),
            models.Index(fields=["expires_at"], condition=Q(status="active"), name="inventory_res_expiry_idx"),
            models.Index(fields=["customer", "status"], name="inventory_res_customer_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.stock_level} ({self.get_status_display()})"

    @property
    def is_expired(self) -> bool:
        return self.status == self.Status.ACTIVE and self.expires_at <= timezone.now()

    @property
    def holds_stock(self) -> bool:
        return self.status == self.Status.ACTIVE and self.expires_at > timezone.now()


class Supplier(models.Model):
    name = models.CharField(_("name"), max_length=160)
    ruc = IdentityField(
        _("RUC"),
        max_length=11,
        unique=True,
        validators=[validate_ruc],
        error_messages={"unique": _("A supplier with this RUC already exists.")},
    )
    contact_name = models.CharField(_("contact"), max_length=120, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.ruc})"


class PurchaseOrder(models.Model):
    """An order to a supplier. Unit costs are net of IGV (purchases are invoiced before tax);
    subtotal = Σ quantity × unit cost, IGV = 18 % of it rounded half up to cents,
    total = subtotal + IGV."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ORDERED = "ordered", _("Ordered")
        PARTIALLY_RECEIVED = "partially_received", _("Partially received")
        RECEIVED = "received", _("Received")
        CANCELLED = "cancelled", _("Cancelled")

    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    supplier = models.ForeignKey(
        Supplier, on_delete=models.PROTECT, related_name="purchase_orders", verbose_name=_("supplier")
    )
    warehouse = models.ForeignKey(
        Warehouse, on_delete=models.PROTECT, related_name="purchase_orders", verbose_name=_("destination warehouse")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    notes = models.TextField(_("notes"), blank=True)
    expected_at = models.DateField(_("expected on"), null=True, blank=True)
    subtotal = models.DecimalField(_("subtotal"), **MONEY_FIELD, default=ZERO, editable=False)
    igv = models.DecimalField(_("IGV"), **MONEY_FIELD, default=ZERO, editable=False)
    total = models.DecimalField(_("total"), **MONEY_FIELD, default=ZERO, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    ordered_at = models.DateTimeField(_("ordered at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("purchase order")
        verbose_name_plural = _("purchase orders")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=same_cents("total", F("subtotal") + F("igv")), name="inventory_po_total_adds_up"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.ORDERED, self.Status.PARTIALLY_RECEIVED)


class PurchaseOrderLine(models.Model):
    purchase_order = models.ForeignKey(
        PurchaseOrder, on_delete=models.CASCADE, related_name="lines", verbose_name=_("purchase order")
    )
    variant = models.ForeignKey(
        "catalog.Variant", on_delete=models.PROTECT, related_name="+", verbose_name=_("variant")
    )
    quantity_ordered = models.PositiveIntegerField(_("ordered"))
    quantity_received = models.PositiveIntegerField(_("received"), default=0, editable=False)
    unit_cost = models.DecimalField(_("unit cost (before IGV)"), **MONEY_FIELD)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("purchase order line")
        verbose_name_plural = _("purchase order lines")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["purchase_order", "variant"], name="inventory_poline_unique_variant"),
            models.CheckConstraint(condition=Q(quantity_ordered__gt=0), name="inventory_poline_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_cost__gte=0), name="inventory_poline_cost_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity_ordered} × {self.variant}"

    @property
    def line_total(self) -> Decimal:
        return money(self.quantity_ordered * self.unit_cost)

    @property
    def outstanding(self) -> int:
        return max(self.quantity_ordered - self.quantity_received, 0)
