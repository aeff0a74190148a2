"""Coupon limits under concurrent checkouts: real threads, real PostgreSQL."""

from decimal import Decimal as D

import pytest
from django.test import Client

from demo.shipping import load_demo_shipping
from orders.models import Order
from payments.services import payment_method_ensure_test_gateway
from promotions.models import Coupon, CouponRedemption
from tests.factories import (
    ON_POSTGRESQL,
    ProductFactory,
    VariantFactory,
    WarehouseFactory,
    add,
    apply_code,
    coupon,
    place,
    review_key,
    stock,
)
from tests.factories import (
    delivery_accepted as delivery,
)
from tests.factories import (
    details_accepted as details,
)
from tests.threads import run_in_threads

pytestmark = [pytest.mark.django_db(transaction=True), ON_POSTGRESQL]
BUYERS = 6


@pytest.fixture
def ready():
    load_demo_shipping()
    payment_method_ensure_test_gateway()
    variant = VariantFactory(sku="HOT", product=ProductFactory(base_price=D("120.00")))
    stock(variant, WarehouseFactory(), 100)


def _at_review(code: str, emails: list[str]) -> list[tuple[Client, str]]:
    """Buyers with the coupon applied, each at the review page with a one-time key."""
    prepared = []
    for email in emails:
        client = Client()
        add(client, "HOT")
        apply_code(client, code)
        details(client, email=email)
        delivery(client)
        prepared.append((client, review_key(client)))
    return prepared


def test_one_use_left_gives_exactly_one_order(ready):
    promo = coupon("LAST1", max_uses=3)
    Coupon.objects.filter(pk=promo.pk).update(uses=2)
    buyers = _at_review("LAST1", [f"buyer{i}@example.pe" for i in range(BUYERS)])

    results, errors = run_in_threads(lambda i: place(*buyers[i]).status_code, BUYERS)

    assert not errors and results == [302] * BUYERS
    assert Order.objects.filter(coupon_code="LAST1").count() == 1
    assert Order.objects.count() == 1  # the others were refused with the reason, nothing written
    assert CouponRedemption.objects.filter(coupon=promo).count() == 1
    assert Coupon.objects.get(pk=promo.pk).uses == 3


def test_the_per_customer_limit_holds_across_concurrent_checkouts(ready):
    promo = coupon("ONCE", max_uses_per_customer=1)
    buyers = _at_review("ONCE", ["rosa@example.pe"] * BUYERS)

    results, errors = run_in_threads(lambda i: place(*buyers[i]).status_code, BUYERS)

    assert not errors and results == [302] * BUYERS
    assert Order.objects.filter(coupon_code="ONCE").count() == 1
    assert CouponRedemption.objects.filter(coupon=promo).count() == 1
    assert Coupon.objects.get(pk=promo.pk).uses == 1


def test_unlimited_coupon_counts_every_concurrent_use(ready):
    promo = coupon("MANY")
    buyers = _at_review("MANY", [f"buyer{i}@example.pe" for i in range(BUYERS)])

    results, errors = run_in_threads(lambda i: place(*buyers[i]).status_code, BUYERS)

    assert not errors
    assert Order.objects.filter(coupon_code="MANY").count() == BUYERS
    assert Coupon.objects.get(pk=promo.pk).uses == BUYERS == CouponRedemption.objects.count()
