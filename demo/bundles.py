"""Demo bundles and a demo scheduled price, made of demo products (idempotent).

A bundle is built from the required items of a demo kit: one SKU priced a little below its
parts, its stock their stock. The scheduled price is a future percentage off a category, made
by the demo administrator through the same service the admin uses."""

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from catalog.models import BundleComponent, Category, Kit, Product, ProductImage, ScheduledPrice, Variant
from catalog.services import product_save, scheduled_price_save, variant_save

BUNDLE_DISCOUNT = Decimal("0.92")  # a bundle costs 8 % less than its parts bought alone
BUNDLES = [  # (kit slug to take the parts from, bundle name, slug)
    ("kit-gamer", "Pack Gamer Esencial", "pack-gamer-esencial"),
    ("kit-oficina", "Pack Home Office", "pack-home-office"),
    ("kit-comedor", "Pack Comedor Familiar", "pack-comedor-familiar"),
]
WANTED = 2
MAX_PARTS = 3
SCHEDULED_CATEGORY_SLUGS = ["monitores", "audifonos", "teclados"]


def load_demo_bundles() -> int:
    """Two bundles from demo kits' required items (active products in stock, not in a drop);
    returns how many exist afterwards. Run after the demo stock is loaded."""
    existing = Product.objects.filter(product_type=Product.Type.BUNDLE).count()
    if existing:
        return existing
    kits = {kit.slug: kit for kit in Kit.objects.filter(is_active=True).prefetch_related("items__product")}
    candidates = [entry for entry in BUNDLES if entry[0] in kits]
    candidates += [(slug, f"Pack {kit.name.removeprefix('Kit ')}", f"pack-{slug.removeprefix('kit-')}")
                   for slug, kit in sorted(kits.items()) if slug not in {e[0] for e in BUNDLES}]
    made = 0
    with transaction.atomic():
        for kit_slug, name, slug in candidates:
            if made == WANTED:
                break
            made += _bundle_from_kit(kits[kit_slug], name, slug)
    return made


def _bundle_from_kit(kit: Kit, name: str, slug: str) -> int:
    items = [item for item in kit.items.all() if not item.is_optional
             and item.product.status == Product.Status.ACTIVE and not item.product.collections.exists()]
    from inventory.selectors import availability_by_variant

    parts = []
    for item in items:
        variants = list(item.product.variants.filter(is_active=True).order_by("order", "pk"))
        available = availability_by_variant([v.pk for v in variants])
        # A part in stock, so that the demo bundle can be bought (its stock is its parts').
        variant = next((v for v in variants if available[v.pk] >= 3 * item.quantity), None)
        if variant is not None and len(parts) < MAX_PARTS:
            parts.append((variant, item.quantity))
    if len(parts) < 2 or Product.objects.filter(slug=slug).exists():
        return 0
    first = parts[0][0].product
    price = sum((variant.price * quantity for variant, quantity in parts), Decimal("0")) * BUNDLE_DISCOUNT
    product = product_save(product=Product(
        name=name, slug=slug, base_sku=slug.upper()[:40], product_type=Product.Type.BUNDLE, brand=first.brand,
        category=first.category, status=Product.Status.ACTIVE,
        base_price=price.quantize(Decimal("1"), rounding=ROUND_HALF_UP) - Decimal("0.10"),
        description=f"{name}: " + ", ".join(f"{q} × {v.product.name}" for v, q in parts)
        + ". Todo junto, en un solo paquete, más barato que por separado.",
        weight_kg=sum((v.product.weight_kg * q for v, q in parts), Decimal("0")),
    ))
    variant_save(variant=Variant(product=product, sku=slug.upper()[:50]))
    cover = first.images.order_by("order", "pk").first()
    if cover is not None:
        ProductImage.objects.create(product=product, image=cover.image.name, alt=name)
    BundleComponent.objects.bulk_create(
        [BundleComponent(bundle=product, component=variant, quantity=quantity, order=order)
         for order, (variant, quantity) in enumerate(parts)]
    )
    return 1


def load_demo_scheduled_price() -> ScheduledPrice | None:
    """One future change the admin shows: 10 % off a demo category for a weekend, a week ahead."""
    if ScheduledPrice.objects.exists():
        return None
    category = Category.objects.filter(slug__in=SCHEDULED_CATEGORY_SLUGS, is_active=True).order_by("pk").first() \
        or Category.objects.filter(is_active=True, products__isnull=False).order_by("pk").first()
    if category is None:
        return None
    admin = get_user_model().objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    start = (timezone.localtime() + timedelta(days=7)).replace(hour=0, minute=0, second=0, microsecond=0)
    with transaction.atomic():
        return scheduled_price_save(
            scheduled=ScheduledPrice(category=category, kind=ScheduledPrice.Kind.PERCENT, percent=Decimal("-10"),
                                     starts_at=start, ends_at=start + timedelta(days=3)),
            actor=admin,
        )
