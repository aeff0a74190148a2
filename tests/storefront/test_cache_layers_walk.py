"""Every kind of catalog, stock, price and settings write, made through the services and admin paths
the store uses, shows on the cached pages that show it within the bound core.cache_layers states
(0 s: on the next request). Every cache is on: the page cache (marker), the shown stock, the
layout frame, cards, page content, facet counts, the tree. A bound above 0 is travelled in time
(time.time, which every layer's freshness reads) to one second past it.

Derived from the registry: a page layer no write visits, a model announced by a service, or a
model a page shows late (bound > 0) that no write below walks, fails
test_every_page_layer_and_late_or_service_told_model_is_walked; add a write here."""

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core import cache_layers
from shipping.models import ShippingZone
from tests.factories import (
    AddressFactory,
    BannerFactory,
    BrandFactory,
    CategoryFactory,
    CollectionFactory,
    FamilyFactory,
    ProductFactory,
    SellerFactory,
    ShippingRateFactory,
    ShippingZoneFactory,
    UserFactory,
    VariantFactory,
    percent_off,
    stock,
    write,
)
from tests.harness import shared_by_module

pytestmark = [pytest.mark.django_db, pytest.mark.page_cache]

# The pages a write is checked on, by the URL name the registry declares them under.
URL_NAMES = {
    "home": "storefront:home",
    "family": "catalog:family",
    "category": "catalog:category",
    "brand": "catalog:brand",
    "search": "catalog:search",
    "product": "catalog:product",
    "collection": "catalog:collection",
    "category in stock": "catalog:category?in_stock=1",
    "brand in stock": "catalog:brand?in_stock=1",
    "search in stock": "catalog:search?in_stock=1",
}


GUEST, CUSTOMER = "guest", "customer"


@dataclass(frozen=True)
class Write:
    name: str
    models: tuple[str, ...]  # what the write changes ("app.Model"), as the registry names them
    pages: tuple[str, ...]  # URL_NAMES keys
    write: Callable[[SimpleNamespace], None]
    shows: Callable[[SimpleNamespace], str]  # the new value, as the page shows it
    gone: bool = False  # the write removes `shows` from the pages instead
    prepare: Callable[[SimpleNamespace], None] | None = None  # before the pages are first rendered
    who: tuple[str, ...] = (GUEST,)  # walked for a guest, a signed-in customer, or both


@shared_by_module
def walked_store():
    """One product on every kind of page, built once for the module: each test's write is rolled back.
    (`other_products` stays per test: a product beside it changes what a listing counts.)"""
    from constance import config

    from catalog.models import CollectionItem
    from catalog.services import products_assign_seller
    from payments.services import payment_method_ensure_test_gateway
    from promotions.models import QuantityOffer
    from promotions.services import quantity_offer_create

    family = FamilyFactory(name="Textiles andinos", slug="textiles")
    category = CategoryFactory(name="Polos", slug="polos", family=family)
    brand = BrandFactory(name="Nazca", slug="nazca")
    product = ProductFactory(
        name="Polo Paracas",
        slug="polo-paracas",
        category=category,
        brand=brand,
        base_price=Decimal("59.00"),
        is_featured=True,
        is_new=True,
    )
    variant = VariantFactory(product=product, sku="PARACAS-M")
    level = stock(variant, quantity=10)
    seller = SellerFactory(store_name="Tienda Qori")
    products_assign_seller(product_ids=[product.pk], seller_id=seller.pk)
    rate = ShippingRateFactory(weight_to=Decimal("100"), price=Decimal("10.00"))
    collection = CollectionFactory(name="Drop Inti Raymi", slug="inti-raymi", starts_at=timezone.now() - timedelta(1))
    CollectionItem.objects.create(collection=collection, product=product)
    banner = BannerFactory(title="Invierno en los Andes")
    offer = quantity_offer_create(
        name="Lleva 3, paga 2", kind=QuantityOffer.Kind.BUY_N_PAY_M, buy_quantity=3, pay_quantity=2
    )
    author = UserFactory(first_name="Rosa", last_name="Quispe")
    customer = UserFactory(first_name="Lucía", last_name="Mamani")
    # Delivery outside Lima, for a customer who moves there.
    ShippingRateFactory(
        method=rate.method,
        zone=ShippingZoneFactory(kind=ShippingZone.Kind.PROVINCES),
        weight_to=Decimal("100"),
        price=Decimal("25.00"),
    )
    method = payment_method_ensure_test_gateway()
    config.STORE_NAME = "Kallpa"
    return SimpleNamespace(
        family=family,
        category=category,
        brand=brand,
        product=product,
        variant=variant,
        level=level,
        seller=seller,
        rate=rate,
        collection=collection,
        banner=banner,
        offer=offer,
        author=author,
        customer=customer,
        method=method,
        urls={
            "home": "/",
            "family": "/f/textiles/",
            "category": "/c/polos/",
            "brand": "/marca/nazca/",
            "search": "/search/?q=polo",
            "product": "/p/polo-paracas/",
            "collection": "/collections/inti-raymi/",
            "category in stock": "/c/polos/?in_stock=1",
            "brand in stock": "/marca/nazca/?in_stock=1",
            "search in stock": "/search/?q=polo&in_stock=1",
        },
    )


# --- the writes ---------------------------------------------------------------------


def _price(shop):
    from catalog.services import product_prices_set

    product_prices_set(prices={shop.product.pk: Decimal("79.00")})


def _rename_product(shop):
    from catalog.services import product_save

    shop.product.name = "Polo Qhapaq Ñan"
    product_save(product=shop.product)


def _draft(shop):
    from catalog.models import Product
    from catalog.services import products_set_status

    products_set_status(product_ids=[shop.product.pk], status=Product.Status.DRAFT)


def _variant_price(shop):
    from catalog.services import variant_save

    shop.variant.price_modifier = Decimal("5.00")
    variant_save(variant=shop.variant)


def _scheduled_price(shop):
    from catalog.models import ScheduledPrice
    from catalog.services import scheduled_price_save, scheduled_prices_run

    start = timezone.now() + timedelta(minutes=5)
    scheduled_price_save(
        scheduled=ScheduledPrice(starts_at=start, variant=shop.variant, kind="price", new_price=Decimal("49.00")),
        actor=None,
    )
    scheduled_prices_run(now=start)  # beat at its start


def _sold_out(shop):
    from inventory.services import stock_write_off

    stock_write_off(variant=shop.variant, warehouse=shop.level.warehouse, quantity=10, reason="Dañado")


def _receive(shop):
    from inventory.services import stock_receive

    stock_receive(variant=shop.variant, warehouse=shop.level.warehouse, quantity=20, reason="Reposición")


def _hold_everything(shop):
    from inventory.services import stock_reserve

    stock_reserve(lines={shop.variant.pk: 10}, cart_key="walk")


def _adjust(shop):
    from inventory.services import stock_adjust

    stock_adjust(variant=shop.variant, warehouse=shop.level.warehouse, quantity=-10, reason="Conteo")


def _close_warehouse(shop):
    warehouse = shop.level.warehouse
    warehouse.is_active = False
    warehouse.save()  # the admin's save


def _discount_starts(shop):
    percent_off("20", name="Fiestas Patrias")


def _discount_ends(shop):
    from promotions.services import discount_changed

    shop.discount.ends_at = timezone.now()
    shop.discount.save()
    discount_changed(discount=shop.discount)  # as the admin does after a save


def _start_discount(shop):
    shop.discount = percent_off("20", name="Fiestas Patrias")


def _new_offer(shop):
    from promotions.models import QuantityOffer, Scope
    from promotions.services import quantity_offer_create

    quantity_offer_create(
        name="Lleva 2 con 50 %",
        kind=QuantityOffer.Kind.NTH_UNIT_PERCENT,
        buy_quantity=2,
        percent=Decimal("50"),
        scope=Scope.PRODUCTS,
        priority=5,
        products=[shop.product],
    )


def _rename_offer(shop):
    from promotions.services import quantity_offer_changed

    shop.offer.name = "Tres por dos Qorikancha"
    shop.offer.save()
    quantity_offer_changed(offer=shop.offer)


def _rate(shop):
    shop.rate.price = Decimal("12.50")
    shop.rate.save()


def _store_name(shop):
    from constance import config

    config.STORE_NAME = "Kallpa Perú"


def _renamed(part: str, field: str, value: str) -> Callable[[SimpleNamespace], None]:
    """A write that renames one of the walked store's rows and saves it, as the admin's form does."""

    def write(shop: SimpleNamespace) -> None:
        row = getattr(shop, part)
        setattr(row, field, value)
        row.save()

    return write


def _pending_review(shop):
    shop.review = write(shop.author, shop.product, rating=4, title="Abriga de verdad")


def _approve(shop):
    from reviews.services import review_approve

    review_approve(review_id=shop.review.pk, moderator=None)


def _approved_review(shop):
    _pending_review(shop)
    _approve(shop)


def _helpful(shop):
    from reviews.services import review_vote_helpful

    review_vote_helpful(user=UserFactory(), review_id=shop.review.pk)


def _move_shopper(shop):
    AddressFactory(
        user=shop.customer, department="04", province="Arequipa", district="Arequipa", is_default_shipping=True
    )


LISTINGS = ("home", "category", "brand", "search")
BOTH = (GUEST, CUSTOMER)

WRITES = (
    Write("product price", ("catalog.Product",), ("product", *LISTINGS), _price, lambda s: "S/ 79.00", who=BOTH),
    Write(
        "product name", ("catalog.Product",), ("product", "family", *LISTINGS), _rename_product, lambda s: "Qhapaq Ñan"
    ),
    Write("product hidden", ("catalog.Product",), LISTINGS, _draft, lambda s: "Polo Paracas", gone=True),
    Write("variant price", ("catalog.Variant",), ("product",), _variant_price, lambda s: "S/ 64.00"),
    Write(
        "scheduled price applied",
        ("catalog.ScheduledPrice", "catalog.Variant"),
        ("product",),
        _scheduled_price,
        lambda s: "S/ 49.00",
    ),
    Write(
        "stock sold out (write-off)",
        ("inventory.Movement", "inventory.StockLevel"),
        ("product",),
        _sold_out,
        lambda s: "Agotado",
    ),
    Write(
        "stock received",
        ("inventory.Movement", "inventory.StockLevel"),
        ("product",),
        _receive,
        lambda s: "Con stock",
        prepare=_sold_out,
    ),
    Write(
        "stock sold out, listing filtered by stock",
        ("inventory.Movement", "inventory.StockLevel"),
        ("category in stock", "brand in stock", "search in stock"),
        _sold_out,
        lambda s: "1 producto",  # the count (the product's name is read afresh once the content lapses)
        gone=True,
    ),
    Write("stock held", ("inventory.Reservation",), ("product",), _hold_everything, lambda s: "Agotado"),
    Write("stock adjusted", ("inventory.Movement", "inventory.StockLevel"), ("product",), _adjust, lambda s: "Agotado"),
    Write("warehouse closed", ("inventory.Warehouse",), ("product",), _close_warehouse, lambda s: "Agotado"),
    Write(
        "discount started",
        ("promotions.AutomaticDiscount", "promotions.DiscountTarget"),
        ("product", *LISTINGS),
        _discount_starts,
        lambda s: "\u221220\u00a0%",
    ),
    Write(
        "discount ended",
        ("promotions.AutomaticDiscount",),
        ("product", *LISTINGS),
        _discount_ends,
        lambda s: "\u221220\u00a0%",
        gone=True,
        prepare=_start_discount,
    ),
    Write(
        "quantity offer started",
        ("promotions.QuantityOffer", "promotions.QuantityOfferTarget"),
        ("product",),
        _new_offer,
        lambda s: "Lleva 2 con 50 %",
    ),
    Write("quantity offer renamed", ("promotions.QuantityOffer",), ("product",), _rename_offer, lambda s: "Qorikancha"),
    Write("shipping rate", ("shipping.ShippingRate",), ("product",), _rate, lambda s: "S/ 12.50", who=BOTH),
    Write(
        "site setting",
        ("constance.Constance",),
        ("product", "family", "collection", *LISTINGS),
        _store_name,
        lambda s: "Kallpa Perú",
        who=BOTH,
    ),
    Write(
        "banner",
        ("catalog.Banner",),
        ("home",),
        _renamed("banner", "title", "Carnaval de Cajamarca"),
        lambda s: "Carnaval de Cajamarca",
    ),
    Write(
        "collection",
        ("catalog.Collection",),
        ("home", "collection"),
        _renamed("collection", "name", "Drop Qoyllur Rit'i"),
        lambda s: "Qoyllur Rit",
    ),
    Write(
        "category renamed",
        ("catalog.Category",),
        ("product", "family", "category"),
        _renamed("category", "name", "Polos de algodón"),
        lambda s: "de algodón",
    ),
    Write(
        "brand renamed",
        ("catalog.Brand",),
        ("product", "brand", "category", "home"),
        _renamed("brand", "name", "Nazca Textil"),
        lambda s: "Nazca Textil",
    ),
    Write(
        "review approved",
        ("reviews.Review",),
        ("product",),
        _approve,
        lambda s: "Abriga de verdad",
        prepare=_pending_review,
    ),
    Write(
        "review voted helpful",
        ("reviews.ReviewVote",),
        ("product",),
        _helpful,
        lambda s: "review-helpful-count",
        prepare=_approved_review,
        who=BOTH,
    ),
    Write(
        "review author renamed",
        ("accounts.User",),
        ("product",),
        _renamed("author", "first_name", "Carmen"),
        lambda s: "Carmen",
        prepare=_approved_review,
        who=BOTH,
    ),
    Write(
        "seller renamed",
        ("accounts.Seller",),
        ("product",),
        _renamed("seller", "store_name", "Tienda Inti"),
        lambda s: "Tienda Inti",
    ),
    Write(
        "payment method renamed",
        ("payments.PaymentMethod",),
        ("product", "category", "home", "collection"),
        _renamed("method", "name", "Tarjeta Qullqi"),
        lambda s: "Tarjeta Qullqi",
    ),
    # A signed-in shopper's own parts, filled in on every request.
    Write("shopper moved", ("accounts.Address",), ("product",), _move_shopper, lambda s: "Arequipa", who=(CUSTOMER,)),
    Write(
        "shopper renamed",
        ("accounts.User",),
        ("product", "category", "home"),
        _renamed("customer", "first_name", "Rocío"),
        lambda s: "Rocío",
        who=(CUSTOMER,),
    ),
)


def _page_layer(page: str) -> cache_layers.Layer:
    return next(found for found in cache_layers.page_layers() if URL_NAMES[page] in found.pages)


def bound(case: Write, page: str) -> float:
    """How late the registry says this write may show on this page."""
    return max(cache_layers.staleness(_page_layer(page).name, model) for model in case.models)


def test_every_page_layer_and_late_or_service_told_model_is_walked():
    walked_models = {model for case in WRITES for model in case.models}
    walked_pages = {_page_layer(page).name for case in WRITES for page in case.pages}
    assert walked_pages == {found.name for found in cache_layers.page_layers()}
    told_by_services = {model for found in cache_layers.LAYERS for model, _service in found.told_by_services}
    shown_late = {
        model._meta.label
        for app_label in cache_layers.PAGE_DATA_APPS
        for model in apps.get_app_config(app_label).get_models()
        if any(cache_layers.staleness(page.name, model._meta.label) for page in cache_layers.page_layers())
    }
    assert not (told_by_services | shown_late) - walked_models, "walk a write of each of these"


def test_every_layer_filled_in_per_request_is_walked_signed_in():
    """What a page fills in for a signed-in shopper on every request (their menu, reviews, delivery
    place) is walked by a signed-in customer's write."""
    walked = {model for case in WRITES if CUSTOMER in case.who for model in case.models}
    filled = {name for page in cache_layers.page_layers() for name in page.filled}
    for name in filled:
        shown = {
            model._meta.label
            for app_label in cache_layers.PAGE_DATA_APPS
            for model in apps.get_app_config(app_label).get_models()
            if cache_layers.shows(name, model._meta.label)
        }
        assert not shown or shown & walked, f"{name}: walk a signed-in write of one of {sorted(shown)}"


def _html(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def _cached(client, url: str) -> bool:
    with CaptureQueriesContext(connection) as queries:
        _html(client, url)
    return not queries.captured_queries


@pytest.mark.parametrize(
    "case, who",
    [(case, who) for case in WRITES for who in case.who],
    ids=lambda value: value.name if isinstance(value, Write) else value,
)
def test_a_write_shows_on_every_cached_page_within_its_stated_bound(case, who, walked_store, client, monkeypatch):
    shop = walked_store
    if who == CUSTOMER:
        client.force_login(shop.customer)
    if case.prepare:
        case.prepare(shop)
    text = case.shows(shop)
    for page in case.pages:  # rendered and kept by every layer
        url = shop.urls[page]
        assert (text in _html(client, url)) == case.gone, f"{page} before the write"
        if _page_layer(page).stale_seconds:
            if who == CUSTOMER:  # their own parts are read on the first hit, then kept too
                _html(client, url)
            assert _cached(client, url), f"{page} is not served from the page cache"
    case.write(shop)

    now = time.time()
    for page in sorted(case.pages, key=lambda page: bound(case, page)):
        late = bound(case, page)
        if late:  # one second past the bound
            monkeypatch.setattr(time, "time", lambda late=late: now + late + 1)
        for answer in ("rendered", "from the cache"):  # the page rendered again, then a hit of it
            shown = text in _html(client, shop.urls[page])
            assert shown != case.gone, f"{page}, {late} s after the write, {answer}"


# --- a write costs only what it changes -----------------------------------------------------------

# Writes of the walked product alone: they renew its pages and those that show its card, no other.
ONE_PRODUCT_WRITES = (
    "product price",
    "product name",
    "product hidden",
    "variant price",
    "scheduled price applied",
    "stock received",
    "review approved",
)


@pytest.fixture
def other_products(walked_store):
    """A product of another category and brand (no page of it shows the walked one) and one of the
    walked product's category, the best-selling there (each is among the other's related products)."""
    from catalog.services import products_assign_seller

    shop = walked_store
    elsewhere = ProductFactory(
        name="Chompa Wari",
        slug="chompa-wari",
        category=CategoryFactory(name="Chompas", slug="chompas", family=shop.family),
        brand=BrandFactory(name="Wari", slug="wari"),
        base_price=Decimal("120.00"),
    )
    sibling = ProductFactory(
        name="Camiseta Moche",
        slug="camiseta-moche",
        category=shop.category,
        brand=shop.brand,
        base_price=Decimal("45.00"),
        units_sold=90,
    )
    for product in (elsewhere, sibling):
        stock(VariantFactory(product=product), shop.level.warehouse, 5)
    products_assign_seller(product_ids=[elsewhere.pk, sibling.pk], seller_id=shop.seller.pk)
    return SimpleNamespace(
        elsewhere=elsewhere.get_absolute_url(),
        sibling=sibling.get_absolute_url(),
        elsewhere_listings=("/c/chompas/", "/c/chompas/?in_stock=1", "/marca/wari/", "/marca/wari/?in_stock=1"),
    )


@pytest.mark.parametrize("name", ONE_PRODUCT_WRITES)
def test_a_write_to_one_product_leaves_the_other_products_pages_warm(name, walked_store, other_products, client):
    case = next(case for case in WRITES if case.name == name)
    shop = walked_store
    if case.prepare:
        case.prepare(shop)
    text = case.shows(shop)
    product = shop.urls["product"]
    elsewhere = (other_products.elsewhere, *other_products.elsewhere_listings)
    for url in (product, *elsewhere):
        _html(client, url)
        assert _cached(client, url), url
    case.write(shop)

    for url in elsewhere:
        assert _cached(client, url), f"another category's page went cold: {url}"
    if "product" in case.pages:  # its own page shows the new value at once, then from the cache
        assert (text in _html(client, product)) != case.gone
        assert (text in _html(client, product)) != case.gone


def test_a_product_s_new_price_shows_at_once_on_the_pages_that_show_its_card(walked_store, other_products, client):
    shop = walked_store
    sibling = other_products.sibling
    assert "S/ 59.00" in _html(client, sibling)  # the walked product among its related products
    assert _cached(client, sibling)
    _price(shop)
    page = _html(client, sibling)
    assert "S/ 79.00" in page and "S/ 59.00" not in page
    assert "S/ 79.00" in _html(client, sibling)  # and from the cache


def test_a_product_joining_a_category_shows_at_once_among_its_products_related(walked_store, other_products, client):
    from catalog.models import Product
    from catalog.services import products_set_status

    shop = walked_store
    products_set_status(product_ids=[shop.product.pk], status=Product.Status.DRAFT)
    assert "Polo Paracas" not in _html(client, other_products.sibling)
    assert _cached(client, other_products.sibling)
    products_set_status(product_ids=[shop.product.pk], status=Product.Status.ACTIVE)
    assert "Polo Paracas" in _html(client, other_products.sibling)


def test_a_product_moved_to_another_category_leaves_one_listing_and_joins_the_other_at_once(
    walked_store, other_products, client
):
    from catalog.models import Category
    from catalog.services import product_save

    shop = walked_store
    polos, chompas = shop.urls["category"], "/c/chompas/"
    for url in (polos, chompas):
        _html(client, url)
        assert _cached(client, url), url
    shop.product.category = Category.objects.get(slug="chompas")
    product_save(product=shop.product)

    assert "Polo Paracas" not in _html(client, polos)
    assert "Polo Paracas" in _html(client, chompas)
    assert _cached(client, polos) and _cached(client, chompas)


def test_the_home_page_stays_warm_while_a_product_off_its_rows_is_written(walked_store, other_products, client):
    from catalog.models import Product
    from catalog.services import product_prices_set, product_save

    _html(client, "/")
    assert _cached(client, "/")
    elsewhere = Product.objects.get(slug="chompa-wari")  # neither featured nor new
    product_prices_set(prices={elsewhere.pk: Decimal("99.00")})
    elsewhere.name = "Chompa Wari Alpaca"
    product_save(product=elsewhere)
    assert _cached(client, "/")

    elsewhere.is_featured = True  # now among what the featured row chooses from: it shows at once
    product_save(product=elsewhere)
    assert "Chompa Wari Alpaca" in _html(client, "/")
    assert _cached(client, "/")
    Product.objects.filter(pk=elsewhere.pk).update(is_featured=False)
    assert "Chompa Wari Alpaca" not in _html(client, "/")


def test_a_drop_s_write_renews_its_products_pages_and_leaves_the_others_warm(walked_store, other_products, client):
    shop = walked_store
    elsewhere = (other_products.elsewhere, *other_products.elsewhere_listings)
    product = shop.urls["product"]
    for url in (product, *elsewhere):
        _html(client, url)
        assert _cached(client, url), url
    assert "Drop Inti Raymi" not in _html(client, product)  # on sale: the page names no drop
    shop.collection.starts_at = timezone.now() + timedelta(days=2)  # put off: its product waits for it
    shop.collection.save()

    assert "Drop Inti Raymi" in _html(client, product)
    assert "Drop Inti Raymi" in _html(client, shop.urls["home"])  # among the drops coming
    for url in elsewhere:
        assert _cached(client, url), f"a page of a product outside the drop went cold: {url}"
