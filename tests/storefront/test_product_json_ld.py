"""The product page's JSON-LD, read as a search engine reads it: the Offer says whether the product
can be bought (in stock, sold out, or a pre-order awaiting its drop, whose price stays out)."""

import json
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog.models import CollectionItem, Variant
from tests.factories import CollectionFactory, stock

pytestmark = [pytest.mark.django_db, pytest.mark.shop("storefront")]

JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def product_ld(client, slug: str, **headers) -> dict:
    response = client.get(reverse("catalog:product", args=[slug]), **headers)
    assert response.status_code == 200
    [product] = [
        block
        for block in map(json.loads, JSON_LD.findall(response.content.decode()))
        if block.get("@type") == "Product"
    ]
    return product


def test_a_product_in_stock(client, shop):
    stock(Variant.objects.get(sku="HT-M-BLA"), quantity=5)

    offer = product_ld(client, "hoodie-tech")["offers"]

    assert offer == {
        "@type": "Offer",
        "url": "http://testserver/p/hoodie-tech/",
        "itemCondition": "https://schema.org/NewCondition",
        "availability": "https://schema.org/InStock",
        "priceCurrency": "PEN",
        "price": "359.00",
    }


def test_a_sold_out_product_keeps_its_price(client, shop):
    offer = product_ld(client, "hoodie-tech")["offers"]

    assert offer["availability"] == "https://schema.org/OutOfStock" and offer["price"] == "359.00"


def test_a_product_awaiting_its_drop_is_a_pre_order_without_a_price(client, shop):
    stock(Variant.objects.get(sku="HM-M-BLA"), quantity=5)
    launch = (timezone.now() + timedelta(days=3)).replace(microsecond=0)
    drop = CollectionFactory(starts_at=launch)
    CollectionItem.objects.create(collection=drop, product=shop["kid"])

    offer = product_ld(client, "hoodie-mini")["offers"]

    assert offer["availability"] == "https://schema.org/PreOrder"
    assert timezone.datetime.fromisoformat(offer["availabilityStarts"]) == launch
    assert not {"price", "priceCurrency", "lowPrice", "highPrice"} & offer.keys()


def test_its_addresses_follow_the_host_that_serves_it(client, shop, settings):
    settings.ALLOWED_HOSTS = ["tienda.kallpa.pe"]
    ld = product_ld(client, "hoodie-basico", HTTP_HOST="tienda.kallpa.pe", secure=True)

    assert ld["url"] == ld["offers"]["url"] == "https://tienda.kallpa.pe/p/hoodie-basico/"
