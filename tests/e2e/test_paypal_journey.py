"""Paying with PayPal in Chromium: choosing PayPal at checkout, the pay page hands over to
PayPal's approve page (the approve link the faked Orders v2 API returned), the shopper
approves and comes back, and the return captures the order and shows it paid. PayPal's REST
API is faked with `responses`; its approve page with a Playwright route."""

from decimal import Decimal

import pytest
import responses

from demo.shipping import load_demo_shipping
from orders.models import Order, OrderStatus
from payments.models import Payment, PaymentMethod, Provider
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

pytestmark = pytest.mark.django_db(transaction=True)

API = "https://api-m.sandbox.paypal.com"
PAYPAL_ORDER = "8XE45169CW934122E"
APPROVE = f"https://www.sandbox.paypal.com/checkoutnow?token={PAYPAL_ORDER}"


@pytest.fixture
def paypal_shop(settings):
    settings.PAYPAL_CLIENT_ID, settings.PAYPAL_CLIENT_SECRET, settings.PAYPAL_MODE = "client-id", "secret", "sandbox"
    settings.STRIPE_SECRET_KEY = ""
    settings.DEBUG = False
    load_demo_shipping()
    payment_method_ensure_test_gateway()
    # the migration adds it; a transactional test's flush may have removed it since
    PaymentMethod.objects.get_or_create(
        code="paypal", defaults={"name": "PayPal", "provider": Provider.PAYPAL, "kind": "wallet"}
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


def test_the_paypal_approve_and_capture_return_path_completes_an_order(page, live_server, paypal_shop):
    add_variant(page, "gorra-inti")
    fill_details(page)
    methods = page.locator("input[name=payment_method]")
    assert methods.count() == 1 and methods.first.get_attribute("value") == "paypal"
    page.locator("#to-review").click()
    page.wait_for_url("**/checkout/review/")
    page.locator("#place-order").click()
    page.wait_for_url("**/payments/order/**")
    number = page.url.rstrip("/").rsplit("/", 1)[-1]
    order = Order.objects.get(number=number)
    screenshot(page, "pay-with-paypal")

    back = f"{live_server.url}/payments/order/{number}/paypal/return/?token={PAYPAL_ORDER}&PayerID=QYR5Z8XDVJNXQ"
    page.route(
        "https://www.sandbox.paypal.com/**",
        lambda route: route.fulfill(
            status=200,
            content_type="text/html",
            body=f'<h1>PayPal (test)</h1><a id="approve" href="{back}">Pagar ahora</a>',
        ),
    )
    with responses.RequestsMock(assert_all_requests_are_fired=True) as api:
        api.post(
            f"{API}/v1/oauth2/token", json={"access_token": "A21AA-e2e", "token_type": "Bearer", "expires_in": 32400}
        )
        api.post(
            f"{API}/v2/checkout/orders",
            status=201,
            json={
                "id": PAYPAL_ORDER,
                "status": "CREATED",
                "links": [{"href": APPROVE, "rel": "approve", "method": "GET"}],
            },
        )
        api.post(
            f"{API}/v2/checkout/orders/{PAYPAL_ORDER}/capture",
            status=201,
            json={
                "id": PAYPAL_ORDER,
                "status": "COMPLETED",
                "purchase_units": [
                    {
                        "payments": {
                            "captures": [
                                {
                                    "id": "2GG279541U471931P",
                                    "status": "COMPLETED",
                                    "amount": {"currency_code": "PEN", "value": str(order.total)},
                                }
                            ]
                        }
                    }
                ],
            },
        )
        follow_to_gateway(page, APPROVE, click=page.locator("#pay-paypal").click)
        page.locator("#approve").click()
        page.wait_for_url(f"**/orders/**{number}**")

    assert "Pagado" in page.locator(".order-header-status").inner_text()
    order.refresh_from_db()
    payment = order.payments.get()
    assert order.status == OrderStatus.PAID and payment.status == Payment.Status.SUCCEEDED
    assert payment.gateway_reference == "2GG279541U471931P"
    screenshot(page, "order-paid-by-paypal")
