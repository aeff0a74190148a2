from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db.models import Count, F
from django.utils import timezone

from catalog.models import (
    Banner,
    Brand,
    Category,
    Collection,
    Family,
    Kit,
    KitItem,
    PriceHistory,
    Product,
    ProductImage,
    ProductLine,
    Variant,
)
from demo.catalog.loader import DemoCatalogError, catalog_counts, load_demo_catalog

SMALL = 40


def load(products: int = SMALL, **options) -> str:
    out = StringIO()
    call_command("load_demo_data", products=products, verbosity=0, stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


def snapshot() -> tuple[list, list]:
    """The generated catalog (bundles are left out: they are made of the parts in stock, and the
    demo stock follows row ids, not the seed)."""
    generated = Product.objects.filter(product_type=Product.Type.PHYSICAL)
    products = sorted(generated.values_list("name", "base_sku", "slug", "base_price", "compare_at_price"))
    variants = sorted(Variant.objects.filter(product__in=generated).values_list("sku", "price_modifier"))
    return products, variants


@pytest.mark.django_db
def test_small_catalog_has_every_family_and_sane_products():
    load()

    assert set(Family.objects.values_list("slug", flat=True)) == {"tecnologia", "hogar", "moda"}
    for family in Family.objects.all():
        assert Product.objects.filter(category__family=family).exists(), family.slug
    # Nested categories: Periféricos holds Teclados, Mouse and Audífonos.
    assert set(Category.objects.get(slug="perifericos").children.values_list("slug", flat=True)) == {
        "teclados",
        "mouse",
        "audifonos",
    }
    # The generated products, and two bundles made of them in stock (demo.bundles).
    assert Product.objects.filter(product_type=Product.Type.PHYSICAL).count() == SMALL
    bundles = Product.objects.filter(product_type=Product.Type.BUNDLE)
    assert bundles.count() == 2
    assert all(bundle.bundle_components.count() >= 2 for bundle in bundles)
    assert_sane_variants_and_prices()
    assert_sane_swatches_dates_lines_and_logos()


def assert_sane_variants_and_prices():
    assert not Product.objects.filter(variants__isnull=True).exists()
    skus = list(Variant.objects.values_list("sku", flat=True))
    assert len(skus) == len(set(skus))
    assert not Product.objects.filter(base_price__lt=0).exists()
    assert not Product.objects.filter(compare_at_price__lt=F("base_price")).exists()
    for variant in Variant.objects.select_related("product"):
        assert variant.price >= 0
        assert variant.price.as_tuple().exponent == -2
    # Every variant's price was recorded by Variant.objects.bulk_create.
    assert PriceHistory.objects.count() == Variant.objects.count()


def assert_sane_swatches_dates_lines_and_logos():
    # Colours carry a swatch, and every option value a variant links belongs to a known option.
    colored = Variant.objects.filter(option_values__option__code="color").values_list(
        "option_values__swatch", flat=True
    )
    assert colored and all(swatch.startswith("#") and len(swatch) == 7 for swatch in colored)
    now = timezone.now()
    for created in Product.objects.values_list("created_at", flat=True):
        assert timezone.is_aware(created)
        assert now - timedelta(days=366) <= created <= now
    assert ProductLine.objects.filter(products__isnull=False).exists()
    assert Brand.objects.exclude(logo="").count() == Brand.objects.count()


@pytest.mark.django_db
def test_gpu_lines_group_products_of_several_brands():
    load(products=200)
    line = (
        ProductLine.objects.filter(category__slug="tarjetas-graficas")
        .annotate(brands=Count("products__brand", distinct=True))
        .order_by("-brands")
        .first()
    )
    assert line is not None and line.brands >= 2
    product = line.products.first()
    assert product.specs["GPU"] in line.name
    assert 12 <= product.warranty_months <= 36


@pytest.mark.django_db
def test_kits_collections_and_banners():
    load()
    now = timezone.now()

    assert_kits()
    upcoming = assert_collections(now)
    # A product that cannot be bought yet is not offered in a kit.
    assert not KitItem.objects.filter(product__collections__in=upcoming).exists()
    assert_banners(now)

    pictures = ProductImage.objects.values_list("image", flat=True)
    assert Product.objects.annotate(n=Count("images")).filter(n=0).count() == 0
    for name in set(pictures):
        assert default_storage.exists(name), name


def assert_kits():
    kits = Kit.objects.all()
    assert set(kits.values_list("slug", flat=True)) >= {"kit-oficina", "kit-gamer", "kit-sala", "outfit-urbano"}
    for kit in kits:
        items = list(kit.items.select_related("product"))
        assert items, kit.slug
        assert any(not item.is_optional for item in items)
        assert Decimal("5") <= kit.discount_percent <= Decimal("12")
        assert kit.style_tags and all(isinstance(tag, str) for tag in kit.style_tags)
        assert kit.cover.name and default_storage.exists(kit.cover.name)
        assert all(item.product.status == Product.Status.ACTIVE for item in items)
    assert KitItem.objects.filter(is_optional=True).exists()
    office = Kit.objects.get(slug="kit-oficina")
    assert {"escritorios", "sillas-de-oficina", "monitores"} <= set(
        office.items.values_list("product__category__slug", flat=True)
    )


def assert_collections(now) -> list:
    """Checks the drops and collections; returns the drops that have not started."""
    drops = Collection.objects.filter(collection_type=Collection.Type.DROP)
    live = [c for c in drops if c.is_live(now)]
    upcoming = [c for c in drops if not c.has_started(now)]
    assert len(live) == 1 and len(upcoming) == 1
    assert Collection.objects.filter(collection_type=Collection.Type.SEASONAL).exists()
    assert Collection.objects.filter(collection_type=Collection.Type.COLLAB).exists()
    for collection in Collection.objects.all():
        assert collection.items.exists(), collection.slug
        assert default_storage.exists(collection.hero_image.name)
    return upcoming


def assert_banners(now):
    banners = list(Banner.objects.all())
    assert 3 <= len(banners) <= 4
    for banner in banners:
        assert banner.image_desktop.name and default_storage.exists(banner.image_desktop.name)
        assert banner.image_mobile.name and default_storage.exists(banner.image_mobile.name)
        assert banner.target_url.startswith("/") and banner.target_url.endswith("/")
    assert Banner.objects.live(now).count() == len(banners) - 1  # one has expired


@pytest.mark.django_db
def test_same_seed_gives_same_catalog_and_another_seed_does_not():
    load(seed=7)
    first = snapshot()
    load(seed=7, reset=True)
    assert snapshot() == first
    load(seed=8, reset=True)
    assert snapshot() != first
    assert Product.objects.filter(product_type=Product.Type.PHYSICAL).count() == SMALL


@pytest.mark.django_db
def test_second_run_without_reset_changes_nothing():
    load()
    counts = catalog_counts()
    ids = sorted(Product.objects.values_list("pk", flat=True))
    output = load(products=SMALL * 2, seed=99)
    assert "ya está cargado" in output
    assert catalog_counts() == counts
    assert sorted(Product.objects.values_list("pk", flat=True)) == ids


@pytest.mark.django_db
def test_loader_function_reports_what_it_did():
    summary = load_demo_catalog(products=20, seed=3, progress=False)
    assert summary["created"] is True
    assert summary["products"] == 20
    assert summary["variants"] == Variant.objects.count() >= 20
    assert summary["image_files"] > 0
    again = load_demo_catalog(products=20, seed=3, progress=False)
    assert again["created"] is False and again["products"] == 20


@pytest.mark.django_db
@pytest.mark.parametrize("products", [0, -5])
def test_bad_product_count_is_a_clear_error(products):
    with pytest.raises(CommandError, match="--products debe ser al menos 1"):
        call_command("load_demo_data", products=products, verbosity=0)
    with pytest.raises(CommandError, match="--products debe ser al menos 1"):
        call_command("load_demo_data", "--products", str(products), verbosity=0)
    assert not Family.objects.exists()


@pytest.mark.django_db
def test_non_numeric_product_count_is_rejected():
    with pytest.raises(CommandError, match="--products debe ser un número entero"):
        call_command("load_demo_data", "--products", "muchos", verbosity=0)
    with pytest.raises(CommandError, match="--seed debe ser un número entero"):
        call_command("load_demo_data", "--seed", "siete", verbosity=0)
    with pytest.raises(CommandError, match="--products debe ser a lo más 500,000"):
        call_command("load_demo_data", "--products", "600000", verbosity=0)
    with pytest.raises(DemoCatalogError):
        load_demo_catalog(products=0, seed=1)
    assert not Family.objects.exists()


@pytest.mark.django_db
def test_search_finds_the_demo_catalog_with_or_without_accents_and_with_typos():
    """The bulk writes of the loader fill the search index (FTS5 on SQLite, the vector on PostgreSQL)."""
    from catalog.search import search_products

    load(products=200)
    headphones = set(Product.objects.visible().filter(category__slug="audifonos").values_list("pk", flat=True))
    assert headphones
    for query in ("audífonos", "audifonos"):
        found = set(search_products(Product.objects.visible(), query).matches.values_list("pk", flat=True))
        assert headphones <= found, query
    sneakers = search_products(Product.objects.visible(), "zapatilas")
    assert sneakers.corrected == "zapatillas"
    assert sneakers.matches.filter(category__slug="zapatillas").exists()
    laptops = search_products(Product.objects.visible(), "laptp")
    assert laptops.corrected == "laptop"
    assert laptops.matches.filter(category__slug="laptops").exists()


@pytest.mark.django_db
def test_every_demo_kit_fits_one_customers_purchase_limit():
    """A kit asking for more units of a product than one customer may buy could never be bought."""
    from catalog.models import KitItem

    load()
    items = KitItem.objects.select_related("product")
    assert items.filter(quantity__gt=1).exists()  # the dining kit's six chairs
    assert [(item.kit_id, item.product.name) for item in items if item.quantity > item.product.purchase_limit] == []


def test_loads_started_together_draw_each_picture_once(settings, tmp_path, monkeypatch):
    """Two processes loading the demo at once (the suite's workers share its picture folders) do not
    both draw and encode every missing file: one draws, the other waits and finds them drawn."""
    import threading
    import time
    from types import SimpleNamespace

    from demo.catalog import images, loader

    settings.MEDIA_ROOT = str(tmp_path)
    drawn: list[str] = []

    def render(job):
        drawn.append(job[1][0])
        time.sleep(0.05)  # long enough for the other load to reach the same files
        return b"picture"

    monkeypatch.setattr(images, "render", render)
    monkeypatch.setattr(loader, "renditions_make", lambda name: 0)
    plan = SimpleNamespace(
        files={f"products/demo/{loader.IMAGE_VERSION}/p{i}.jpg": ("product", (f"p{i}",), "JPEG") for i in range(4)}
    )
    # Each thread opens the lock file itself, as another process would (flock locks an open file).
    loads = [threading.Thread(target=loader.save_images, args=(plan,), kwargs={"progress": False}) for _ in range(2)]
    for load in loads:
        load.start()
    for load in loads:
        load.join()

    assert sorted(drawn) == ["p0", "p1", "p2", "p3"]
    assert all(default_storage.exists(name) for name in plan.files)


def test_pictures_drawn_by_the_worker_processes_get_the_renditions_the_loading_process_would_make(
    settings, tmp_path, monkeypatch
):
    """The drawing pool makes each new picture's renditions where it drew it (the loading process made
    them all one after another once the drawing was done): the same files, byte for byte, as
    catalog.renditions makes from the stored picture."""
    from types import SimpleNamespace

    from catalog.renditions import rendition_name, renditions_make
    from demo.catalog import loader

    settings.MEDIA_ROOT = str(tmp_path)
    monkeypatch.setattr(loader, "PARALLEL_IMAGES", 2)
    written_after_the_pool: list[int] = []
    monkeypatch.setattr(
        loader, "renditions_make", lambda name: written_after_the_pool.append(renditions_make(name)) or 0
    )
    folder = f"products/demo/{loader.IMAGE_VERSION}"
    plan = SimpleNamespace(
        files={
            f"{folder}/hoodie.jpg": ("product", ("hoodie", "#2f6f4f", 0, 400), "JPEG"),
            f"{folder}/sneaker.jpg": ("product", ("sneaker", "#b03a2e", 1, 300), "JPEG"),
        }
    )

    loader.save_images(plan, progress=False)

    renditions = {name: [(w, rendition_name(name, w)) for w in (200, 400)] for name in plan.files}
    assert written_after_the_pool == [0, 0]  # each picture's renditions were there already
    assert default_storage.exists(rendition_name(f"{folder}/hoodie.jpg", 400))
    assert not default_storage.exists(rendition_name(f"{folder}/sneaker.jpg", 400))  # 300 px: never enlarged
    for name in plan.files:
        pool_made = {
            rendition: default_storage.open(rendition).read()
            for _width, rendition in renditions[name]
            if default_storage.exists(rendition)
        }
        for rendition in pool_made:
            default_storage.delete(rendition)
        assert renditions_make(name) == len(pool_made)
        assert {rendition: default_storage.open(rendition).read() for rendition in pool_made} == pool_made
