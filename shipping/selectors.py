"""What shipping costs and when it arrives, for an address, a parcel weight and a subtotal.

An address is given by its INEI department and province codes (`Address.department`,
`Address.province_code`). For each active method, the rates whose band takes the weight and
whose zone covers the address are found in one query; the most specific zone wins
(Lima Metropolitana, then a set of departments, then provinces; see `ShippingZone`), and of
two rates in equally specific zones the cheaper one. A method is free when the subtotal
(IGV included) reaches its threshold. Dates count business days from today (Lima time).
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import ubigeo

from .calendar import add_business_days
from .exceptions import NO_METHOD_SERVES, ShippingUnavailable
from .models import ZERO, ShippingMethod, ShippingRate

CENT = Decimal("0.01")


@dataclass(frozen=True)
class ShippingOption:
    """One way to ship this order, as checkout shows it and the order records it."""

    method_id: int
    code: str
    name: str
    carrier: str  # a shipping.models.Carrier value
    description: str
    zone: str
    price: Decimal  # what the shopper pays, IGV included: 0.00 when free
    regular_price: Decimal  # the rate's price before the free-shipping threshold
    is_free: bool
    is_pickup: bool  # the dates are then when the order is ready at the store
    delivery_from: date
    delivery_to: date

    @property
    def sort_key(self) -> tuple:
        return (self.price, self.delivery_to, self.delivery_from, self.name)


def _money(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def _check_inputs(*, weight_kg: Decimal, subtotal: Decimal) -> None:
    if weight_kg < 0:
        raise ValueError(f"weight_kg must not be negative: {weight_kg}")
    if subtotal < 0:
        raise ValueError(f"subtotal must not be negative: {subtotal}")


def _address_is_known(department: str, province: str) -> bool:
    return ubigeo.is_province_of(province, department)


def _matching_rates(*, department: str, province: str, weight_kg: Decimal, method_id: int | None = None):
    """The active methods' rates whose band takes the weight; one query, zones joined."""
    band = Q(weight_from__lt=weight_kg, weight_to__gte=weight_kg)
    if weight_kg == 0:
        band |= Q(weight_from=0)
    rates = ShippingRate.objects.filter(band, method__is_active=True).select_related("method", "zone")
    if method_id is not None:
        rates = rates.filter(method_id=method_id)
    return [rate for rate in rates if rate.zone.covers(department=department, province=province)]


def _best_rate_per_method(rates) -> dict[int, ShippingRate]:
    best: dict[int, ShippingRate] = {}
    for rate in rates:
        current = best.get(rate.method_id)
        if current is None or (-rate.zone.specificity, rate.price) < (-current.zone.specificity, current.price):
            best[rate.method_id] = rate
    return best


def _option(rate: ShippingRate, *, subtotal: Decimal, today: date) -> ShippingOption:
    method = rate.method
    threshold = method.free_shipping_threshold
    regular_price = _money(rate.price)
    is_free = regular_price == ZERO or (threshold is not None and subtotal >= threshold)
    return ShippingOption(
        method_id=method.pk,
        code=method.code,
        name=method.name,
        carrier=method.carrier,
        description=method.description,
        zone=rate.zone.name,
        price=ZERO if is_free else regular_price,
        regular_price=regular_price,
        is_free=is_free,
        is_pickup=method.is_pickup,
        delivery_from=add_business_days(today, method.min_days),
        delivery_to=add_business_days(today, method.max_days),
    )


def shipping_options(
    *, department: str, province: str, weight_kg: Decimal, subtotal: Decimal, today: date | None = None
) -> list[ShippingOption]:
    """Every active method that serves the address and weight, cheapest first, then fastest.

    `department` is the 2-digit and `province` the 4-digit INEI code. An empty list means no
    method serves this address and weight (say `no_method_message()`); an address whose
    province is not of its department gets an empty list too. One query, whatever the
    number of methods and rates.
    """
    _check_inputs(weight_kg=weight_kg, subtotal=subtotal)
    if not _address_is_known(department, province):
        return []
    today = today or timezone.localdate()
    rates = _matching_rates(department=department, province=province, weight_kg=weight_kg)
    options = [_option(rate, subtotal=subtotal, today=today) for rate in _best_rate_per_method(rates).values()]
    return sorted(options, key=lambda option: option.sort_key)


def shipping_options_for_address(*, address, weight_kg: Decimal, subtotal: Decimal, today: date | None = None):
    """shipping_options() for a saved `accounts.Address` (empty for a row without ubigeo)."""
    return shipping_options(
        department=address.department,
        province=address.province_code,
        weight_kg=weight_kg,
        subtotal=subtotal,
        today=today,
    )


def no_method_message(*, department: str, province: str) -> str:
    """What to tell the shopper when shipping_options() is empty for this address."""
    place = ubigeo.province(province) if _address_is_known(department, province) else None
    department_place = ubigeo.department(department)
    if place and department_place:
        same = place.name == department_place.name
        where = place.name if same else f"{place.name} ({department_place.name})"
    else:
        where = str(_("this address"))
    return str(NO_METHOD_SERVES) % {"place": where}


def shipping_quote(
    *,
    method_id: int,
    department: str,
    province: str,
    weight_kg: Decimal,
    subtotal: Decimal,
    today: date | None = None,
) -> ShippingOption:
    """The option of one method (the shopper's choice at checkout), recomputed server-side.

    Raises ShippingUnavailable when the method is unknown or inactive (a tampered id), or
    does not serve this address or this weight.
    """
    _check_inputs(weight_kg=weight_kg, subtotal=subtotal)
    try:
        method_id = int(method_id)
    except (TypeError, ValueError):
        raise ShippingUnavailable(code="unknown_method") from None
    if not _address_is_known(department, province):
        raise ShippingUnavailable(
            _("Choose the province and district of the address again before choosing how to ship."),
            code="bad_address",
        )
    today = today or timezone.localdate()
    rates = _matching_rates(department=department, province=province, weight_kg=weight_kg, method_id=method_id)
    best = _best_rate_per_method(rates).get(method_id)
    if best is not None:
        return _option(best, subtotal=subtotal, today=today)

    method = ShippingMethod.objects.filter(pk=method_id, is_active=True).prefetch_related("rates__zone").first()
    if method is None:
        raise ShippingUnavailable(code="unknown_method")
    served_zones = [rate for rate in method.rates.all() if rate.zone.covers(department=department, province=province)]
    if served_zones:
        raise ShippingUnavailable(
            _("%(method)s does not take parcels of %(weight)s kg. Choose another shipping method."),
            code="too_heavy",
            method=method.name,
            weight=f"{weight_kg.normalize():f}",
        )
    raise ShippingUnavailable(
        _("%(method)s does not deliver to %(place)s. Choose another shipping method."),
        code="not_served",
        method=method.name,
        place=ubigeo.province(province).name,
    )
