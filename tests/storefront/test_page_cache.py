"""Whole storefront pages (the home page too) cached for anonymous shoppers (storefront.page_cache): a hit reads no
rows, shows what a render shows (catalog writes at once, stock within seconds) and each
shopper's own CSRF token and mini-cart; signed-in customers and other languages get their page."""

import re
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from catalog.models import Product, Variant
from catalog.services import product_promotions_set
from inventory.models import StockLevel
from storefront import page_cache
from tests.factories import PASSWORD, BannerFactory, CategoryFactory, ProductFactory, UserFactory, VariantFactory, stock
from tests.harness import counting_cache_reads, shared_by_module
from waitingroom.room import forget_settings

pytestmark = [pytest.mark.django_db, pytest.mark.page_cache]

CSRF_IN_FORM = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
MINI_CART_COUNT = re.compile(r'id="mini-cart-count"[^>]*><span class="sr-only">[^<]*</span>(\d+)</span>')


@shared_by_module
def shirts():
    category = CategoryFactory(name="Polos", slug="polos")
    products = []
    for index in range(3):
        product = ProductFactory(
            name=f"Polo Nazca {index}",
            slug=f"polo-nazca-{index}",
            category=category,
            base_price=Decimal("59.00") + index,
        )
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


@pytest.mark.parametrize("url", ["/", "/p/polo-nazca-0/", "/c/polos/", "/search/?q=polo"])
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
    assert "S/ 39.50" in page and "\u221250\u00a0%" in page
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
    from inventory.services import stock_write_off

    assert "Con stock" in _text(client.get(url))
    level = StockLevel.objects.get(variant__product=shirts[0])
    stock_write_off(variant=level.variant, warehouse=level.warehouse, quantity=level.on_hand, reason="Dañado")
    assert "Con stock" in _text(client.get(url))  # within FRESH_SECONDS the shared page answers

    later = page_cache.time.time() + page_cache.FRESH_SECONDS + 1
    monkeypatch.setattr(page_cache.time, "time", lambda: later)
    assert "Agotado" in _text(client.get(url))


def test_an_old_product_page_whose_stock_holds_is_served_without_a_render(client, shirts, settings, monkeypatch):
    """At a sale most pages' stock does not move: past FRESH_SECONDS a product page is served while
    every figure it shows is still the shown stock's (one cache round trip, no render, no row read),
    up to STOCK_CHECKED_SECONDS; then it is rendered again."""
    settings.STOCK_SHOWN_VERIFY = False  # the suite's check of every served figure reads the database
    url = shirts[0].get_absolute_url()
    rendered = _text(client.get(url))
    start = page_cache.time.time()

    monkeypatch.setattr(page_cache.time, "time", lambda: start + page_cache.FRESH_SECONDS + 1)
    assert _queries(client, url) == 0
    monkeypatch.setattr(page_cache.time, "time", lambda: start + page_cache.STOCK_CHECKED_SECONDS - 1)
    assert _queries(client, url) == 0
    assert _without_tokens(_text(client.get(url))) == _without_tokens(rendered)
    monkeypatch.setattr(page_cache.time, "time", lambda: start + page_cache.STOCK_CHECKED_SECONDS + 1)
    assert _queries(client, url) > 0


def test_an_old_product_page_whose_stock_moved_is_rendered_again(client, shirts, settings, monkeypatch):
    from inventory.services import stock_reserve

    settings.STOCK_SHOWN_VERIFY = False
    url = shirts[0].get_absolute_url()
    assert "Con stock" in _text(client.get(url))
    level = StockLevel.objects.get(variant__product=shirts[0])
    stock_reserve(lines=[(level.variant_id, level.on_hand)], cart_key="someone-else")  # every unit held
    later = page_cache.time.time() + page_cache.FRESH_SECONDS + 1
    monkeypatch.setattr(page_cache.time, "time", lambda: later)
    assert "Agotado" in _text(client.get(url))


def test_stock_that_comes_back_shows_on_the_next_request(client, shirts):
    from inventory.services import stock_receive

    url = shirts[0].get_absolute_url()
    StockLevel.objects.filter(variant__product=shirts[0]).update(on_hand=0)
    assert "Agotado" in _text(client.get(url))
    level = StockLevel.objects.get(variant__product=shirts[0])
    stock_receive(variant=level.variant, warehouse=level.warehouse, quantity=20, reason="Reposición")
    assert "Con stock" in _text(client.get(url))  # a restock renews the pages, as a price change does


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
    shopper.get("/csrf/")  # a browser's first page, or the token store.js fetched for it
    page = _text(shopper.get(url))
    tokens = set(CSRF_IN_FORM.findall(page))
    assert len(tokens) == 1 and page_cache.CSRF_PLACEHOLDER not in page
    assert f'"X-CSRFToken": "{tokens.pop()}"' in page
    token = CSRF_IN_FORM.search(page).group(1)
    response = shopper.post(reverse("cart:add"), {"sku": "NAZCA-0", "quantity": "1", "csrfmiddlewaretoken": token})
    assert response.status_code == 302


def test_a_first_visitor_s_token_comes_from_the_store_and_works(shirts):
    url = shirts[0].get_absolute_url()
    Client().get(url)
    shopper = Client(enforce_csrf_checks=True)
    assert not CSRF_IN_FORM.search(_text(shopper.get(url)))  # the shared page
    answer = shopper.get(reverse("csrf_token"))
    assert answer["Cache-Control"].startswith("max-age=0") and "no-store" in answer["Cache-Control"]
    token = answer.json()["token"]
    assert (
        shopper.post(
            reverse("cart:add"),
            {"sku": "NAZCA-0", "quantity": "1", "csrfmiddlewaretoken": token},
            HTTP_REFERER="http://testserver" + url,
        ).status_code
        == 302
    )


def test_a_form_sent_without_a_token_gets_a_page_in_spanish_that_sets_the_cookie(shirts):
    shopper = Client(enforce_csrf_checks=True)
    response = shopper.post(reverse("cart:add"), {"sku": "NAZCA-0", "quantity": "1"})
    assert response.status_code == 403 and response.cookies.get("csrftoken")
    page = response.content.decode()
    assert "Vuelve a intentarlo" in page and "No pudimos confirmar" in page and "CSRF verification" not in page
    token = CSRF_IN_FORM.search(page).group(1)
    assert (
        shopper.post(reverse("cart:add"), {"sku": "NAZCA-0", "quantity": "1", "csrfmiddlewaretoken": token}).status_code
        == 302
    )


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


def test_the_home_page_shows_a_featured_product_s_new_price_and_a_banner_from_its_start(client, shirts):
    Product.objects.filter(pk=shirts[0].pk).update(is_featured=True)
    starts_at = timezone.now() + timedelta(seconds=2)
    BannerFactory(title="Cyber Wow", starts_at=starts_at)
    page = _text(client.get("/"))
    assert "S/ 59.00" in page and "Cyber Wow" not in page

    Product.objects.filter(pk=shirts[0].pk).update(base_price=Decimal("69.00"))
    assert "S/ 69.00" in _text(client.get("/"))  # a catalog write: at once
    assert _queries(client, "/") == 0

    # A banner's start is no write: the entry ends at that moment, well inside its freshness.
    assert timezone.now() < starts_at, "the page must be cached before the banner starts"
    time.sleep(max((starts_at - timezone.now()).total_seconds(), 0) + 0.2)
    assert "Cyber Wow" in _text(client.get("/"))


# --- signed-in shoppers get the shared page with their own parts ---------------------------------


def _signed_in(user) -> Client:
    client = Client()
    assert client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD}).status_code == 302
    client.get("/")  # shows (and so consumes) the "signed in" message: rendered, not shared
    return client


@pytest.fixture
def reviewed(shirts):
    """Polo Nazca 0 with two approved reviews: Rosa wrote one, Luis found the other helpful;
    the option it opens on is sold out (the "Avísame" form shows, filled with a signed-in shopper's e-mail)."""
    from reviews.services import review_approve, review_create, review_vote_helpful

    rosa, luis, other = (
        UserFactory(first_name=name, email=f"{name.lower()}@example.pe") for name in ("Rosa", "Luis", "Carla")
    )
    own = review_create(user=rosa, product=shirts[0], rating=5, title="Muy bueno", body="Me quedó perfecto.")
    review_approve(review_id=own.pk, moderator=None)
    liked = review_create(user=other, product=shirts[0], rating=4, title="Buen algodón", body="Lo recomiendo.")
    review_approve(review_id=liked.pk, moderator=None)
    review_vote_helpful(user=luis, review_id=liked.pk)
    VariantFactory(product=shirts[0], sku="NAZCA-0-XL")  # no stock: the "Avísame" form shows
    Variant.objects.filter(sku="NAZCA-0").update(order=1)  # the page opens on the sold-out option
    return rosa, luis


def _rendered_for(client, url, settings) -> str:
    settings.STOREFRONT_PAGE_CACHE = False
    try:
        return _without_tokens(_text(client.get(url)))
    finally:
        settings.STOREFRONT_PAGE_CACHE = True


@pytest.mark.parametrize(
    "url", ["/", "/p/polo-nazca-0/", "/p/polo-nazca-0/?review_sort=recent", "/c/polos/", "/search/?q=polo"]
)
def test_a_signed_in_shopper_gets_from_the_cache_the_page_a_render_gives_them(reviewed, url, settings):
    rosa, luis = reviewed
    nadia, pedro = UserFactory(first_name="Nadia"), UserFactory(first_name="Pedro")  # no review, no vote
    Client().get(url)  # a guest stores the page
    for user in (rosa, luis, nadia, pedro):
        shopper = _signed_in(user)
        assert _without_tokens(_text(shopper.get(url))) == _rendered_for(shopper, url, settings)
    guest = Client()
    assert _without_tokens(_text(guest.get(url))) == _rendered_for(guest, url, settings)


def test_a_page_stored_by_a_signed_in_shopper_shows_nothing_of_theirs_to_others(reviewed, settings):
    rosa, luis = reviewed
    url = "/p/polo-nazca-0/"
    rosa_client = _signed_in(rosa)
    assert "Hola, Rosa" in _text(rosa_client.get(url))  # rendered for Rosa, stored for everyone
    assert _queries(Client(), url) == 0  # a guest's hit

    guest_page = _text(Client().get(url))
    assert (
        "Hola, Rosa" not in guest_page and "rosa@example.pe" not in guest_page and "reviews-own-title" not in guest_page
    )
    assert _without_tokens(guest_page) == _rendered_for(Client(), url, settings)

    luis_page = _text(_signed_in(luis).get(url))
    assert "Hola, Luis" in luis_page and "Hola, Rosa" not in luis_page
    assert 'value="luis@example.pe"' in luis_page and "rosa@example.pe" not in luis_page
    assert "Te resultó útil" in luis_page and "reviews-own-title" not in luis_page


def test_two_shoppers_and_a_guest_interleaved_each_get_their_own_page(reviewed):
    rosa, luis = reviewed
    url = "/p/polo-nazca-0/"
    rosa_client, luis_client, guest = _signed_in(rosa), _signed_in(luis), Client()
    assert luis_client.post(reverse("cart:add"), {"sku": "NAZCA-1", "quantity": "3"}).status_code == 302
    luis_client.get("/c/polos/")  # consumes the "added" message
    for _ in range(2):
        for client, name, email, units, own_review in (
            (rosa_client, "Rosa", "rosa@example.pe", "0", True),
            (guest, None, "", "0", False),
            (luis_client, "Luis", "luis@example.pe", "3", False),
        ):
            page = _text(client.get(url))
            assert MINI_CART_COUNT.search(page).group(1) == units
            assert (f"Hola, {name}" in page) if name else ("Iniciar sesión" in page and "Mi cuenta" not in page)
            assert f'name="email" value="{email}"' in page
            assert ("reviews-own-title" in page) is own_review
            assert page_cache.CSRF_PLACEHOLDER not in page and "@@page-cache" not in page


def test_a_signed_in_hit_renders_no_page(reviewed):
    rosa, _luis = reviewed
    shopper = _signed_in(rosa)
    Client().get("/c/polos/")
    # The session and its user, nothing of the page (its listing took 8 queries rendered).
    assert _queries(shopper, "/c/polos/") <= 2
    Client().get("/p/polo-nazca-0/")
    # Plus the reviews section made for Rosa: the product, its reviews, her own, her votes.
    assert _queries(shopper, "/p/polo-nazca-0/") <= 6


def test_a_signed_in_shopper_s_csrf_token_works_on_a_shared_page(reviewed):
    rosa, _luis = reviewed
    url = "/p/polo-nazca-1/"
    Client().get(url)
    shopper = Client(enforce_csrf_checks=True)
    assert (
        shopper.post(
            reverse("account_login"),
            {"login": rosa.email, "password": PASSWORD, "csrfmiddlewaretoken": _csrf_from(shopper)},
        ).status_code
        == 302
    )
    shopper.get("/")  # the "signed in" message
    page = _text(shopper.get(url))
    assert "Hola, Rosa" in page
    token = CSRF_IN_FORM.search(page).group(1)
    response = shopper.post(reverse("cart:add"), {"sku": "NAZCA-1", "quantity": "1", "csrfmiddlewaretoken": token})
    assert response.status_code == 302


def _csrf_from(client) -> str:
    return CSRF_IN_FORM.search(_text(client.get(reverse("account_login")))).group(1)


# --- HTTP validators: a browser revalidating an unchanged cached page gets a 304 -----------------


def test_an_unchanged_cached_page_is_not_sent_again_and_a_changed_one_is(client, shirts):
    url = shirts[0].get_absolute_url()
    client.get(reverse("csrf_token"))  # the CSRF cookie, as store.js asks for it
    client.get(url)  # stores the page
    first = client.get(url)
    assert first.status_code == 200 and first["Cache-Control"] == "private, no-cache"
    etag = first["ETag"]

    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    compressed = client.get(url, HTTP_ACCEPT_ENCODING="gzip")  # gzipped: its ETag is weak
    assert compressed["ETag"].startswith("W/")
    assert client.get(url, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=compressed["ETag"]).status_code == 304

    Product.objects.filter(pk=shirts[0].pk).update(base_price=Decimal("79.00"))
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    # Rendered again: sent whole, with no validator (a body with a freshly masked token never matches
    # again: core.middleware.ConditionalGetMiddleware); the stored page's hits carry a new one.
    assert changed.status_code == 200 and "S/ 79.00" in changed.content.decode() and changed.get("ETag") != etag


def test_a_page_s_validator_is_the_shopper_s_own(shirts):
    url = shirts[1].get_absolute_url()
    guest, buyer = Client(), Client()
    for shopper in (guest, buyer):
        shopper.get(reverse("csrf_token"))
        shopper.get(url)
    tag = guest.get(url)["ETag"]
    assert buyer.get(url, HTTP_IF_NONE_MATCH=tag).status_code == 200  # another CSRF secret
    assert buyer.post(reverse("cart:add"), {"sku": "NAZCA-0", "quantity": "1"}).status_code == 302
    buyer.get("/c/polos/")  # the "added" message
    mine = buyer.get(url)["ETag"]
    assert buyer.post(reverse("cart:add"), {"sku": "NAZCA-0", "quantity": "1"}).status_code == 302
    buyer.get("/c/polos/")
    assert buyer.get(url, HTTP_IF_NONE_MATCH=mine).status_code == 200  # the mini-cart changed


def test_a_first_visit_gets_the_page_every_first_visitor_gets_which_a_cdn_may_keep(shirts):
    url = shirts[2].get_absolute_url()
    Client().get(url)  # rendered and stored
    response = Client().get(url)  # no cookie at all: a new browser, or a CDN asking for one
    page = _text(response)
    assert response["Cache-Control"] == f"public, max-age=0, s-maxage={page_cache.SHARED_SECONDS}"
    assert "Cookie" in response["Vary"] and not response.cookies  # no CSRF, device or session cookie
    assert not CSRF_IN_FORM.search(page) and '"X-CSRFToken": ""' in page and page_cache.CSRF_PLACEHOLDER not in page
    # One validator for every first visitor: a CDN revalidates with it.
    assert Client().get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    assert _without_tokens(Client().get(url).content.decode()) == _without_tokens(page)

    Product.objects.filter(pk=shirts[2].pk).update(base_price=Decimal("79.00"))
    changed = Client().get(url, HTTP_IF_NONE_MATCH=response["ETag"])
    assert changed.status_code == 200 and "S/ 79.00" in changed.content.decode()


@pytest.mark.parametrize("page_cache_on", [True, False])
@pytest.mark.parametrize("url", ["/p/polo-nazca-2/", "/c/polos/", "/", "/search/?q=polo"])
def test_a_first_visit_s_render_is_the_page_every_first_visitor_gets(shirts, settings, page_cache_on, url):
    """Rendered (the entry missed, or the page cache is off), a first visit's page is the one a hit gives it:
    no token, no cookie, public; no CSRF secret or device id is made for it."""
    settings.STOREFRONT_PAGE_CACHE = page_cache_on
    response = Client().get(url)
    page = _text(response)
    assert response["Cache-Control"] == f"public, max-age=0, s-maxage={page_cache.SHARED_SECONDS}"
    assert "Cookie" in response["Vary"] and not response.cookies and response["ETag"]
    assert not CSRF_IN_FORM.search(page) and '"X-CSRFToken": ""' in page and page_cache.CSRF_PLACEHOLDER not in page
    if page_cache_on:  # the next first visitor's hit: the same page, the same validator
        hit = Client().get(url)
        assert hit.content == response.content and hit["ETag"] == response["ETag"]
    with_cookie = Client()
    with_cookie.get(reverse("csrf_token"))
    own = with_cookie.get(url)
    assert "public" not in own.get("Cache-Control", "") and CSRF_IN_FORM.search(_text(own))


def test_a_first_visit_s_render_that_makes_the_browser_s_own_state_gets_a_token(shirts, settings, monkeypatch):
    """Something in the render that is this browser's own (here a session written) keeps the page private, its
    forms filled with a real token and the CSRF cookie set, as before."""
    from storefront import views

    settings.STOREFRONT_PAGE_CACHE = False
    stock_parts = views._stock_parts

    def writes_the_session(request, *args, **kwargs):
        request.session["seen"] = True
        return stock_parts(request, *args, **kwargs)

    monkeypatch.setattr(views, "_stock_parts", writes_the_session)
    shopper = Client()
    response = shopper.get("/p/polo-nazca-2/")
    page = _text(response)
    assert "public" not in response.get("Cache-Control", "")
    assert response.cookies.get("csrftoken") and response.cookies.get("sessionid")
    assert page_cache.CSRF_PLACEHOLDER not in page
    tokens = set(CSRF_IN_FORM.findall(page))
    assert len(tokens) == 1 and f'"X-CSRFToken": "{next(iter(tokens))}"' in page


def test_a_first_visit_that_takes_gzip_gets_the_page_compressed_once_per_process(shirts, monkeypatch):
    """The page every first visitor gets holds no secret (no token, no cookie): compressed once for all of
    them instead of for each, which was about half of such a hit's CPU."""
    import gzip

    page_cache._FIRST_VISIT_PAGES.clear()  # this process may have compressed the same page in another test
    url = shirts[2].get_absolute_url()
    Client().get(url)  # rendered and stored
    plain = Client().get(url)
    compressions = []
    original = gzip.compress
    monkeypatch.setattr(gzip, "compress", lambda *a, **k: compressions.append(1) or original(*a, **k))

    first, second = (Client().get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br") for _ in range(2))
    assert len(compressions) == 1
    for response in (first, second):
        assert response["Content-Encoding"] == "gzip" and response["Content-Length"] == str(len(response.content))
        assert gzip.decompress(response.content) == plain.content
        assert {"Cookie", "Accept-Encoding"} <= {v.strip() for v in response["Vary"].split(",")}
        assert response["Cache-Control"] == plain["Cache-Control"] and not response.cookies
        assert response["ETag"] == "W/" + plain["ETag"]
    assert first.content == second.content
    revalidated = Client().get(url, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=first["ETag"])
    assert revalidated.status_code == 304

    # A visitor with a cookie gets their own page, compressed for them (with its random padding).
    visitor = Client()
    visitor.cookies["lang"] = "es-pe"
    own = visitor.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert own["Content-Encoding"] == "gzip" and len(compressions) == 2

    Product.objects.filter(pk=shirts[2].pk).update(base_price=Decimal("79.00"))
    Client().get(url)  # stored again
    changed = Client().get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert "S/ 79.00" in gzip.decompress(changed.content).decode()


def test_a_first_visit_s_page_is_made_once_per_stored_entry(shirts, monkeypatch):
    """Every first visitor gets the same page from one entry: it is filled, hashed for its validator and
    compressed once per process, not for each visitor (60 KB replaced, encoded and hashed on every such hit
    before); a new entry (after a write) makes it again, and a shopper with a cookie gets their own."""
    page_cache._FIRST_VISIT_PAGES.clear()
    url = shirts[2].get_absolute_url()
    Client().get(url)  # rendered and stored
    fills = []
    original = page_cache._filled_html
    monkeypatch.setattr(page_cache, "_filled_html", lambda *a, **k: fills.append(1) or original(*a, **k))

    answers = [Client().get(url, **extra) for extra in ({}, {}, {"HTTP_ACCEPT_ENCODING": "gzip"}, {})]
    assert len(fills) == 1
    assert answers[0].content == answers[1].content == answers[3].content
    assert len({answer["ETag"].removeprefix("W/") for answer in answers}) == 1
    assert all(not answer.cookies and answer["Cache-Control"].startswith("public") for answer in answers)

    visitor = Client()
    visitor.cookies["lang"] = "es-pe"
    own = visitor.get(url)
    assert own["Cache-Control"] == "private, no-cache" and len(fills) == 2  # filled for them

    Product.objects.filter(pk=shirts[2].pk).update(base_price=Decimal("79.00"))
    Client().get(url)  # rendered and stored again
    changed = Client().get(url)
    assert len(fills) == 3 and "S/ 79.00" in changed.content.decode()
    assert changed["ETag"] != answers[0]["ETag"]


def test_a_product_page_s_shared_templates_run_the_context_processors_once_and_render_as_alone(
    shirts, settings, monkeypatch, rf
):
    """A product page's content is five templates (head, top, middle, bottom, crumbs), and each ran the
    nine context processors again: they render in one request context now, as a page's included
    templates do, and each renders what it rendered alone."""
    from django.contrib.auth.models import AnonymousUser
    from django.template.context import RequestContext
    from django.template.loader import render_to_string

    from catalog import selectors
    from storefront import views

    settings.STOREFRONT_PAGE_CACHE = False
    bound = []
    original = RequestContext.bind_template
    monkeypatch.setattr(
        RequestContext, "bind_template", lambda self, template: bound.append(template.name) or original(self, template)
    )
    assert "Polo Nazca 0" in _text(Client().get(shirts[0].get_absolute_url()))
    content = {f"catalog/_product_{part}.html" for part in ("head", "top", "middle", "bottom")}
    assert [name for name in bound if name in content | {"catalog/_breadcrumbs.html"}] == ["catalog/_product_head.html"]

    request = rf.get(shirts[1].get_absolute_url())
    request.user, request.session = AnonymousUser(), {}
    page = selectors.product_page(slug=shirts[1].slug, selection={})
    context = {"page": page, "product": page.product, "breadcrumbs": [], "quantity_offer": None, "delivery_place": None}
    templates = {name: name for name in sorted(content)}
    alone = {
        name: render_to_string(name, {**context, "csrf_token": views.CSRF_PLACEHOLDER}, request) for name in templates
    }
    assert views._shared_htmls(templates, context, request) == alone
    assert "Polo Nazca 1" in alone["catalog/_product_top.html"]


def test_a_visitor_with_any_cookie_gets_their_own_page(shirts):
    url = shirts[2].get_absolute_url()
    Client().get(url)
    visitor = Client()
    visitor.cookies["lang"] = "es-pe"
    response = visitor.get(url)
    assert response["Cache-Control"] == "private, no-cache" and response.cookies.get("csrftoken")
    assert CSRF_IN_FORM.search(_text(response))


def test_signed_in_shoppers_with_nothing_of_their_own_in_the_reviews_share_one_render(reviewed, monkeypatch):
    from storefront import views

    rendered = []
    original = views.get_template

    def counting(name):
        if name.startswith("reviews/"):  # the view loads the catalog's shared templates through it too
            rendered.append(name)
        return original(name)

    url = "/p/polo-nazca-0/"
    Client().get(url)
    monkeypatch.setattr(views, "get_template", counting)
    nadia, pedro = UserFactory(first_name="Nadia"), UserFactory(first_name="Pedro")
    first, second = _text(_signed_in(nadia).get(url)), _text(_signed_in(pedro).get(url))
    assert rendered == ["reviews/_section.html"]  # Nadia's render served Pedro
    assert "Hola, Pedro" in second and "Nadia" not in second and "Hola, Nadia" in first
    rosa, _luis = reviewed
    assert "reviews-own-title" in _text(_signed_in(rosa).get(url))  # her own review: rendered for her
    assert rendered == ["reviews/_section.html"] * 2


@pytest.mark.parametrize("page_cache_on", [True, False])
def test_the_shared_reviews_render_is_kept_when_the_listings_token_has_lapsed(
    reviewed, monkeypatch, settings, page_cache_on
):
    """The listings' token lapses an hour after the last catalog write (and with a flush of the cache);
    the signed-in shoppers' shared reviews section is then kept under a new one, not rendered with its
    queries on every request until somebody opens a search."""
    from catalog import listing_cache
    from storefront import views

    settings.STOREFRONT_PAGE_CACHE = page_cache_on
    rendered = []
    original = views.get_template
    monkeypatch.setattr(views, "get_template", lambda name: rendered.append(name) or original(name))
    url = "/p/polo-nazca-0/"
    Client().get(url)
    cache.delete(listing_cache.VERSION_KEY)
    rendered.clear()
    nadia, pedro = _signed_in(UserFactory(first_name="Nadia")), _signed_in(UserFactory(first_name="Pedro"))
    nadia.get(url)
    pedro.get(url)
    assert rendered.count("reviews/_section.html") == 1
    with CaptureQueriesContext(connection) as queries:
        assert "Hola, Pedro" in _text(pedro.get(url))
    assert not [q for q in queries if 'FROM "reviews_review"' in q["sql"]]


def test_a_signed_in_product_hit_reads_nothing_once_warm_and_a_new_vote_shows_at_once(reviewed, shirts):
    from reviews.models import Review
    from reviews.services import review_vote_helpful

    url = "/p/polo-nazca-0/"
    nadia = UserFactory(first_name="Nadia")
    shopper = _signed_in(nadia)
    Client().get(url)
    shopper.get(url)
    # Her user and the products she reviewed or voted on come from the cache (accounts.user_cache,
    # reviews.selectors); the session too (cached_db).
    assert _queries(shopper, url) == 0
    assert "Te resultó útil" not in _text(shopper.get(url))

    review_vote_helpful(user=nadia, review_id=Review.objects.get(user__first_name="Carla").pk)
    assert "Te resultó útil" in _text(shopper.get(url))  # rendered for her now


def test_a_signed_in_product_hit_reads_its_reviews_part_with_the_page_in_one_round_trip(reviewed, monkeypatch):
    url = "/p/polo-nazca-0/"
    shopper = _signed_in(UserFactory(first_name="Nadia"))
    Client().get(url)
    shopper.get(url)
    reads = counting_cache_reads(monkeypatch)
    assert "Hola, Nadia" in _text(shopper.get(url))
    # The page's entry, its reviews part and her reviews (the shared keys may come with her session).
    page_reads = [keys for keys in reads if any(key.startswith(("catalog:page", "reviews:")) for key in keys)]
    assert len(page_reads) == 1, "\n".join(map(str, page_reads))


@pytest.mark.parametrize("page_cache_on", [True, False])
@pytest.mark.parametrize("url", ["/p/polo-nazca-0/", "/", "/c/polos/"])
def test_a_signed_in_page_reads_the_shopper_with_its_own_keys(reviewed, settings, monkeypatch, url, page_cache_on):
    """The user the session names is read with the page's entry (a hit) or its catalog keys (a product page
    rendered), named from the session before the user is asked for: not in a round trip of its own."""
    settings.STOREFRONT_PAGE_CACHE = page_cache_on
    nadia = UserFactory(first_name="Nadia")
    shopper = _signed_in(nadia)
    Client().get(url)
    shopper.get(url)
    reads = counting_cache_reads(monkeypatch)
    assert "Hola, Nadia" in _text(shopper.get(url))
    with_user = [keys for keys in reads if f"accounts:user:{nadia.pk}" in keys]
    assert len(with_user) == 1, reads
    if page_cache_on or url.startswith("/p/"):
        assert len(with_user[0]) > 1, reads


@pytest.mark.parametrize("page_cache_on", [True, False])
@pytest.mark.parametrize("url", ["/p/polo-nazca-0/", "/", "/c/polos/", "/search/?q=polo"])
def test_a_signed_in_page_reads_redis_twice(reviewed, settings, monkeypatch, url, page_cache_on):
    """The session with the shared keys, then the page's own keys with the user and the cart's lines the
    session named (the header's count): two round trips, hit or rendered, and the count is right."""
    if "Redis" not in settings.CACHES["default"]["BACKEND"]:
        pytest.skip("carts live in Redis only with a Redis cache")
    settings.STOREFRONT_PAGE_CACHE = page_cache_on
    nadia = UserFactory(first_name="Nadia")
    shopper = _signed_in(nadia)
    assert shopper.post(reverse("cart:add"), {"sku": "NAZCA-1", "quantity": 2}).status_code in (200, 302)
    Client().get(url)
    shopper.get(url)
    reads = counting_cache_reads(monkeypatch)
    forget_settings()
    page = _text(shopper.get(url))
    assert "Hola, Nadia" in page and ">2</span>" in page
    assert len(reads) == 2, reads
    assert any(key.endswith(f"cart:user-{nadia.pk}") for key in reads[1]), reads


def test_a_session_whose_user_is_gone_gets_a_guest_s_page(shirts):
    url = "/p/polo-nazca-0/"
    nadia = UserFactory(first_name="Nadia")
    shopper = _signed_in(nadia)
    assert "Hola, Nadia" in _text(shopper.get(url))
    nadia.is_active = False
    nadia.save()
    page = shopper.get(url)
    assert page.status_code == 200 and "Hola, Nadia" not in _text(page)
    nadia.delete()
    page = shopper.get(url)
    assert page.status_code == 200 and "Hola, Nadia" not in _text(page)


def test_a_shopper_s_menu_follows_their_name_and_role_on_the_next_hit(shirts):
    url = shirts[0].get_absolute_url()
    user = UserFactory(first_name="Rosa")
    shopper = _signed_in(user)
    Client().get(url)
    assert "Hola, Rosa" in _text(shopper.get(url)) and "Back office" not in _text(shopper.get(url))
    user.first_name = "Rosario"
    user.save()
    page = _text(shopper.get(url))
    assert "Hola, Rosario" in page and "Hola, Rosa<" not in page
    # Back-office access granted ends the session it was granted to (its hash covers is_staff):
    # the next hit is a guest's, and the next sign-in brings the back office link.
    user.is_staff = True
    user.save()
    assert "Hola, Rosario" not in _text(shopper.get(url))
    assert reverse("admin:index") in _text(_signed_in(user).get(url))


def test_the_per_process_parts_kept_are_bounded(shirts, monkeypatch):
    monkeypatch.setattr(page_cache, "RENDERED_PARTS_KEPT", 3)
    monkeypatch.setattr(page_cache, "_RENDERED_PARTS", page_cache.OrderedDict())
    for units in range(10):
        assert f">{units}</span>" in page_cache._mini_cart_html(units)
    assert len(page_cache._RENDERED_PARTS) == 3


@pytest.mark.parametrize("page_cache_on", [True, False])
@pytest.mark.parametrize("signed_in", [False, True])
def test_a_rendered_product_page_carries_one_csrf_token_in_every_form(shirts, settings, page_cache_on, signed_in):
    """One mask of the secret per response (core.csrf): the buy box, the reviews and the frame's forms
    carry the same token, and it is the browser's cookie's."""
    from django.middleware.csrf import _unmask_cipher_token

    settings.STOREFRONT_PAGE_CACHE = page_cache_on
    shopper = _signed_in(UserFactory(first_name="Nadia")) if signed_in else Client()
    shopper.get(reverse("csrf_token"))  # a first visit's page has no token (below)
    html = _text(shopper.get("/p/polo-nazca-0/"))
    tokens = set(CSRF_IN_FORM.findall(html)) | set(re.findall(r'"X-CSRFToken": "([^"]+)"', html))
    assert len(tokens) == 1, tokens
    assert _unmask_cipher_token(tokens.pop()) == shopper.cookies["csrftoken"].value


def test_a_signed_in_product_render_reads_the_shopper_s_own_entries_with_the_page_s_marks(
    reviewed, settings, monkeypatch
):
    """Rendered (page cache off), a signed-in shopper's product page reads their place, their reviews and
    the shared reviews section in the round trip that reads the page's marks, not one trip each."""
    from reviews.selectors import own_reviews_key
    from shipping.estimates import place_key

    settings.STOREFRONT_PAGE_CACHE = False
    url = "/p/polo-nazca-0/"
    nadia = UserFactory(first_name="Nadia")
    shopper = _signed_in(nadia)
    shopper.get(url)
    reads = counting_cache_reads(monkeypatch)
    assert "Hola, Nadia" in _text(shopper.get(url))
    own = {place_key(nadia.pk), own_reviews_key(nadia.pk), page_cache.shared_part_key("reviews", url)}
    with_own = [keys for keys in reads if own & set(keys)]
    assert len(with_own) == 1 and own <= set(with_own[0]), reads


@pytest.mark.parametrize("url", ["/p/polo-nazca-0/", "/c/polos/", "/"])
def test_a_hit_whose_marks_the_cache_no_longer_has_reads_the_cache_once(shirts, monkeypatch, url):
    """A product's mark lapses an hour after its last write (and is gone after a flush): a page kept
    under it reads as held by it, in the page's own round trip, not a second one for the mark."""
    from catalog import catalog_version as marks

    Client().get(url)
    _text(Client().get(url))  # a hit: this process has seen the entry's marks
    for product in shirts:
        cache.delete_many(
            [
                marks.product_mark(product.pk),
                marks.slug_mark(product.slug),
                marks.members_mark(product.category_id),
                marks.contents_mark(product.category_id),
                marks.brand_mark(product.brand_id),
            ]
        )
    cache.delete(marks.HOME_MARK)
    reads = counting_cache_reads(monkeypatch)
    with CaptureQueriesContext(connection) as queries:
        _text(Client().get(url))
    assert len(queries) == 0  # served from the page cache
    assert len([keys for keys in reads if any(key.startswith("catalog:") for key in keys)]) == 1, reads


def test_a_product_page_rendered_after_its_own_write_reads_the_next_scheduled_changes_with_its_shared_keys(
    shirts, settings, monkeypatch
):
    """Rendered again after its product's write, a page fills its catalog data and its content, and each asks
    when a collection or banner next changes: that key comes with the request's shared keys, not in a round
    trip of its own for each."""
    from catalog.listing_cache import NEXT_CHANGE_KEY
    from catalog.services import product_save

    settings.STOREFRONT_PAGE_CACHE = False
    url = "/p/polo-nazca-0/"
    _text(Client().get(url))
    product_save(product=Product.objects.get(slug="polo-nazca-0"))
    reads = counting_cache_reads(monkeypatch)
    _text(Client().get(url))
    with_schedule = [keys for keys in reads if NEXT_CHANGE_KEY in keys]
    assert len(with_schedule) == 1 and len(with_schedule[0]) > 1, reads


def test_a_rendered_product_page_reads_its_stock_figures_with_its_first_round_trip(shirts, settings, monkeypatch):
    """Rendered (page cache off), a guest's product page reads the cache once once this process has a
    copy of its catalog data: its marks, the shared keys and its variants' stock figures together. A
    write of its stock is shown at once (the figures read ahead serve one read)."""
    settings.STOREFRONT_PAGE_CACHE = False
    url = "/p/polo-nazca-0/"
    _text(Client().get(url))
    reads = counting_cache_reads(monkeypatch)
    forget_settings()  # the waiting room's state, read every few seconds by whichever request comes then
    _text(Client().get(url))
    assert len(reads) == 1 and any(key.startswith("stock:shown:") for key in reads[0]), reads
    from inventory.shown_stock import stock_changed

    StockLevel.objects.filter(variant__sku="NAZCA-0").update(on_hand=0)
    stock_changed([Variant.objects.get(sku="NAZCA-0").pk])
    _text(Client().get(url))  # the test settings check every figure shown against the database (STOCK_SHOWN_VERIFY)
