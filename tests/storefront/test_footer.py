"""The footer: everything that looks like a link is one and leads to a real page; what is not a
page (the payment methods) is plain text, not a badge styled as a button."""

import re

import pytest
from django.urls import reverse

from legal.models import PolicyKind
from payments.services import payment_method_ensure_test_gateway
from tests.factories import publish

pytestmark = [pytest.mark.django_db, pytest.mark.shop("storefront")]


def footer(html: str) -> str:
    return html.split('<footer class="site-footer">', 1)[1].split("</footer>", 1)[0]


def test_every_footer_link_leads_to_a_page(client, shop):
    for kind in PolicyKind.values:
        publish(kind, title=f"Política {kind}")
    html = footer(client.get(reverse("storefront:home")).content.decode())
    hrefs = re.findall(r'<a [^>]*href="([^"]+)"', html)
    assert len(hrefs) >= 10
    for href in hrefs:
        if href.startswith(("mailto:", "tel:", "https://wa.me/")):
            continue
        assert href.startswith("/"), href
        assert client.get(href, follow=True).status_code == 200, href  # sign-in first is a page too


def test_the_payment_methods_are_plain_text(client, shop):
    payment_method_ensure_test_gateway()
    html = footer(client.get(reverse("storefront:home")).content.decode())
    assert "Aceptamos: Tarjeta (pasarela de prueba)." in html  # what checkout offers (test_footer_payment_methods)
    assert 'class="pay ' not in html and "pay-badges" not in html
