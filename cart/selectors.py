"""The cart as pages show it: priced lines with what inventory holds for each."""

import secrets

from django.db.models import Min, Sum
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from catalog.models import Product
from catalog.selectors import KitPage
from catalog.bundles import components_of, whole_bundles
from inventory.selectors import availability_by_variant, bundle_availability, reservations_held

from .pricing import CartSummary, price_cart, price_kit
from .services import Cart, user_cart
from .store import cart_store

SESSION_KEY = "cart_id"
COUPON_SESSION_KEY = "cart_coupon"


def request_cart(request, *, create: bool = False) -> Cart | None:
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
    return sum(cart_store().lines(cart.id).values()) if cart is not None else 0


def cart_priced(cart: Cart, *, email: str = "") -> CartSummary:
    """The cart's lines priced now, its coupon checked for this buyer (email: the checkout's,
    else the signed-in customer's)."""
    return price_cart(cart_store().lines(cart.id), coupon_code=cart.coupon_code, customer=cart.customer,
                      email=email or getattr(cart.customer, "email", ""))


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
        item.priced = lines.get(item.chosen.pk) if item.chosen is not None else None
    return summary


def cart_view(cart: Cart | None) -> CartSummary:
    """Priced lines, each with the units this cart holds and whether the rest can still be had."""
    if cart is None:
        return CartSummary()
    summary = cart_priced(cart)
    if not summary.lines:
        return summary
    holds = (
        reservations_held(cart_key=cart.id).order_by().values("stock_level__variant_id")
        .annotate(units=Sum("quantity"), until=Min("expires_at")).values_list("stock_level__variant_id", "units", "until")
    )
    held, held_until = {}, {}
    for variant_id, units, until in holds:
        held[variant_id], held_until[variant_id] = units, until
    available = availability_by_variant({line.variant.pk for line in summary.lines})
    # A bundle line holds its components: it counts the whole bundles they make.
    bundle_ids = {line.variant.pk for line in summary.lines if line.product.product_type == Product.Type.BUNDLE}
    parts_of = components_of(bundle_ids) if bundle_ids else {}
    if parts_of:
        available.update(bundle_availability(parts_of))
    for line in summary.lines:
        variant, product = line.variant, line.variant.product
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
        if not variant.is_active or product.status != Product.Status.ACTIVE:
            line.problem = _("No longer for sale.")
        elif missing > line.available:
            can_have = line.reserved + line.available
            line.problem = ngettext(
                "Only %(count)d unit is left.", "Only %(count)d units are left.", can_have
            ) % {"count": can_have} if can_have else _("Sold out.")
        available[variant.pk] = max(line.available - missing, 0)
    return summary
