"""Fault tests on the real stack: a Redis of the test's own serves the cache, the sessions and
the carts; it is killed, every storefront page must answer 200 or the designed 503 (never a
500), and when it is started again everything works without a restart. The same for the broker."""

import logging
import re
from decimal import Decimal

import pytest
import redis
from django.core import mail
from django.test import Client
from django.urls import reverse

from catalog.models import Product
from core.resilience import broker_outage, redis_outage
from inventory.models import Reservation
from orders.models import Order
from tests.core.redis_server import OwnRedis, caching_in, publishing_to
from tests.factories import PASSWORD, UserFactory
from tests.servers import free_port

pytestmark = [pytest.mark.django_db, pytest.mark.shop("faults")]

CART_CLOSED = "El carrito no está disponible por un momento"


@pytest.fixture
def own_redis():
    server = OwnRedis(persistent=True).start()
    with caching_in(server):
        yield server
    server.stop()


def storefront_urls(shop) -> dict[str, str]:
    product = shop["product"]
    return {
        "home": reverse("storefront:home"),
        "family": reverse("catalog:family", args=[product.category.family.slug]),
        "category": reverse("catalog:category", args=[product.category.slug]),
        "product": product.get_absolute_url(),
        "collection": reverse("catalog:collection", args=[shop["collection"].slug]),
        "search": reverse("catalog:search") + "?q=casaca",
        "suggest": reverse("catalog:search_suggestions") + "?q=cas",
        "login": reverse("account_login"),
        "signup": reverse("account_signup"),
        "password_reset": reverse("account_reset_password"),
        "order_lookup": reverse("orders:lookup"),
        "sitemap": reverse("sitemap-index"),
        "cart": reverse("cart:detail"),
        "checkout": reverse("checkout:details"),
    }


CATALOG = {
    "home",
    "family",
    "category",
    "product",
    "collection",
    "search",
    "suggest",
    "login",
    "signup",
    "password_reset",
    "order_lookup",
    "sitemap",
}
CART_PAGES = {"cart", "checkout"}


def assert_designed_503(response):
    assert response.status_code == 503, response.status_code
    assert int(response["Retry-After"]) > 0
    assert CART_CLOSED in response.content.decode()


def test_redis_down_degrades_every_page_and_recovers_without_a_restart(own_redis, shop, caplog):
    guest = Client(raise_request_exception=False)
    customer = Client(raise_request_exception=False)
    user = UserFactory()
    assert customer.post(reverse("account_login"), {"login": user.email, "password": PASSWORD}).status_code == 302
    assert guest.post(reverse("cart:add"), {"sku": "WAYRA-M", "quantity": "2"}).status_code == 302
    assert customer.post(reverse("cart:add"), {"sku": "WAYRA-M", "quantity": "1"}).status_code == 302
    urls = storefront_urls(shop)

    own_redis.stop()
    caplog.set_level(logging.WARNING, logger="tienda.resilience")
    assert_every_page_degrades(urls, guest=guest, customer=customer)
    # Writes to the cart answer the same designed 503 and hold nothing.
    assert_designed_503(guest.post(reverse("cart:add"), {"sku": "WAYRA-M", "quantity": "1"}))
    assert Reservation.objects.filter(status=Reservation.Status.ACTIVE).count() == 2
    assert_guarding_limits_fail_closed(user)
    # One log line for the whole outage, not one per call.
    down = [r for r in caplog.records if r.name == "tienda.resilience" and "unavailable" in r.getMessage()]
    assert len(down) == 1 and redis_outage.is_down

    own_redis.start()
    for name, url in urls.items():
        assert guest.get(url).status_code == 200, name
    assert not redis_outage.is_down
    assert any("is back" in r.getMessage() for r in caplog.records if r.name == "tienda.resilience")
    # The append-only file kept the carts through the crash (what docker-compose.yml runs).
    assert guest.get(reverse("cart:detail")).context["cart"].units == 2
    assert customer.post(reverse("cart:add"), {"sku": "WAYRA-M", "quantity": "1"}).status_code == 302
    assert customer.get(reverse("cart:detail")).context["cart"].units == 2


def assert_every_page_degrades(urls: dict[str, str], *, guest: Client, customer: Client) -> None:
    for client in (guest, customer):
        for name, url in urls.items():
            response = client.get(url)
            if name in CART_PAGES:
                assert_designed_503(response)
            elif name in {"login", "signup"} and client is customer:
                assert response.status_code == 302, name  # already signed in: the session survived
            else:
                assert response.status_code == 200, (name, response.status_code)
    # The signed-in customer is still signed in (sessions read through to the database).
    assert customer.get(reverse("accounts:profile")).status_code == 200
    assert customer.get(reverse("orders:list")).status_code == 200


def assert_guarding_limits_fail_closed(user) -> None:
    """Limits that guard accounts and money fail closed: no password guessing while Redis is away."""
    stranger = Client(raise_request_exception=False)
    response = stranger.post(reverse("account_login"), {"login": user.email, "password": "wrong-guess-1"})
    assert response.status_code == 503 and int(response["Retry-After"]) > 0
    response = stranger.post(reverse("orders:lookup"), {"number": "PED-20260101-0001", "email": "a@b.pe"})
    assert response.status_code == 503


@pytest.mark.page_cache
def test_shared_pages_are_rendered_while_redis_is_away(own_redis, shop):
    """The page cache (storefront.page_cache) lives in Redis: while it is away the pages are
    rendered, with the current price and a CSRF token that works."""
    urls = storefront_urls(shop)
    shared = [urls["product"], urls["category"], urls["search"]]
    for url in shared:
        Client().get(url)  # stored while Redis is up
    own_redis.stop()
    Product.objects.filter(pk=shop["product"].pk).update(base_price=Decimal("149.00"))
    guest = Client(enforce_csrf_checks=True, raise_request_exception=False)
    guest.get(reverse("csrf_token"))  # as store.js asks for it: a first visit's page has no token
    for url in shared:
        response = guest.get(url)
        assert response.status_code == 200, url
        assert "S/ 149.00" in response.content.decode(), url
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', guest.get(shared[0]).content.decode()).group(1)
    response = guest.post(reverse("set_language"), {"language": "en", "next": "/", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    own_redis.start()
    assert guest.get(shared[0]).status_code == 200


def test_a_failed_cart_write_leaves_no_hold(own_redis, shop):
    """Writes to Redis paused (reads still answer): the add fails with the 503 page and the
    database hold taken for it is rolled back, so no stock is blocked that no cart shows."""
    guest = Client(raise_request_exception=False)
    guest.get(reverse("storefront:home"))
    control = redis.Redis(port=own_redis.port)
    control.execute_command("CLIENT", "PAUSE", "10000", "WRITE")  # longer than every timeout on the way
    try:
        assert_designed_503(guest.post(reverse("cart:add"), {"sku": "WAYRA-M", "quantity": "2"}))
    finally:
        control.execute_command("CLIENT", "UNPAUSE")
    assert not Reservation.objects.exists()


@pytest.fixture
def broker_away():
    """The broker's address answers nothing; tasks are sent to it (not run eagerly)."""
    port = free_port()
    with publishing_to(f"redis://127.0.0.1:{port}/1"):
        yield port


@pytest.mark.django_db(transaction=True)
def test_broker_down_never_breaks_a_page_and_publishing_resumes(broker_away, shop, caplog):
    from demo.shipping import load_demo_shipping
    from payments.services import payment_method_ensure_test_gateway
    from tests.factories import delivery, details, review_key

    load_demo_shipping()
    payment_method_ensure_test_gateway()
    caplog.set_level(logging.WARNING, logger="tienda.resilience")
    broker_outage.reset()  # the shop's own writes met the outage first (their listings' counts, enqueued)
    guest = Client(raise_request_exception=False)
    guest.post(reverse("cart:add"), {"sku": "WAYRA-M", "quantity": "1"})
    details(guest)
    delivery(guest)
    response = guest.post(reverse("checkout:place"), {"key": review_key(guest)})

    assert response.status_code == 302
    order = Order.objects.get()
    assert response["Location"] == reverse("payments:pay", args=[order.number])
    # The confirmation e-mail task ran inline instead of waiting for a broker.
    assert any(order.number in message.subject or order.number in message.body for message in mail.outbox)
    assert broker_outage.is_down
    assert sum("unavailable" in r.getMessage() for r in caplog.records if r.name == "tienda.resilience") == 1

    server = OwnRedis()
    server.port = broker_away
    server.start()
    try:
        broker_outage.reset()
        from core.tasks import ping

        ping.delay()
        assert redis.Redis(port=broker_away, db=1).llen("celery") == 1  # queued for a worker again
    finally:
        server.stop()
