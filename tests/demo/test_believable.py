"""The demo store tells the truth: what a newcomer sees in it is what a real store would show.
Packs filed under packs (not a gamer pack under office chairs), reviews only of products on sale,
purchase orders to the supplier that supplies their products at a cost below the shelf price,
reorder points a warehouse would set, and a low-stock list of a few rows."""

from decimal import Decimal
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db.models import F

from catalog.models import Kit, Product, awaiting_launch
from demo.catalog.products import PLAN
from inventory import selectors
from inventory.models import PurchaseOrderLine, StockLevel, Warehouse

pytestmark = pytest.mark.django_db


def test_every_generated_product_sits_in_the_category_of_its_kind():
    """A product's SKU prefix names its kind (SO: office chair, TG: graphics card…); its category is that kind's."""
    from demo.catalog.loader import load_demo_catalog

    load_demo_catalog(products=120, seed=7, progress=False)

    category_of_prefix = {prefix: category for category, _, _, prefix in PLAN}
    products = Product.objects.filter(product_type=Product.Type.PHYSICAL).select_related("category")
    assert products.count() == 120
    for product in products:
        assert product.category.slug == category_of_prefix[product.base_sku.split("-")[0]], product.name
    # "Mesa de comedor para seis con sus seis sillas": the dining kit's table seats six, not eight.
    dining = (
        Kit.objects.get(slug="kit-comedor")
        .items.select_related("product")
        .get(product__category__slug="mesas-de-comedor")
    )
    assert dining.product.specs["Capacidad"] == "6 personas", dining.product.name


def test_packs_are_filed_under_packs_and_sold_under_the_store_brand():
    """A pack (a bundle of a kit's pieces) used to take its first piece's category and brand: the
    gamer pack sat among office chairs, branded Corsair, with an ASUS monitor and a local desk inside."""
    call_command("load_demo_data", products=40, verbosity=0, stdout=StringIO())

    packs = list(Product.objects.filter(product_type=Product.Type.BUNDLE).select_related("category", "brand"))
    assert len(packs) == 2
    for pack in packs:
        parts = {component.component.product.category_id for component in pack.bundle_components.all()}
        assert pack.category_id not in parts, (pack.name, pack.category.name)
        assert pack.category.name.split()[0] in {"Packs", "Juegos", "Outfits"}, pack.category.name
        assert pack.brand.name == "Kallpa" and pack.brand.logo, pack.brand
    gamer = next(pack for pack in packs if pack.slug == "pack-gamer-esencial")
    assert gamer.category.family.slug == "tecnologia"


def test_a_second_run_moves_a_pack_filed_under_its_first_piece():
    """A demo database made before packs had their own category gets them moved on the next run."""
    from catalog.services import products_set_category
    from demo.bundles import load_demo_bundles

    call_command("load_demo_data", products=40, verbosity=0, stdout=StringIO())
    pack = Product.objects.get(slug="pack-gamer-esencial")
    first_piece = pack.bundle_components.order_by("order").first().component.product
    products_set_category(product_ids=[pack.pk], category_id=first_piece.category_id)

    load_demo_bundles()

    pack.refresh_from_db()
    assert pack.category.slug == "packs-gamer"


def test_demo_reviewers_review_no_product_before_its_drop_starts(settings):
    from demo.catalog.loader import load_demo_catalog
    from demo.reviews import load_demo_reviews

    load_demo_catalog(products=40, seed=7, progress=False)
    upcoming = set(awaiting_launch().values_list("product_id", flat=True))
    assert upcoming, "the demo has a drop ahead"

    assert load_demo_reviews(progress=False) > 0
    from reviews.models import Review

    assert not Review.objects.filter(product_id__in=upcoming).exists()


def _inventory(products: int = 60):
    from demo.catalog.loader import load_demo_catalog
    from demo.inventory import load_demo_inventory

    load_demo_catalog(products=products, seed=7, progress=False)
    load_demo_inventory(progress=False)


def test_purchase_orders_buy_from_each_supplier_what_it_supplies_below_the_shelf_price():
    from demo.inventory import SUPPLIERS

    _inventory()

    supplies = {row["ruc"]: set(row["supplies"]) for row in SUPPLIERS}
    # Each supplier's trade, as its name says.
    families = {"20603456786": {"tecnologia"}, "20551234984": {"moda"}, "20487654320": {"hogar"}}
    lines = list(
        PurchaseOrderLine.objects.select_related("purchase_order__supplier", "variant__product__category__family")
    )
    assert len(lines) >= 10
    for line in lines:
        supplier, product = line.purchase_order.supplier, line.variant.product
        assert product.category.slug in supplies[supplier.ruc], (supplier.name, product.name)
        if supplier.ruc in families:
            assert product.category.family.slug in families[supplier.ruc], (supplier.name, product.name)
        # Unit costs are before IGV; the store buys below what it sells for, and not for a tenth of it.
        net_price = line.variant.price / (1 + Decimal(str(settings.IGV_RATE)))
        assert net_price * Decimal("0.35") <= line.unit_cost < net_price, (product.name, line.unit_cost, net_price)
    # Each order's lines are different products' variants or sizes, not the same variant twice.
    for order_lines in _by_order(lines).values():
        assert len({line.variant_id for line in order_lines}) == len(order_lines)


def _by_order(lines):
    grouped = {}
    for line in lines:
        grouped.setdefault(line.purchase_order_id, []).append(line)
    return grouped


def test_reorder_points_fit_the_stock_and_few_levels_are_low():
    _inventory()

    own = StockLevel.objects.filter(warehouse__kind=Warehouse.Kind.OWN)
    assert own.count() > 200
    # Most levels hold more than their reorder point, and that point grows with what the shelf holds.
    above = own.filter(on_hand__gt=F("minimum")).count()
    assert above >= own.count() * 0.9, (above, own.count())
    assert not own.filter(minimum=0).exists()
    assert not own.filter(maximum__lte=F("minimum")).exists()
    deep = own.filter(on_hand__gte=30).values_list("minimum", flat=True)
    shallow = own.filter(on_hand__lte=10, on_hand__gt=F("minimum")).values_list("minimum", flat=True)
    assert sum(deep) / len(deep) > sum(shallow) / len(shallow)
    # A store keeps fewer laptops than polos on its shelves (a laptop's level held up to 100 units).
    dear = own.filter(variant__product__base_price__gte=1000).values_list("maximum", flat=True)
    cheap = own.filter(variant__product__base_price__lt=300).values_list("maximum", flat=True)
    assert max(dear) <= 25 and sum(dear) / len(dear) < sum(cheap) / len(cheap) / 2
    # The low-stock list is a handful to reorder, some still on sale and some sold out.
    levels = StockLevel.objects.count()
    low = selectors.low_stock_levels()
    assert 0 < low.count() <= levels * 0.08, (low.count(), levels)
    assert low.filter(available_units__gt=0).exists()


def test_drops_launch_and_close_at_a_shop_hour():
    """A drop used to launch at the minute the demo was loaded ("sábado 28 de noviembre, 01:27")."""
    from django.utils import timezone

    from catalog.models import Banner, Collection
    from demo.catalog.loader import load_demo_catalog

    load_demo_catalog(products=40, seed=7, progress=False)

    for collection in Collection.objects.all():
        start = timezone.localtime(collection.starts_at)
        expected = (19, 0) if collection.collection_type == Collection.Type.DROP else (0, 0)
        assert (start.hour, start.minute, start.second) == (*expected, 0), (collection.slug, start)
        if collection.ends_at is not None:
            end = timezone.localtime(collection.ends_at)
            assert (end.hour, end.minute) == (23, 59), (collection.slug, end)
    for banner in Banner.objects.exclude(ends_at=None):
        assert timezone.localtime(banner.ends_at).strftime("%H:%M") == "23:59", banner.title


def test_a_sellers_product_is_pictured_as_what_it_is():
    """Andes Tech's USB-C charger was drawn as a mouse and filed under Periféricos."""
    from demo.backoffice import SELLER_STORES

    silhouette = {
        "audifonos": "headphones",
        "mouse": "mouse",
        "teclados": "keyboard",
        "monitores": "monitor",
        "chompas-y-chalinas": {"hoodie", "tshirt"},
    }
    for *_store, products in SELLER_STORES:
        for name, _sku, _price, category, _brand, (kind, _colour) in products:
            assert category in silhouette, name
            assert (
                kind in silhouette[category] if isinstance(silhouette[category], set) else kind == silhouette[category]
            )


def test_marketplace_sellers_list_only_products_of_their_trade():
    """Andes Tech (a technology seller) listed coffee tables, polos and sneakers; Pacífico Audio desks."""
    from django.contrib.auth import get_user_model

    from demo.backoffice import SELLER_TRADES, load_demo_marketplace
    from demo.catalog.loader import load_demo_catalog
    from demo.inventory import load_demo_inventory
    from demo.management.commands.demo_data import demo_seller_steps, ensure_demo_admin, ensure_demo_customer
    from demo.reviews import ensure_demo_seller
    from demo.shipping import load_demo_orders, load_demo_shipping

    credentials = {}
    ensure_demo_admin(credentials)
    ensure_demo_customer(credentials)
    for _name, step in demo_seller_steps():
        step(credentials)
    load_demo_catalog(products=60, seed=7, progress=False)
    load_demo_inventory(progress=False)
    load_demo_shipping()
    load_demo_orders()
    ensure_demo_seller(get_user_model().objects.filter(is_superuser=True).first())
    assert load_demo_marketplace()

    listed = Product.objects.filter(seller__isnull=False).select_related("seller", "category")
    assert {"20608745123", "10467793549"} <= {product.seller.ruc for product in listed} <= set(SELLER_TRADES)
    for product in listed:
        assert product.category.slug in SELLER_TRADES[product.seller.ruc], (product.seller.store_name, product.name)
