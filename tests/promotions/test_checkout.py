"""Placing an order with discounts: everything recomputed, snapshots on the order lines, the
coupon's use taken with the order and given back when an unpaid order is cancelled or expires."""

from decimal import Decimal as D

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from orders.models import Order, OrderStatus
from orders.services import order_cancel, order_payment_record, orders_cancel_unpaid
from promotions.models import Coupon, CouponRedemption, Scope
from tests.factories import (
    BUYER_DNI,
    PASSWORD,
    KitFactory,
    KitItemFactory,
    UserFactory,
    VariantFactory,
    add,
    ago,
    apply_code,
    coupon,
    percent_off,
    place,
    review_key,
    stock,
)
from tests.factories import (
    checkout_or_none as checkout,
)
from tests.factories import (
    delivery_accepted as delivery,
)
from tests.factories import (
    details_accepted as details,
)

pytestmark = [pytest.mark.django_db, pytest.mark.shop("promotions")]


def test_an_order_keeps_each_discount_on_its_lines(client, shop):
    percent_off("15", scope=Scope.PRODUCTS, products=[shop["chair"].product])
    promo = coupon("VERANO10", value="10")
    add(client, "CHAIR")
    add(client, "LAMP")
    apply_code(client, "VERANO10")
    order = checkout(client)

    lines = {line.sku: line for line in order.lines.all()}
    chair, lamp = lines["CHAIR"], lines["LAMP"]
    assert (chair.unit_price, chair.automatic_discount, chair.coupon_discount) == (D("200.00"), D("30.00"), D("17.00"))
    assert (lamp.automatic_discount, lamp.coupon_discount) == (D("0.00"), D("10.00"))
    assert chair.discount == D("47.00") and chair.line_total == D("153.00") and chair.unit_paid == D("153.00")
    assert order.subtotal == D("300.00") and order.discount_total == D("57.00")
    assert order.total == order.subtotal - order.discount_total + order.shipping_total
    assert order.coupon_code == "VERANO10"
    redemption = CouponRedemption.objects.get(order=order)
    assert redemption.coupon == promo and redemption.amount == D("27.00") and redemption.email == "rosa@example.pe"
    promo.refresh_from_db()
    assert promo.uses == 1


def test_the_kit_discount_is_allocated_to_the_lines(client, shop):
    kit = KitFactory(discount_percent=D("10"))
    KitItemFactory(kit=kit, product=shop["chair"].product)
    KitItemFactory(kit=kit, product=shop["lamp"].product)
    client.post(reverse("cart:add_kit", args=[kit.slug]), {})
    order = checkout(client)
    assert sorted(order.lines.values_list("kit_discount", flat=True)) == [D("10.00"), D("20.00")]
    assert order.discount_total == D("30.00") and order.total == D("270.00")


def test_free_shipping_coupon(client, shop):
    coupon("ENVIO", kind=Coupon.Kind.FREE_SHIPPING, value="0")
    add(client, "LAMP")  # S/ 100: below Olva's free-shipping threshold
    details(client)
    delivery(client)
    quoted = client.get(reverse("checkout:review")).context["quote"].price
    assert quoted > 0
    apply_code(client, "ENVIO")
    review = client.get(reverse("checkout:review"))
    assert review.context["total"] == D("100.00")
    place(client, review.context["key"])
    order = Order.objects.get()
    assert order.shipping_total == D("0.00") and order.total == D("100.00")
    assert CouponRedemption.objects.get(order=order).amount == quoted


def test_a_coupon_that_expired_before_placing_refuses_the_order_and_writes_nothing(client, shop):
    promo = coupon("VERANO10")
    add(client, "CHAIR")
    apply_code(client, "VERANO10")
    details(client)
    delivery(client)
    key = review_key(client)
    Coupon.objects.filter(pk=promo.pk).update(ends_at=ago(seconds=1), starts_at=ago(days=1))
    response = place(client, key)
    assert response.status_code == 302 and not Order.objects.exists()
    messages = [str(m) for m in client.get(response["Location"], follow=True).context["messages"]]
    assert any("VERANO10" in m for m in messages)
    assert Coupon.objects.get(pk=promo.pk).uses == 0


def test_tampered_price_and_discount_fields_at_placing_change_nothing(client, shop):
    coupon("VERANO10")
    add(client, "CHAIR")
    apply_code(client, "VERANO10")
    details(client)
    delivery(client)
    place(
        client,
        review_key(client),
        discount_total="200",
        unit_price="1",
        coupon_discount="199",
        total="0.01",
        code="OTHER",
    )
    order = Order.objects.get()
    assert order.subtotal == D("200.00") and order.discount_total == D("20.00") and order.coupon_code == "VERANO10"
    assert order.total == D("180.00") + order.shipping_total


class TestGivingTheUseBack:
    def _order(self, client, promo) -> Order:
        add(client, "CHAIR")
        apply_code(client, promo.code)
        return checkout(client)

    def test_cancelling_an_unpaid_order(self, client, shop):
        promo = coupon("ONE", max_uses=1)
        order = self._order(client, promo)
        assert Coupon.objects.get(pk=promo.pk).uses == 1
        order_cancel(order=order, actor=None, reason="", by_customer=False)
        assert Coupon.objects.get(pk=promo.pk).uses == 0
        assert CouponRedemption.objects.get(order=order).is_released
        # given back once: a second attempt does nothing
        from promotions.services import coupon_release

        assert coupon_release(order=order) is False and Coupon.objects.get(pk=promo.pk).uses == 0
        other = Client()
        assert self._order(other, promo).coupon_code == "ONE"

    def test_an_unpaid_order_that_expires(self, client, shop):
        promo = coupon("ONE", max_uses=1)
        order = self._order(client, promo)
        Order.objects.filter(pk=order.pk).update(placed_at=timezone.now() - timezone.timedelta(hours=3))
        assert orders_cancel_unpaid(older_than_minutes=60) == 1
        assert Coupon.objects.get(pk=promo.pk).uses == 0

    def test_a_paid_order_keeps_its_use(self, client, shop):
        promo = coupon("ONE", max_uses=1)
        order = self._order(client, promo)
        order = order_payment_record(order=order).order
        order_cancel(order=order, actor=None, reason="", by_customer=False)
        assert Coupon.objects.get(pk=promo.pk).uses == 1
        assert Order.objects.get(pk=order.pk).status == OrderStatus.CANCELLED


def test_the_per_customer_limit_counts_guest_orders_by_email(shop):
    coupon("ONCE", max_uses_per_customer=1)
    first, second = Client(), Client()
    for client in (first, second):
        add(client, "CHAIR")
        apply_code(client, "ONCE")
    assert checkout(first, email="rosa@example.pe").coupon_code == "ONCE"
    assert checkout(second, email="ROSA@example.pe") is None
    assert Order.objects.count() == 1 and Coupon.objects.get(code="ONCE").uses == 1


def test_the_review_page_shows_both_discounts(client, shop):
    percent_off("15", scope=Scope.PRODUCTS, products=[shop["chair"].product])
    coupon("VERANO10")
    add(client, "CHAIR")
    apply_code(client, "VERANO10")
    details(client)
    delivery(client)
    html = client.get(reverse("checkout:review")).content.decode()
    assert "VERANO10" in html and "−S/ 30.00" in html and "−S/ 17.00" in html


def _fill(client, warehouse, count):
    variants = [VariantFactory() for _ in range(count)]
    for variant in variants:
        stock(variant, warehouse, 3)
        add(client, variant.sku)
    return variants


class TestQueryCeilings:
    """The cart page and placing an order cost the same for 1 and 20 lines, with a coupon and
    automatic discounts running (tests/cart and tests/orders hold the budgets without them)."""

    def test_the_cart_page(self, shop, django_assert_num_queries):
        percent_off("10")
        percent_off("5", scope=Scope.PRODUCTS, products=[shop["chair"].product])
        coupon("VERANO10")
        counts = []
        for lines in (1, 20):
            client = Client()
            _fill(client, shop["warehouse"], lines)
            apply_code(client, "VERANO10")
            client.get(reverse("cart:detail"))
            with django_assert_num_queries(
                7
            ) as captured:  # the cart's 5 (discounts in the variants query), the coupon, naming the offers
                response = client.get(reverse("cart:detail"))
            assert response.context["cart"].coupon_discount > 0
            counts.append(len(captured.captured_queries))
        assert counts[0] == counts[1]

    def test_placing_an_order(self, shop, django_assert_max_num_queries):
        percent_off("10")
        coupon("VERANO10")
        counts = []
        for lines in (1, 20):
            client = Client()
            _fill(client, shop["warehouse"], lines)
            apply_code(client, "VERANO10")
            details(client, email=f"flat{lines}@example.pe", document_type="dni", document=BUYER_DNI)
            delivery(client)
            key = review_key(client)
            with django_assert_max_num_queries(48) as captured:
                assert place(client, key).status_code == 302
            order = Order.objects.get(email=f"flat{lines}@example.pe")
            assert order.lines.count() == lines and order.coupon_code == "VERANO10"
            counts.append(len(captured.captured_queries))
        assert counts[0] == counts[1]


def test_a_signed_in_customer_applies_and_places(client, shop):
    user = UserFactory()
    client.login(email=user.email, password=PASSWORD)
    coupon("VERANO10", max_uses_per_customer=1)
    add(client, "CHAIR")
    apply_code(client, "VERANO10")
    order = checkout(client, email=user.email)
    assert CouponRedemption.objects.get(order=order).customer == user
