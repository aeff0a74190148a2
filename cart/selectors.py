"""The cart as pages show it: priced lines with what inventory holds for each."""

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, overload

from django.contrib.auth import SESSION_KEY as AUTH_SESSION_KEY
from django.db.models import Min, Sum
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from catalog.bundles import components_of, whole_bundles
from catalog.models import Product
from catalog.selectors import KitPage
from inventory.selectors import availability_by_variant, bundle_availability, reservations_held
from inventory.shown_stock import available_shown
from promotions.breakdown import gift_sold_out_note
from promotions.selectors import product_quantity_offer

from .pricing import CartLine, CartSummary, GiftDue, price_cart, price_kit
from .services import Cart, cart_gifts_sync, gifts_settled, user_cart, user_cart_id
from .store import CartSnapshot, cart_store

SESSION_KEY = "cart_id"
COUPON_SESSION_KEY = "cart_coupon"


@overload
def request_cart(request: HttpRequest, *, create: Literal[True]) -> Cart: ...
@overload
def request_cart(request: HttpRequest, *, create: bool = False) -> Cart | None: ...
def request_cart(request: HttpRequest, *, create: bool = False) -> Cart | None:
    """The shopper's cart: one per signed-in customer, else one per browser session."""
    user = getattr(request, "user", None)
    coupon_code = str(request.session.get(COUPON_SESSION_KEY, ""))[:40]
    if user is not None and user.is_authenticated:
        return Cart(id=user_cart(user).id, customer=user, coupon_code=coupon_code)
    cart_id = request.session.get(SESSION_KEY)
    if cart_id is None:
        if not create:
            return None
        cart_id = request.session[SESSION_KEY] = "anon-" + secrets.token_urlsafe(16)
    return Cart(id=cart_id, coupon_code=coupon_code)


def cart_units(cart: Cart | None) -> int:
    return cart_store().units(cart.id) if cart is not None else 0


def read_cart_with_session(session: dict[str, object]) -> None:
    """As soon as a request's session is read, name the cart it holds (a signed-in customer's, else the
    browser's): the header's count then comes with the request's next round trip to the cache, not in one
    of its own (core.session_store.read_with_session). A session whose user turns out not signed in
    (request.user checks it) has its count read as a guest's, in a trip of its own."""
    user_id = session.get(AUTH_SESSION_KEY)
    cart_id = user_cart_id(str(user_id)) if user_id is not None else session.get(SESSION_KEY)
    if isinstance(cart_id, str) and cart_id:
        cart_store().read_along(cart_id)


def cart_priced(cart: Cart, *, email: str = "") -> CartSummary:
    """The cart's lines priced now, its coupon checked for this buyer (email: the checkout's,
    else the signed-in customer's). When the gifts its lines earn changed while it sat (an offer
    started or ended), they are settled first (cart_gifts_sync) and the cart priced again."""

    def priced(snapshot: CartSnapshot) -> CartSummary:
        return price_cart(
            snapshot.lines,
            coupon_code=cart.coupon_code,
            customer=cart.customer,
            email=email or getattr(cart.customer, "email", ""),
        )

    store = cart_store()
    snapshot = store.snapshot(cart.id)
    summary = priced(snapshot)
    if not gifts_settled(snapshot, summary.gifts_due):
        cart_gifts_sync(cart=cart)
        snapshot = store.snapshot(cart.id)
        summary = priced(snapshot)
    given = {key.gift_offer_id for key in snapshot.lines if key.is_gift}

    def free_on_own_lines(gift: GiftDue) -> int:  # units of the gift the shopper added, free up to those earned
        return sum(line.gift_units for line in summary.lines if line.variant.pk == gift.variant_id)

    summary.gift_notes = [
        gift_sold_out_note(offer_name=gift.offer_name)
        for offer_id, gift in summary.gifts_due.items()
        if offer_id not in given and offer_id not in snapshot.gift_refused and free_on_own_lines(gift) < gift.earned
    ]
    return summary


def kit_priced(page: KitPage) -> CartSummary:
    """The kit page's price for its choices, the cart's own pricing (kit discount on the complete
    set, automatic discounts, option prices); each item gets `priced`, its chosen variant's line
    (an unticked extra's priced on its own, the price it would add)."""
    summary = price_kit(kit=page.kit, quantities=page.quantities)
    extras = {item.chosen.pk: item.quantity for item in page.optional if item.chosen is not None and not item.ticked}
    lines = {line.variant.pk: line for line in summary.lines}
    if extras:
        lines.update({line.variant.pk: line for line in price_kit(kit=page.kit, quantities=extras).lines})
    for item in page.items:
        # For the kit page's template: catalog declares what kit_page sets on an item, but sits
        # below cart and cannot name its CartLine.
        item.priced = lines.get(item.chosen.pk) if item.chosen is not None else None  # type: ignore[attr-defined]
    return summary


def _holds_of(cart: Cart) -> tuple[dict[int, int], dict[int, datetime]]:
    """{variant id: units this cart holds}, {variant id: when the first of those holds ends}."""
    holds = (
        reservations_held(cart_key=cart.id)
        .order_by()
        .values("stock_level__variant_id")
        .annotate(units=Sum("quantity"), until=Min("expires_at"))
        .values_list("stock_level__variant_id", "units", "until")
    )
    held: dict[int, int] = {}
    held_until: dict[int, datetime] = {}
    for variant_id, units, until in holds:
        held[variant_id], held_until[variant_id] = units, until
    return held, held_until


def _line_problem(line: CartLine, missing: int) -> str:
    """What stops the line from being bought as it is ("" when nothing does)."""
    variant, product = line.variant, line.variant.product
    available = line.available or 0  # cart_view sets it before asking
    if line.is_gift and (missing > available or not variant.is_active):
        return ""  # settled already: what is left of it is given as far as it can be
    if not variant.is_active or product.status != Product.Status.ACTIVE:
        return _("No longer for sale.")
    if missing > available:
        can_have = line.reserved + available
        return (
            ngettext("Only %(count)d unit is left.", "Only %(count)d units are left.", can_have) % {"count": can_have}
            if can_have
            else _("Sold out.")
        )
    return ""


def cart_view(cart: Cart | None, *, priced: CartSummary | None = None, gifts_rechecked: bool = False) -> CartSummary:
    """Priced lines, each with the units this cart holds and whether the rest can still be had.
    A gift line is never a problem: when its hold lapsed and its units are gone, the gift is
    settled again (fewer units, or none) and the cart shown as it is then. `priced`: the cart as
    cart_priced gave it earlier in the same request (a checkout step's), not priced again."""
    if cart is None:
        return CartSummary()
    summary = priced if priced is not None else cart_priced(cart)
    if not summary.lines:
        return summary
    held, held_until = _holds_of(cart)
    available = availability_by_variant({line.variant.pk for line in summary.lines})
    # A bundle line holds its components: it counts the whole bundles they make.
    bundle_ids = {line.variant.pk for line in summary.lines if line.product.product_type == Product.Type.BUNDLE}
    parts_of = components_of(bundle_ids) if bundle_ids else {}
    if parts_of:
        available.update(bundle_availability(parts_of))
    for line in summary.lines:
        variant = line.variant
        parts = parts_of.get(variant.pk)
        if parts:
            line.reserved = min(whole_bundles(held, parts), line.quantity)
            line.reserved_until = min((held_until[c] for c, _ in parts if c in held_until), default=None)
            for component_id, per_bundle in parts:
                held[component_id] = held.get(component_id, 0) - line.reserved * per_bundle
        else:
            line.reserved = min(held.get(variant.pk, 0), line.quantity)
            line.reserved_until = held_until.get(variant.pk)
            held[variant.pk] = held.get(variant.pk, 0) - line.reserved
        missing = line.quantity - line.reserved
        line.available = available.get(variant.pk, 0)
        if line.is_gift and missing > line.available and not gifts_rechecked:
            cart_gifts_sync(cart=cart, recheck=True)
            return cart_view(cart, gifts_rechecked=True)
        line.problem = _line_problem(line, missing)
        available[variant.pk] = max(line.available - missing, 0)
    return summary


@dataclass(frozen=True)
class ProductOffer:
    """The quantity offer a product page shows: its badge, its name, how it stacks, and for a
    gift offer the gift and whether it is sold out (the offer then says so; nothing breaks)."""

    badge: str
    name: str
    stacking: str
    gift_name: str = ""
    gift_url: str = ""
    gift_sold_out: bool = False


def product_offer(product: Product) -> ProductOffer | None:
    """Only read when the product's stored badge says an offer runs (no query otherwise)."""
    if not getattr(product, "promo_badge", ""):
        return None
    offer = product_quantity_offer(product)
    if offer is None:
        return None
    stacking = _(
        "On top of the price shown; the cheapest units of the offer are the free or discounted ones, "
        "and a coupon applies on top."
    )
    if offer.kind != offer.Kind.BUY_X_GET_GIFT or offer.gift_variant is None:
        return ProductOffer(badge=offer.badge, name=offer.name, stacking=stacking)
    gift = offer.gift_variant
    return ProductOffer(
        badge=offer.badge,
        name=offer.name,
        stacking=stacking,
        gift_name=gift.product.name,
        gift_url=gift.product.get_absolute_url(),
        # As the page shows stock (inventory.shown_stock): the page cache keeps the page while it holds.
        gift_sold_out=available_shown([gift.pk])[gift.pk] <= 0,
    )
