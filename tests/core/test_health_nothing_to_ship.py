"""/healthz counts only work really overdue: an order of gift cards only has nothing to ship and no
receipt to issue, so it is never "a paid order waiting for its shipments" (issue 45, item 4)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from core import health, jobs
from credit.services.gift_cards import gift_card_details_clean
from orders.exceptions import InvalidTransition
from orders.models import Order
from orders.services import order_create_for_gift_cards, order_fulfilment_retry, order_payment_record
from shipping.models import Shipment
from tests.factories import make_guest_order, pay

pytestmark = pytest.mark.django_db

LONG_AGO = timedelta(hours=2)


def backlog() -> dict[str, int]:
    return {row.name: row.count for row in jobs.backlog()}


def gift_card_order(customer):
    card = gift_card_details_clean(
        amount="100",
        recipient_name="Lucía",
        recipient_email="lucia@example.pe",
        sender_name="Rosa",
        deliver_on=timezone.localdate(),
    )
    order = order_create_for_gift_cards(customer=customer, email=customer.email, cards=[card], idempotency_key="gc")
    order_payment_record(order=order)
    Order.objects.filter(pk=order.pk).update(paid_at=timezone.now() - LONG_AGO)
    return Order.objects.get(pk=order.pk)


def test_a_paid_gift_card_order_is_no_overdue_work_and_health_stays_ok(customer, settings):
    order = gift_card_order(customer)
    assert not order.shipments.exists() and order.total == Decimal("100.00")
    counts = backlog()
    assert counts["orders.shipments"] == 0
    assert counts["receipts.issue"] == 0
    assert all(count == 0 for count in counts.values()), counts
    assert health.check_jobs(timezone.now(), fresh=True)["status"] == health.OK


def test_a_paid_order_of_goods_without_its_shipments_is_still_counted(customer):
    gift_card_order(customer)
    goods = make_guest_order()
    pay(goods)
    Shipment.objects.filter(order=goods).delete()  # the stock was not there when the payment arrived
    Order.objects.filter(pk=goods.pk).update(paid_at=timezone.now() - LONG_AGO)
    assert backlog()["orders.shipments"] == 1


def test_the_sweep_never_retries_the_fulfilment_of_an_order_with_nothing_to_ship(customer):
    order = gift_card_order(customer)
    with pytest.raises(InvalidTransition):
        order_fulfilment_retry(order=order)
    order.refresh_from_db()
    assert order.attention_note == "" and not order.needs_attention
