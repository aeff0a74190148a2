"""Demo promotions (idempotent): a few automatic discounts running now, coupons to try, and three
quantity offers (a "3x2" on polos, a "2do al 50 %" on caps, a mouse given with a desk), made
through promotions.services like the back office makes them; and paid demo orders of the 3x2
(its boleta shows the discount) and of a desk with its gift (its boleta sends the mouse to SUNAT
as a free transfer)."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from catalog.models import Brand, Category
from promotions.models import AutomaticDiscount, Coupon, QuantityOffer, Scope
from promotions.services import coupon_create, discount_create, quantity_offer_create

# name, category slug, kind, fields: live for 90 days on `make run`.
DEMO_QUANTITY_OFFERS: list[tuple[str, str, str, dict[str, Any]]] = [
    ("3x2 en polos", "polos", QuantityOffer.Kind.BUY_N_PAY_M, {"buy_quantity": 3, "pay_quantity": 2}),
    (
        "2do al 50 % en gorras",
        "gorras",
        QuantityOffer.Kind.NTH_UNIT_PERCENT,
        {"buy_quantity": 2, "percent": Decimal("50")},
    ),
]
QUANTITY_OFFER_SCENARIO = "oferta-3x2"
# A gift offer: a desk brings the cheapest mouse in stock, free (the cart adds it by itself).
DEMO_GIFT_OFFER = ("Escritorio con mouse de regalo", "escritorios", "mouse")
GIFT_OFFER_SCENARIO = "oferta-regalo"

# code, name, kind, value, minimum purchase, extra fields; the expired one shows its reason.
DEMO_COUPONS: list[tuple[str, str, str, str, str, dict[str, Any]]] = [
    ("BIENVENIDA10", "10 % en tu primera compra", Coupon.Kind.PERCENTAGE, "10", "0", {"first_order_only": True}),
    ("KALLPA20", "S/ 20 desde S/ 150", Coupon.Kind.FIXED, "20", "150", {}),
    ("ENVIOGRATIS", "Envío gratis desde S/ 99", Coupon.Kind.FREE_SHIPPING, "0", "99", {}),
    (
        "GAMER15",
        "15 % en periféricos",
        Coupon.Kind.PERCENTAGE,
        "15",
        "0",
        {"scope": Scope.CATEGORIES, "categories": "perifericos"},
    ),
    ("INVIERNO2025", "Campaña de invierno (vencida)", Coupon.Kind.PERCENTAGE, "20", "0", {"expired": True}),
]


def load_demo_promotions(now=None) -> None:
    now = now or timezone.now()
    start, end = now - timedelta(days=1), now + timedelta(days=90)
    categories = {
        c.slug: c
        for c in Category.objects.filter(
            slug__in=["sillas", "perifericos", "hoodies", *[offer[1] for offer in DEMO_QUANTITY_OFFERS]]
        )
    }
    for name, slug, kind, fields in DEMO_QUANTITY_OFFERS:
        if slug in categories and not QuantityOffer.objects.filter(name=name).exists():
            quantity_offer_create(
                name=name,
                kind=kind,
                scope=Scope.CATEGORIES,
                categories=[categories[slug]],
                starts_at=start,
                ends_at=end,
                **fields,
            )
    _load_demo_gift_offer(start=start, end=end)
    if "sillas" in categories and not AutomaticDiscount.objects.filter(name="Semana de las sillas").exists():
        discount_create(
            name="Semana de las sillas",
            kind=AutomaticDiscount.Kind.PERCENTAGE,
            value=Decimal("15"),
            scope=Scope.CATEGORIES,
            categories=[categories["sillas"]],
            starts_at=start,
            ends_at=end,
            priority=10,
        )
    if "hoodies" in categories and not AutomaticDiscount.objects.filter(name="Hoodies de temporada").exists():
        discount_create(
            name="Hoodies de temporada",
            kind=AutomaticDiscount.Kind.PERCENTAGE,
            value=Decimal("20"),
            scope=Scope.CATEGORIES,
            categories=[categories["hoodies"]],
            starts_at=start,
            ends_at=end,
        )
    brand = Brand.objects.filter(name="Logitech").first()
    if brand is not None and not AutomaticDiscount.objects.filter(name="S/ 30 menos en Logitech").exists():
        discount_create(
            name="S/ 30 menos en Logitech",
            kind=AutomaticDiscount.Kind.FIXED,
            value=Decimal("30"),
            scope=Scope.BRANDS,
            brands=[brand],
            starts_at=start,
            ends_at=end,
        )
    for code, name, kind, value, minimum, extra in DEMO_COUPONS:
        if Coupon.objects.filter(code=code).exists():
            continue
        extra = dict(extra)
        if extra.pop("expired", False):
            window = {"starts_at": now - timedelta(days=120), "ends_at": now - timedelta(days=30)}
        else:
            window = {"starts_at": start, "ends_at": end}
        slug = extra.pop("categories", None)
        if slug:
            if slug not in categories:
                continue
            extra["categories"] = [categories[slug]]
        coupon_create(
            code=code, name=name, kind=kind, value=Decimal(value), minimum_purchase=Decimal(minimum), **window, **extra
        )


def _load_demo_gift_offer(*, start, end) -> None:
    from inventory.models import StockLevel

    name, buy_slug, gift_slug = DEMO_GIFT_OFFER
    desks = Category.objects.filter(slug=buy_slug).first()
    if desks is None or QuantityOffer.objects.filter(name=name).exists():
        return
    gift = (
        StockLevel.objects.with_availability()  # type: ignore[misc]  # available_units: an annotation lookups cannot see
        .filter(
            available_units__gte=5,
            variant__is_active=True,
            variant__product__status="active",
            variant__product__category__slug=gift_slug,
        )
        .order_by("variant__product__base_price", "variant_id")
        .first()
    )
    if gift is None:
        return
    quantity_offer_create(
        name=name,
        kind=QuantityOffer.Kind.BUY_X_GET_GIFT,
        buy_quantity=1,
        gift_variant=gift.variant,
        scope=Scope.CATEGORIES,
        categories=[desks],
        starts_at=start,
        ends_at=end,
    )


def demo_coupon_codes(now=None) -> list[Coupon]:
    return list(Coupon.objects.filter(code__in=[c[0] for c in DEMO_COUPONS]).order_by("code"))


def load_demo_quantity_offer_order(*, customer_email: str) -> str:
    """The demo customer's paid order of three polos of one model on the 3x2 (two charged)."""
    return _place_offer_order(
        customer_email=customer_email, scenario=QUANTITY_OFFER_SCENARIO, offer_name=DEMO_QUANTITY_OFFERS[0][0], units=3
    )


def load_demo_gift_offer_order(*, customer_email: str) -> str:
    """The demo customer's paid order of a desk, with the mouse the cart added as its gift."""
    return _place_offer_order(
        customer_email=customer_email, scenario=GIFT_OFFER_SCENARIO, offer_name=DEMO_GIFT_OFFER[0], units=1
    )


def _place_offer_order(*, customer_email: str, scenario: str, offer_name: str, units: int) -> str:
    """A paid order of `units` of one product the live offer `offer_name` covers, placed through
    checkout like the other demo orders; its boleta comes with the demo's receipts. Found again by
    its checkout key, so a second run changes nothing. Its number, "" when the demo catalog has
    no such product with the units to sell."""
    import logging

    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.db.models import Q

    from cart.services import CartError
    from checkout.services import CheckoutError
    from demo.shipping import DEMO_KEY, _pay, _place
    from inventory.models import StockLevel
    from orders.models import Order, OrderLine
    from shipping.models import ShippingMethod

    existing = Order.objects.filter(idempotency_key=DEMO_KEY.format(scenario)).first()
    if existing is not None:
        return existing.number
    customer = get_user_model().objects.filter(email=customer_email).first()
    method = ShippingMethod.objects.filter(code="olva-lima", is_active=True).first()
    offer = QuantityOffer.objects.live().filter(name=offer_name).first()
    if customer is None or method is None or offer is None or not customer.addresses.exists():
        return ""
    bought = OrderLine.objects.filter(order__customer=customer).values("variant__product_id")
    level = (
        StockLevel.objects.with_availability()  # type: ignore[misc]  # available_units: an annotation lookups cannot see
        .filter(
            available_units__gte=units,
            variant__is_active=True,
            variant__product__status="active",
            variant__product__in=offer.targets.values("product_id"),
        )
        .filter(Q(variant__product__max_per_customer__isnull=True) | Q(variant__product__max_per_customer__gte=units))
        .exclude(variant__product_id__in=bought)
        .order_by("variant__product__base_price", "variant_id")
        .first()
    )
    if level is None:
        return ""
    try:
        with transaction.atomic():
            order = _pay(_place(customer=customer, scenario=scenario, method=method, variants=[level.variant] * units))
    except (CartError, CheckoutError) as error:  # a catalog edited since: the demo goes on without it
        logging.getLogger(__name__).warning("Demo %s order not placed: %s", scenario, error)
        return ""
    return order.number
