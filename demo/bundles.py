"""Demo bundles and a demo scheduled price, made of demo products (idempotent).

A bundle (a pack) is built from the required items of a demo kit: one SKU priced a little below
its parts, its stock their stock. The store puts packs together, so they are sold under its own
brand and filed in a category of packs of their kind (a gamer pack is not an office chair, though
its first piece is one). The scheduled price is a future percentage off a category, made by the
demo administrator through the same service the admin uses."""

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from catalog.models import (
    Brand,
    BundleComponent,
    Category,
    Family,
    Kit,
    Product,
    ProductImage,
    ScheduledPrice,
    Variant,
)
from catalog.renditions import renditions_make
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
# The store's own brand for what it puts together: name, logo colour, description.
HOUSE_BRAND = (
    "Kallpa",
    "#e85d04",
    "Los packs de Kallpa: productos de distintas marcas elegidos para ir juntos, "
    "en un solo paquete y más baratos que por separado, con la garantía de cada fabricante.",
)
# Per kit room, the category its pack is filed in: slug, name, family, parent slug, description.
PACK_CATEGORIES: dict[str, tuple[str, str, str, str | None, str]] = {
    Kit.Room.GAMING: (
        "packs-gamer",
        "Packs gamer",
        "tecnologia",
        None,
        "Silla, escritorio y monitor gamer en un solo paquete, más baratos que por separado.",
    ),
    Kit.Room.OFFICE: (
        "packs-home-office",
        "Packs home office",
        "hogar",
        None,
        "Escritorio, silla y monitor para trabajar desde casa, en un solo paquete.",
    ),
    Kit.Room.DINING: (
        "juegos-de-comedor",
        "Juegos de comedor",
        "hogar",
        "mesas",
        "Mesa y sillas de comedor que combinan, en un solo paquete.",
    ),
    Kit.Room.LIVING: (
        "juegos-de-sala",
        "Juegos de sala",
        "hogar",
        "sofas",
        "Sofá y mesa de centro que combinan, en un solo paquete.",
    ),
    Kit.Room.OUTFIT: (
        "outfits",
        "Outfits completos",
        "moda",
        None,
        "Hoodie, polo y zapatillas que combinan, en un solo paquete.",
    ),
}


def _packs(kits: dict[str, Kit]) -> list[tuple[Kit, str, str]]:
    """(kit, pack name, pack slug) for every active kit, the named packs first."""
    packs = [(kits[kit_slug], name, slug) for kit_slug, name, slug in BUNDLES if kit_slug in kits]
    named = {kit_slug for kit_slug, _, _ in BUNDLES}
    packs += [
        (kit, f"Pack {kit.name.removeprefix('Kit ')}", f"pack-{slug.removeprefix('kit-')}")
        for slug, kit in sorted(kits.items())
        if slug not in named
    ]
    return packs


def load_demo_bundles() -> int:
    """Two bundles from demo kits' required items (active products in stock, not in a drop);
    returns how many exist afterwards. Run after the demo stock is loaded. Packs made by an
    earlier demo under their first piece's category and brand are moved to their own."""
    kits = {kit.slug: kit for kit in Kit.objects.filter(is_active=True).prefetch_related("items__product")}
    existing = Product.objects.filter(product_type=Product.Type.BUNDLE)
    with transaction.atomic():
        if existing.exists():
            for kit, _name, slug in _packs(kits):
                pack = existing.filter(slug=slug).first()
                if pack is not None:
                    _file_pack(pack, kit)
            return existing.count()
        made = 0
        for kit, name, slug in _packs(kits):
            if made == WANTED:
                break
            made += _bundle_from_kit(kit, name, slug)
    return made


def _file_pack(pack: Product, kit: Kit) -> None:
    """Under the store's brand and its kind's pack category (through the catalog's service)."""
    category, brand = _pack_category(kit), _house_brand()
    if category is not None and (pack.category_id, pack.brand_id) != (category.pk, brand.pk):
        pack.category, pack.brand = category, brand
        product_save(product=pack)


def _pack_category(kit: Kit) -> Category | None:
    """The category of the kit's kind of pack, made with its first pack (so no empty one is listed)."""
    spec = PACK_CATEGORIES.get(kit.room_type)
    if spec is None:
        return None
    slug, name, family_slug, parent_slug, description = spec
    category = Category.objects.filter(slug=slug).first()
    family = Family.objects.filter(slug=family_slug).first()
    if category is not None or family is None:
        return category
    parent = Category.objects.filter(slug=parent_slug).first() if parent_slug else None
    siblings = Category.objects.filter(family=family, parent=parent)
    category = Category(
        family=family,
        parent=parent,
        name=name,
        slug=slug,
        icon="gift",
        description=description,
        order=max(siblings.values_list("order", flat=True), default=0) + 1,
    )
    category.save()
    return category


def _house_brand() -> Brand:
    name, colour, description = HOUSE_BRAND
    brand = Brand.objects.filter(name=name).first()
    if brand is not None:
        return brand
    from demo.catalog import images
    from demo.catalog.loader import IMAGE_VERSION

    logo = f"brands/demo/{IMAGE_VERSION}/{name.lower()}.png"
    if not default_storage.exists(logo):
        default_storage.save(logo, ContentFile(images.render(("logo", (name, colour), "PNG"))))
        renditions_make(logo)
    brand = Brand(name=name, slug=name.lower(), country="PE", description=description)
    brand.logo.name = logo
    brand.save()
    return brand


def _bundle_from_kit(kit: Kit, name: str, slug: str) -> int:
    items = [
        item
        for item in kit.items.all()
        if not item.is_optional
        and item.product.status == Product.Status.ACTIVE
        and not item.product.collections.exists()
    ]
    from inventory.selectors import availability_by_variant

    parts: list[tuple[Variant, int]] = []
    for item in items:
        variants = list(item.product.variants.filter(is_active=True).order_by("order", "pk"))
        available = availability_by_variant([v.pk for v in variants])
        # A part in stock, so that the demo bundle can be bought (its stock is its parts').
        variant = next((v for v in variants if available[v.pk] >= 3 * item.quantity), None)
        if variant is not None and len(parts) < MAX_PARTS:
            parts.append((variant, item.quantity))
    if len(parts) < 2 or Product.objects.filter(slug=slug).exists():
        return 0
    category = _pack_category(kit)
    if category is None:
        return 0
    first = parts[0][0].product
    price = sum((variant.price * quantity for variant, quantity in parts), Decimal("0")) * BUNDLE_DISCOUNT
    product = product_save(
        product=Product(
            name=name,
            slug=slug,
            base_sku=slug.upper()[:40],
            product_type=Product.Type.BUNDLE,
            brand=_house_brand(),
            category=category,
            status=Product.Status.ACTIVE,
            base_price=price.quantize(Decimal("1"), rounding=ROUND_HALF_UP) - Decimal("0.10"),
            description=f"{name}: "
            + ", ".join(f"{q} × {v.product.name}" for v, q in parts)
            + ". Todo junto, en un solo paquete, más barato que por separado.",
            weight_kg=sum((v.product.weight_kg * q for v, q in parts), Decimal("0")),
        )
    )
    variant_save(variant=Variant(product=product, sku=slug.upper()[:50]))
    cover = first.images.order_by("order", "pk").first()
    if cover is not None:
        ProductImage.objects.create(product=product, image=cover.image.name, alt=name)
    BundleComponent.objects.bulk_create(
        [
            BundleComponent(bundle=product, component=variant, quantity=quantity, order=order)
            for order, (variant, quantity) in enumerate(parts)
        ]
    )
    return 1


def load_demo_scheduled_price() -> ScheduledPrice | None:
    """One future change the admin shows: 10 % off a demo category for a weekend, a week ahead."""
    if ScheduledPrice.objects.exists():
        return None
    category = (
        Category.objects.filter(slug__in=SCHEDULED_CATEGORY_SLUGS, is_active=True).order_by("pk").first()
        or Category.objects.filter(is_active=True, products__isnull=False).order_by("pk").first()
    )
    if category is None:
        return None
    admin = get_user_model().objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    start = (timezone.localtime() + timedelta(days=7)).replace(hour=0, minute=0, second=0, microsecond=0)
    with transaction.atomic():
        return scheduled_price_save(
            scheduled=ScheduledPrice(
                category=category,
                kind=ScheduledPrice.Kind.PERCENT,
                percent=Decimal("-10"),
                starts_at=start,
                ends_at=start + timedelta(days=3),
            ),
            actor=admin,
        )
