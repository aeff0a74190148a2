"""Whole storefront pages cached for anonymous shoppers (storefront.page_cache): a hit reads no
rows, shows what a render shows (catalog writes at once, stock within seconds) and each
shopper's own CSRF token and mini-cart; signed-in customers and other languages get their page."""

import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from storefront import page_cache
from catalog.models import Product
from catalog.services import product_promotions_set
from inventory.models import StockLevel
from tests.factories import PASSWORD, CategoryFactory, ProductFactory, UserFactory, VariantFactory, stock

pytestmark = [pytest.mark.django_db, pytest.mark.page_cache]

CSRF_IN_FORM = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
MINI_CART_COUNT = re.compile(r'id="mini-cart-count"[^>]*><span class="sr-only">[^<]*</span>(\d+)</span>')


@pytest.fixture
def shirts():
    category = CategoryFactory(name="Polos", slug="polos")
    products = []
    for index in range(3):
        product = ProductFactory(name=f"Polo Nazca {index}", slug=f"polo-nazca-{index}", category=category,
                                 base_price=Decimal("59.00") + index)
        stock(VariantFactory(product=product, sku=f"NAZCA-{index}"), quantity=10)
        products.append(product)
    return products


def _text(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def _without_tokens(html: str) -> str:
    return re.sub(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+', r"\1", html)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        _text(client.get(url))
    return len(queries)


@pytest.mark.parametrize("url", ["/p/polo-nazca-0/", "/c/polos/", "/search/?q=polo"])
def test_a_hit_is_the_rendered_page_and_reads_no_rows(client, shirts, url):
    rendered = _text(client.get(url))
    assert _queries(client, url) == 0
    assert _without_tokens(_text(client.get(url))) == _without_tokens(rendered)


def test_a_hit_reads_no_rows_for_one_product_or_many(client, shirts):
    Product.objects.filter(pk__in=[p.pk for p in shirts[1:]]).update(status=Product.Status.DRAFT)
    client.get("/c/polos/")
    one = _queries(client, "/c/polos/")
    for index in range(3, 30):
        ProductFactory(name=f"Polo Paracas {index}", category=shirts[0].category)
    client.get("/c/polos/")
    assert one == _queries(client, "/c/polos/") == 0


def test_price_and_discount_changes_show_on_the_next_request(client, shirts):
    url = shirts[0].get_absolute_url()
    assert "S/ 59.00" in _text(client.get(url))

    Product.objects.filter(pk=shirts[0].pk).update(base_price=Decimal("79.00"))
    assert "S/ 79.00" in _text(client.get(url))

    product_promotions_set(promotions={shirts[0].pk: (Decimal("50"), Decimal("0"))})
    page = _text(client.get(url))
    assert "S/ 39.50" in page and "-50&nbsp;%" in page
    assert "S/ 39.50" in _text(client.get("/c/polos/"))


def test_a_sale_keeps_the_cached_pages(client, shirts):
    """Units sold move on every order but only order "best-selling": a sale must not empty the
    cache, while a price change still does."""
    from catalog import listing_cache
    from catalog.services import products_units_sold_add

    client.get("/c/polos/")
    version = cache.get(listing_cache.VERSION_KEY)
    products_units_sold_add(quantities={shirts[0].pk: 3})
    assert cache.get(listing_cache.VERSION_KEY) == version
    assert _queries(client, "/c/polos/") == 0
    Product.objects.filter(pk=shirts[0].pk).update(base_price=Decimal("61.00"))
    assert cache.get(listing_cache.VERSION_KEY) != version


def test_a_site_setting_change_shows_on_the_next_request(client, shirts):
    from constance import config

    url = shirts[0].get_absolute_url()
    assert "| Kallpa" in _text(client.get(url))
    config.STORE_NAME = "Kallpa Perú"
    assert "| Kallpa Perú" in _text(client.get(url))


def test_stock_shows_once_the_entry_is_no_longer_fresh(client, shirts, monkeypatch):
    url = shirts[0].get_absolute_url()
    assert "Con stock" in _text(client.get(url))
    StockLevel.objects.filter(variant__product=shirts[0]).update(on_hand=0)
    assert "Con stock" in _text(client.get(url))  # within FRESH_SECONDS the shared page answers

    later = page_cache.time.time() + page_cache.FRESH_SECONDS + 1
    monkeypatch.setattr(page_cache.time, "time", lambda: later)
    assert "Agotado" in _text(client.get(url))


def test_a_listing_filtered_by_stock_follows_stock_like_a_product_page(client, shirts, monkeypatch):
    filtered = "/c/polos/?in_stock=1"
    assert "Polo Nazca 0" in _text(client.get(filtered))
    assert "Polo Nazca 0" in _text(client.get("/c/polos/"))
    StockLevel.objects.filter(variant__product=shirts[0]).update(on_hand=0)

    later = page_cache.time.time() + page_cache.FRESH_SECONDS + 1
    monkeypatch.setattr(page_cache.time, "time", lambda: later)
    assert "Polo Nazca 0" not in _text(client.get(filtered))
    assert "Polo Nazca 0" in _text(client.get("/c/polos/"))  # shows no stock: the entry is still fresh


def test_each_shopper_gets_a_csrf_token_that_works(shirts):
    url = shirts[0].get_absolute_url()
    Client().get(url)  # stored by someone else
    shopper = Client(enforce_csrf_checks=True)
    page = _text(shopper.get(url))
    tokens = set(CSRF_IN_FORM.findall(page))
    assert len(tokens) == 1 and page_cache.CSRF_PLACEHOLDER not in page
    assert f'"X-CSRFToken": "{tokens.pop()}"' in page
    token = CSRF_IN_FORM.search(page).group(1)
    response = shopper.post(reverse("cart:add"), {"sku": "NAZCA-0", "quantity": "1", "csrfmiddlewaretoken": token})
    assert response.status_code == 302


def test_each_shopper_sees_their_own_mini_cart(shirts):
    url = shirts[1].get_absolute_url()
    buyer, browser = Client(), Client()
    assert buyer.post(reverse("cart:add"), {"sku": "NAZCA-0", "quantity": "2"}).status_code == 302
    buyer.get(url)  # shows (and so consumes) the "added" message: rendered, not shared
    browser.get(url)

    assert MINI_CART_COUNT.search(_text(buyer.get(url))).group(1) == "2"
    assert MINI_CART_COUNT.search(_text(browser.get(url))).group(1) == "0"
    assert page_cache.MINI_CART_PLACEHOLDER not in _text(browser.get(url))


def test_a_signed_in_header_is_never_shared(shirts):
    url = shirts[0].get_absolute_url()
    user = UserFactory(first_name="Rosa")
    customer, guest = Client(), Client()
    assert customer.post(reverse("account_login"), {"login": user.email, "password": PASSWORD}).status_code == 302
    customer.get(url)

    guest.get(url)
    page = _text(guest.get(url))
    assert "Mi cuenta" not in page and "Iniciar sesión" in page
    page = _text(customer.get(url))
    assert "Mi cuenta" in page and "Rosa" in page


def test_each_language_has_its_page(client, shirts):
    url = shirts[0].get_absolute_url()
    assert "Con stock" in _text(client.get(url))
    client.cookies["lang"] = "en"
    english = _text(client.get(url))
    assert "In stock" in english and "Con stock" not in english
    client.cookies["lang"] = "es"
    assert "Con stock" in _text(client.get(url))
