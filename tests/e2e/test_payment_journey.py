"""Paying with Stripe in Chromium: choosing Stripe redirects to the hosted page URL the (faked)
gateway returned; a signed checkout.session.completed webhook then marks the order paid and
the customer sees it. With a real gateway configured the test gateway is not offered."""

from decimal import Decimal

import pytest
import responses
from django.test import Client

from demo.shipping import load_demo_shipping
from orders.models import Order, OrderStatus
from payments.models import PaymentMethod, Provider
from payments.services import payment_method_ensure_test_gateway
from tests.e2e.helpers import add_variant, fill_details, follow_to_gateway, screenshot
from tests.factories import (
    BrandFactory,
    CategoryFactory,
    FamilyFactory,
    ProductFactory,
    ProductImageFactory,
    VariantFactory,
    WarehouseFactory,
    stock,
)
from tests.payments.webhook_helpers import STRIPE_SECRET, body, session_completed, stripe_headers

pytestmark = pytest.mark.django_db(transaction=True)

HOSTED = "https://checkout.stripe.com/c/pay/cs_test_e2e"


@pytest.fixture
def stripe_shop(settings):
    settings.STRIPE_SECRET_KEY = "sk_test_kallpa"
    settings.STRIPE_WEBHOOK_SECRET = STRIPE_SECRET
    settings.STRIPE_MAX_NETWORK_RETRIES = 0
    settings.DEBUG = False
    load_demo_shipping()
    payment_method_ensure_test_gateway()
    # the migration adds it; a transactional test's flush may have removed it since
    PaymentMethod.objects.get_or_create(
        code="stripe", defaults={"name": "Tarjeta de crédito o débito (Stripe)", "provider": Provider.STRIPE}
    )
    moda = FamilyFactory(name="Moda", slug="moda")
    category = CategoryFactory(family=moda, name="Gorras", slug="gorras")
    cap = ProductFactory(
        name="Gorra Inti",
        slug="gorra-inti",
        brand=BrandFactory(name="Inti Wear"),
        category=category,
        base_price=Decimal("259.00"),
    )
    ProductImageFactory(product=cap)
    stock(VariantFactory(product=cap, sku="GI-U"), WarehouseFactory(), 5)


def test_choosing_stripe_goes_to_the_hosted_page_and_the_webhook_pays(page, stripe_shop):
    add_variant(page, "gorra-inti")
    fill_details(page)
    methods = page.locator("input[name=payment_method]")
    assert methods.count() == 1 and methods.first.get_attribute("value") == "stripe"  # no test gateway
    page.locator("#to-review").click()
    page.wait_for_url("**/checkout/review/")
    page.locator("#place-order").click()
    page.wait_for_url("**/payments/order/**")
    number = page.url.rstrip("/").rsplit("/", 1)[-1]
    screenshot(page, "pay-with-stripe")

    page.route(
        "https://checkout.stripe.com/**",
        lambda route: route.fulfill(status=200, content_type="text/html", body="<h1>Stripe Checkout (test)</h1>"),
    )
    with responses.RequestsMock(assert_all_requests_are_fired=True) as gateway:
        gateway.post(
            "https://api.stripe.com/v1/checkout/sessions",
            json={
                "id": "cs_test_e2e",
                "object": "checkout.session",
                "url": HOSTED,
                "status": "open",
                "payment_status": "unpaid",
                "amount_total": 25900,
                "currency": "pen",
            },
        )
        follow_to_gateway(page, HOSTED, click=page.locator("#pay-stripe").click)

    order = Order.objects.get(number=number)
    payment = order.payments.get()
    assert payment.gateway_reference == "cs_test_e2e" and order.status == OrderStatus.PENDING_PAYMENT

    raw = body(session_completed(payment))
    response = Client().post(
        "/payments/webhooks/stripe/", raw, content_type="application/json", headers=stripe_headers(raw)
    )
    assert response.status_code == 200

    page.goto(f"/orders/lookup/{number}/")
    assert "Pagado" in page.locator(".order-header-status").inner_text()
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    screenshot(page, "order-paid-by-stripe")
