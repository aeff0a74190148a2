"""Two partial returns of one order resolved at the same time (credit, refund or one of each),
and a support refund racing a return: what goes back never passes what the order was paid,
and the shipping goes back once. Real threads on PostgreSQL."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum

from credit.models import GiftCard, StoreCredit
from payments.models import Payment, Refund
from payments.selectors import OPEN
from payments.services.refunds import refund_request
from returns import services
from tests.factories import received_return
from tests.threads import run_in_threads

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


@pytest.fixture(autouse=True)
def slow_resolutions(monkeypatch):
    """A return's resolution takes a while between deciding its amount and writing the credit or
    refund, so the other thread acts in between unless a lock makes it wait: the race happens on
    every run, not one in two. (The support thread's refund_request is the test's own import.)"""
    import time

    from credit import services as credit_services
    from credit.services import gift_cards
    from payments.services import refunds

    for module, name in (
        (credit_services, "store_credit_issue"),
        (refunds, "refund_request"),
        (gift_cards, "gift_card_issue_for_return"),
    ):
        original = getattr(module, name)

        def slow(*args, _original=original, **kwargs):
            time.sleep(0.3)
            return _original(*args, **kwargs)

        monkeypatch.setattr(module, name, slow)


def given_back(order) -> Decimal:
    refunds = Refund.objects.filter(payment__order=order, status__in=OPEN).aggregate(total=Sum("amount"))["total"]
    credits = StoreCredit.objects.filter(return_request__order=order).aggregate(total=Sum("amount"))["total"]
    cards = GiftCard.objects.filter(return_request__order=order).aggregate(total=Sum("amount"))["total"]
    return (refunds or Decimal("0.00")) + (credits or Decimal("0.00")) + (cards or Decimal("0.00"))


@pytest.mark.parametrize("resolutions", [("credit", "credit"), ("credit", "refund"), ("refund", "refund")])
def test_two_partial_returns_resolved_at_once_give_back_the_order_total_once(
    gateway_order, staff, warehouse, resolutions
):
    """The polos in one return, the casaca in another: together the whole order comes back, so
    one of them (not both) carries the 15.00 shipping."""
    requests = [
        received_return(gateway_order, staff, warehouse, units={"POLO-M": 2}, resolution=resolutions[0]),
        received_return(gateway_order, staff, warehouse, units={"CASACA-L": 1}, resolution=resolutions[1]),
    ]

    results, errors = run_in_threads(
        lambda index: services.return_resolve(request=requests[index].pk, actor=staff).resolved_amount, 2
    )

    assert errors == []
    assert given_back(gateway_order) == gateway_order.total == Decimal("253.80")
    assert sum(results) == gateway_order.total
    shipping = [
        request.shipping_returned for request in type(requests[0]).objects.filter(pk__in=[r.pk for r in requests])
    ]
    assert sorted(shipping) == [Decimal("0.00"), gateway_order.shipping_total]


@pytest.mark.parametrize("resolution", ["credit", "refund"])
def test_a_support_refund_racing_a_return_resolution_never_passes_the_total(
    gateway_order, staff, warehouse, resolution
):
    request = received_return(
        gateway_order, staff, warehouse, units={"POLO-M": 2, "CASACA-L": 1}, resolution=resolution
    )
    payment = Payment.objects.get(order=gateway_order)

    def act(index):
        if index == 0:
            return services.return_resolve(request=request.pk, actor=staff).resolved_amount
        return refund_request(payment=payment, amount="100.00", reason="Compensación", actor=staff).amount

    results, errors = run_in_threads(act, 2)

    assert given_back(gateway_order) <= gateway_order.total
    # Whichever came second got what was left (the return) or was refused (support's refund).
    assert len(results) + len(errors) == 2
    if errors:
        assert given_back(gateway_order) == gateway_order.total


@pytest.mark.parametrize("card_pays", ["100.00", "253.80"], ids=["part", "all"])
def test_a_guest_s_two_returns_resolved_at_once_give_back_what_was_paid_once(warehouse, olva, staff, card_pays):
    """A guest paid with a gift card (part or all): each return gives the card's part back on a new
    card, the gateway's as a refund, and together never more than the order was paid."""
    from credit.services.gift_cards import gift_card_issue, gift_card_spend
    from orders.services import order_payment_record
    from payments.services import payment_method_ensure_test_gateway, payment_start, payment_test_gateway_pay
    from tests.factories import deliver, line_for, make_order, stocked_variant

    polo, casaca = stocked_variant(warehouse, sku="POLO-M"), stocked_variant(warehouse, sku="CASACA-L", price="129.00")
    order = make_order(
        lines=[line_for(polo, quantity=2), line_for(casaca)],
        shipping_method_id=olva.pk,
        discount_total=Decimal("10.00"),
    )  # a guest's, 253.80
    card = gift_card_issue(
        actor=staff,
        amount="300",
        recipient_name="Lucía",
        recipient_email="lucia@example.pe",
        sender_name="Kallpa",
        reason="Cortesía",
    )
    gift_card_spend(code=card.code, order=order, amount=card_pays)
    if Decimal(card_pays) < order.total:
        payment_test_gateway_pay(payment=payment_start(order=order, method=payment_method_ensure_test_gateway()))
    else:
        order_payment_record(order=order)
    order.refresh_from_db()
    order = deliver(order)
    requests = [
        received_return(order, staff, warehouse, units={"POLO-M": 2}, resolution="refund"),
        received_return(order, staff, warehouse, units={"CASACA-L": 1}, resolution="refund"),
    ]

    results, errors = run_in_threads(
        lambda index: services.return_resolve(request=requests[index].pk, actor=staff).resolved_amount, 2
    )

    assert errors == []
    assert given_back(order) == order.total == sum(results) == Decimal("253.80")
    assert GiftCard.objects.filter(return_request__order=order).aggregate(total=Sum("amount"))["total"] == Decimal(
        card_pays
    )
