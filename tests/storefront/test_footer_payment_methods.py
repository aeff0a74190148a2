"""The footer names the payment methods checkout really offers (active, with their gateway
configured), read from the database once and kept until a method changes; no page claims a
method the store does not take."""

import pytest
from django.urls import reverse

from payments.models import PaymentMethod, Provider
from payments.services import payment_method_ensure_test_gateway

pytestmark = [pytest.mark.django_db, pytest.mark.shop("storefront")]


def footer(html: str) -> str:
    return html.split('<footer class="site-footer">', 1)[1].split("</footer>", 1)[0]


def test_the_footer_lists_the_methods_checkout_offers(client, shop, settings):
    settings.STRIPE_SECRET_KEY = ""
    payment_method_ensure_test_gateway()
    PaymentMethod.objects.create(
        code="yape", name="Yape", provider=Provider.MERCADOPAGO, kind="wallet"
    )  # not configured
    html = footer(client.get(reverse("storefront:home")).content.decode())
    assert "Tarjeta (pasarela de prueba)" in html
    assert "Yape" not in html and "Visa" not in html and "PayPal" not in html


def test_a_method_switched_off_leaves_the_footer_at_once(client, shop):
    method = payment_method_ensure_test_gateway()
    assert "Tarjeta (pasarela de prueba)" in footer(client.get(reverse("storefront:home")).content.decode())
    method.is_active = False
    method.save()
    html = footer(client.get("/c/hoodies/").content.decode())
    assert "Tarjeta (pasarela de prueba)" not in html


@pytest.mark.parametrize("url", ["/", "/p/hoodie-tech/", "/accounts/login/"])
def test_no_page_claims_methods_the_store_does_not_take(client, shop, url):
    payment_method_ensure_test_gateway()
    html = client.get(url).content.decode()
    assert "Visa" not in html and "Mastercard" not in html and "PayPal" not in html
