"""Returning units of a quantity offer: the refund is what was paid minus what the units kept cost as
the offer prices them now (once its condition is broken, without it). A shopper who buys a 3x2 and
returns the free unit keeps 2 at the price of 2 and gets nothing back; returning the rest gives back
exactly what was paid. The offer's terms are kept on the order line at checkout, so an offer edited
or gone later does not change what a return gives back."""

from dataclasses import replace
from decimal import Decimal

import pytest

from promotions import stacking
from returns.models import ReturnStatus
from returns.services import return_amount, return_quote_preview, return_resolve
from tests.factories import deliver, line_for, paid_order, received_return, stocked_variant

pytestmark = pytest.mark.django_db

THREE_FOR_TWO = stacking.QuantityTerms(kind=stacking.BUY_N_PAY_M, buy=3, pay=2)
SECOND_AT_HALF = stacking.QuantityTerms(kind=stacking.NTH_UNIT_PERCENT, buy=2, percent=Decimal("50"))


def offer_line(variant, *, quantity, discount, name, terms, offer_id=1):
    return replace(
        line_for(variant, quantity=quantity),
        offer_discount=Decimal(discount),
        discount=Decimal(discount),
        offer_discount_name=name,
        offer_terms=stacking.terms_snapshot(terms, offer_id=offer_id),
    )


@pytest.fixture
def three_for_two_order(warehouse, olva, customer):
    polo = stocked_variant(warehouse, sku="POLO-M")  # 59.90
    line = offer_line(polo, quantity=3, discount="59.90", name="3x2 Polos", terms=THREE_FOR_TWO)
    order = paid_order(lines=[line], method=olva, customer=customer, email=customer.email)
    return deliver(order)


def test_returning_the_free_unit_of_a_3x2_gives_nothing_back_and_the_rest_gives_back_what_was_paid(
    three_for_two_order, staff, warehouse
):
    order = three_for_two_order
    line = order.lines.get()
    assert line.line_total == Decimal("119.80") and line.offer_terms["kind"] == "buy_n_pay_m"
    quote = return_quote_preview(order=order, units={line.pk: 1})
    assert quote.amount == Decimal("0.00") and quote.offers_lost == [("3x2 Polos", Decimal("39.93"))]

    first = received_return(order, staff, warehouse, units={"POLO-M": 1})
    assert return_amount(request=first) == Decimal("0.00")  # keeps 2 at 59.90 each: what was paid
    first = return_resolve(request=first, actor=staff)  # the goods are back, nothing is owed
    assert first.status == ReturnStatus.RESOLVED and first.resolved_amount == Decimal("0.00")

    rest = received_return(order, staff, warehouse, units={"POLO-M": 2})
    assert return_amount(request=rest) == line.line_total + order.shipping_total


def test_the_second_at_half_is_priced_again_on_the_units_kept(warehouse, olva, customer, staff):
    cap = stocked_variant(warehouse, sku="GORRA", price="100.00")
    line = offer_line(cap, quantity=4, discount="100.00", name="2do al 50 %", terms=SECOND_AT_HALF)
    order = deliver(paid_order(lines=[line], method=olva, customer=customer, email=customer.email))
    # Four caps paid 300; three kept still make one pair (250): one returned gives back 50, not 75.
    assert return_quote_preview(order=order, units={order.lines.get().pk: 1}).amount == Decimal("50.00")
    one = received_return(order, staff, warehouse, units={"GORRA": 1})
    assert return_amount(request=one) == Decimal("50.00")


def test_two_colours_pooled_in_one_3x2(warehouse, olva, customer, staff):
    red, blue = (
        stocked_variant(warehouse, sku="POLO-ROJO", price="100.00"),
        stocked_variant(warehouse, sku="POLO-AZUL", price="40.00"),
    )
    # The blue one is the free unit; its 40.00 discount is spread over the group's amounts (240).
    lines = [
        offer_line(red, quantity=2, discount="33.33", name="3x2 Polos", terms=THREE_FOR_TWO),
        offer_line(blue, quantity=1, discount="6.67", name="3x2 Polos", terms=THREE_FOR_TWO),
    ]
    order = deliver(paid_order(lines=lines, method=olva, customer=customer, email=customer.email))
    by_sku = {line.sku: line.pk for line in order.lines.all()}
    # Returning the cheapest: the two red ones kept cost 200, what was paid: nothing back.
    assert return_quote_preview(order=order, units={by_sku["POLO-AZUL"]: 1}).amount == Decimal("0.00")
    # Returning a red one: a red and a blue kept cost 140 of the 200 paid: 60 back.
    assert return_quote_preview(order=order, units={by_sku["POLO-ROJO"]: 1}).amount == Decimal("60.00")


def test_the_return_form_shows_the_amount_before_sending_and_sends_nothing(client, three_for_two_order, customer):
    from django.urls import reverse

    from returns.models import ReturnRequest

    order = three_for_two_order
    line = order.lines.get()
    client.force_login(customer)
    url = reverse("returns:create", args=[order.number])
    assert "Elige las unidades que devuelves" in client.get(url).content.decode()
    page = client.post(url, {"preview": "1", f"line_{line.pk}_quantity": "1"})
    body = page.content.decode()
    assert page.status_code == 200 and "Recibirás S/ 0.00" in body and "«3x2 Polos» ya no se aplica" in body
    assert "Elige un motivo." not in body  # a half-filled form is not judged while only the amount is asked
    assert not ReturnRequest.objects.exists()
