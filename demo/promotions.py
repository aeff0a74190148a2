"""Demo promotions (idempotent): a few automatic discounts running now and coupons to try,
made through promotions.services like the back office makes them."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from catalog.models import Brand, Category

from promotions.models import AutomaticDiscount, Coupon, Scope
from promotions.services import coupon_create, discount_create

# code, name, kind, value, minimum purchase, extra fields; the expired one shows its reason.
DEMO_COUPONS = [
    ("BIENVENIDA10", "10 % en tu primera compra", Coupon.Kind.PERCENTAGE, "10", "0", {"first_order_only": True}),
    ("KALLPA20", "S/ 20 desde S/ 150", Coupon.Kind.FIXED, "20", "150", {}),
    ("ENVIOGRATIS", "Envío gratis desde S/ 99", Coupon.Kind.FREE_SHIPPING, "0", "99", {}),
    ("GAMER15", "15 % en periféricos", Coupon.Kind.PERCENTAGE, "15", "0",
     {"scope": Scope.CATEGORIES, "categories": "perifericos"}),
    ("INVIERNO2025", "Campaña de invierno (vencida)", Coupon.Kind.PERCENTAGE, "20", "0", {"expired": True}),
]


def load_demo_promotions(now=None) -> None:
    now = now or timezone.now()
    start, end = now - timedelta(days=1), now + timedelta(days=90)
    categories = {c.slug: c for c in Category.objects.filter(slug__in=["sillas", "perifericos", "hoodies"])}
    if "sillas" in categories and not AutomaticDiscount.objects.filter(name="Semana de las sillas").exists():
        discount_create(name="Semana de las sillas", kind=AutomaticDiscount.Kind.PERCENTAGE, value=Decimal("15"),
                        scope=Scope.CATEGORIES, categories=[categories["sillas"]], starts_at=start, ends_at=end,
                        priority=10)
    if "hoodies" in categories and not AutomaticDiscount.objects.filter(name="Hoodies de temporada").exists():
        discount_create(name="Hoodies de temporada", kind=AutomaticDiscount.Kind.PERCENTAGE, value=Decimal("20"),
                        scope=Scope.CATEGORIES, categories=[categories["hoodies"]], starts_at=start, ends_at=end)
    brand = Brand.objects.filter(name="Logitech").first()
    if brand is not None and not AutomaticDiscount.objects.filter(name="S/ 30 menos en Logitech").exists():
        discount_create(name="S/ 30 menos en Logitech", kind=AutomaticDiscount.Kind.FIXED, value=Decimal("30"),
                        scope=Scope.BRANDS, brands=[brand], starts_at=start, ends_at=end)
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
        coupon_create(code=code, name=name, kind=kind, value=Decimal(value), minimum_purchase=Decimal(minimum),
                      **window, **extra)


def demo_coupon_codes(now=None) -> list[Coupon]:
    return list(Coupon.objects.filter(code__in=[c[0] for c in DEMO_COUPONS]).order_by("code"))
