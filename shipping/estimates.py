"""Delivery estimates shown before checkout (product page, cart): the cheapest home delivery
to a place, what it costs and when it arrives, of what checkout offers (shipping.selectors.
offered_options, from the same rates). The place is Lima unless the signed-in customer has a default
shipping address. The rates serving a place are cached (and forgotten when staff change a
method, zone or rate), so a product page pays no query for them; checkout always recomputes
from the database."""

import logging
import pickle
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from accounts import ubigeo
from accounts.models import Address

from .models import ShippingMethod, ShippingRate, ShippingZone
from .selectors import ShippingOption, free_shipping_threshold, offered_options

logger = logging.getLogger(__name__)

LIMA = ("15", "1501")  # department and province of Lima (INEI codes)
# Each place's rates pickled on their own (_rates_serving); a new name for the new shape, so code of
# either shape running during a deploy never reads the other's.
CACHE_KEY = "shipping:estimate-rates:by-place"
CACHE_SECONDS = 600


@dataclass(frozen=True)
class Place:
    department: str
    province: str
    name: str


@dataclass(frozen=True)
class DeliveryEstimate:
    place: Place
    option: ShippingOption  # the cheapest home delivery (never in-store pickup)
    free_from: Decimal | None  # the subtotal from which it is free, when it is not free yet


PLACE_SECONDS = 300


def place_key(user_id) -> str:
    """A customer's place, kept by shipping_place (read with a cached page: storefront.views)."""
    return f"shipping:place:{user_id}"


def shipping_place(user, cached: dict | None = None) -> Place:
    """The signed-in customer's default shipping address' province, else Lima. A customer's is
    kept in the cache, forgotten when one of their addresses is written; `cached`: what a page
    hit read already (place_key's entry among it, when there is one)."""
    department, province = LIMA
    if user is not None and user.is_authenticated:
        key = place_key(user.pk)
        found = cached.get(key) if cached is not None else _cache_get(key)
        if found is None:
            address = user.addresses.filter(is_default_shipping=True).only("department", "ubigeo").first()
            found = LIMA
            if address is not None and ubigeo.is_province_of(address.province_code, address.department):
                found = (address.department, address.province_code)
            _cache_set(key, found, PLACE_SECONDS)
        department, province = found
    known = ubigeo.province(province)  # always: Lima, or a default address's checked province
    return Place(department=department, province=province, name=known.name if known is not None else province)


def _cache_get(key: str):
    try:
        return cache.get(key)
    except Exception:  # the cache is down: read the database, never fail the page
        logger.warning("shipping estimate: cache unavailable", exc_info=True)
        return None


def _cache_set(key: str, value, seconds: int) -> None:
    try:
        cache.set(key, value, seconds)
    except Exception:
        logger.warning("shipping estimate: cache unavailable", exc_info=True)


@receiver([post_save, post_delete], sender=Address, dispatch_uid="shipping.estimates.address")
def forget_place(instance, **kwargs) -> None:
    try:
        cache.delete(place_key(instance.user_id))
    except Exception:  # the entry expires by itself within PLACE_SECONDS
        logger.warning("shipping estimate: cache unavailable", exc_info=True)


def _where(place: Place) -> str:
    return f"{place.department}:{place.province}"


def rates_read(place: Place, cached: dict | None) -> bytes | None:
    """The place's rates as a page hit read them with its keys (pickled, as _rates_serving keeps them),
    None when it read none for the place: a delivery promise rendered from them shows no other, so it
    may be kept under them."""
    by_place = cached.get(CACHE_KEY) if cached is not None else None
    return by_place.get(_where(place)) if isinstance(by_place, dict) else None


def _rates_serving(place: Place, cached: dict | None = None) -> list[ShippingRate]:
    """The active rates whose zone covers the place: one cached map for every place asked,
    dropped whenever a method, zone or rate changes (forget_cached_rates). `cached`: what a page
    hit read already (CACHE_KEY's entry among it, when there is one).

    Each place's rates are pickled on their own in the map: reading the map (a signed-in shopper's
    product page reads it with its keys) then unpickles only the place asked for, not the rows of
    every province a customer ever had, which grew with the customers."""
    where = _where(place)
    by_place = (cached.get(CACHE_KEY) if cached is not None else _cache_get(CACHE_KEY)) or {}
    kept = by_place.get(where)
    if kept is not None:
        return pickle.loads(kept)
    rates = [
        rate
        for rate in ShippingRate.objects.filter(method__is_active=True).select_related("method", "zone")
        if rate.zone.covers(department=place.department, province=place.province)
    ]
    by_place[where] = pickle.dumps(rates, pickle.HIGHEST_PROTOCOL)
    try:
        cache.set(CACHE_KEY, by_place, CACHE_SECONDS)
    except Exception:
        logger.warning("shipping estimate: cache unavailable", exc_info=True)
    return rates


@receiver([post_save, post_delete], sender=ShippingMethod, dispatch_uid="shipping.estimates.method")
@receiver([post_save, post_delete], sender=ShippingRate, dispatch_uid="shipping.estimates.rate")
@receiver([post_save, post_delete], sender=ShippingZone, dispatch_uid="shipping.estimates.zone")
def forget_cached_rates(**kwargs) -> None:
    try:
        cache.delete(CACHE_KEY)
    except Exception:  # the entry expires by itself within CACHE_SECONDS
        logger.warning("shipping estimate: cache unavailable", exc_info=True)


def delivery_estimate(
    *, place: Place, weight_kg: Decimal, subtotal: Decimal, today: date | None = None, cached: dict | None = None
) -> DeliveryEstimate | None:
    """None when no home delivery serves this place and weight."""
    if weight_kg < 0 or subtotal < 0:
        return None
    rates = _rates_serving(place, cached)
    home = [
        option
        for option in offered_options(rates, weight_kg=weight_kg, subtotal=subtotal, today=today)
        if not option.is_pickup
    ]
    if not home:
        return None
    cheapest = home[0]
    thresholds = [
        threshold
        for threshold in (
            free_shipping_threshold(rate.method)
            for rate in rates
            if rate.takes(weight_kg) and not rate.method.is_pickup
        )
        if threshold is not None
    ]
    free_from = None if cheapest.is_free or not thresholds else min(thresholds)
    return DeliveryEstimate(place=place, option=cheapest, free_from=free_from)
