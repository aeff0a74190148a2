"""The amounts on a receipt: words, the spread of an order-level discount, and totals that equal
the order's to the cent over many generated orders (discounts, shipping, odd prices)."""

import random
from decimal import Decimal

import pytest

from receipts.amounts import spread
from receipts.models import ReceiptKind
from receipts.services import receipt_issue_for_order
from receipts.words import amount_in_words
from tests.factories import BUYER_DNI, pay
from tests.factories import make_priced_order as make_order


@pytest.mark.parametrize(
    "amount, words",
    [
        ("1799.99", "SON: MIL SETECIENTOS NOVENTA Y NUEVE CON 99/100 SOLES"),
        ("0.50", "SON: CERO CON 50/100 SOLES"),
        ("1.00", "SON: UNO CON 00/100 SOLES"),
        ("100.00", "SON: CIEN CON 00/100 SOLES"),
        ("115.10", "SON: CIENTO QUINCE CON 10/100 SOLES"),
        ("21000.00", "SON: VEINTIÚN MIL CON 00/100 SOLES"),
        ("31500.05", "SON: TREINTA Y UN MIL QUINIENTOS CON 05/100 SOLES"),
        ("101000.00", "SON: CIENTO UN MIL CON 00/100 SOLES"),
        ("1000000.00", "SON: UN MILLÓN CON 00/100 SOLES"),
        ("21000001.00", "SON: VEINTIÚN MILLONES UNO CON 00/100 SOLES"),
    ],
)
def test_amount_in_words_uses_peruvian_forms(amount, words):
    assert amount_in_words(Decimal(amount)) == words


def test_a_negative_amount_has_no_words():
    with pytest.raises(ValueError):
        amount_in_words(Decimal("-1.00"))


def test_spread_adds_up_and_never_exceeds_a_weight():
    rng = random.Random(19)
    for _ in range(500):
        weights = [Decimal(rng.randint(1, 50000)) / 100 for _ in range(rng.randint(1, 6))]
        amount = Decimal(rng.randint(0, int(sum(weights) * 100))) / 100
        shares = spread(amount, weights)
        assert sum(shares) == amount
        assert all(Decimal("0") <= share <= weight for share, weight in zip(shares, weights, strict=True))


@pytest.mark.django_db
def test_receipt_totals_equal_the_order_to_the_cent_over_many_generated_orders():
    rng = random.Random(2026)
    for _ in range(30):
        count = rng.randint(1, 4)
        prices = [f"{rng.randint(100, 500000) / 100:.2f}" for _ in range(count)]
        quantities = [rng.randint(1, 3) for _ in range(count)]
        discounts = [
            f"{rng.randint(0, int(Decimal(p) * q * 30)) / 100:.2f}" if rng.random() < 0.5 else "0.00"
            for p, q in zip(prices, quantities, strict=True)
        ]
        room = sum(Decimal(p) * q - Decimal(d) for p, q, d in zip(prices, quantities, discounts, strict=True))
        order_discount = f"{rng.randint(0, int(room * 20)) / 100:.2f}" if rng.random() < 0.5 else "0.00"
        shipping = rng.choice(["0.00", "9.90", "15.00", f"{rng.randint(1, 9999) / 100:.2f}"])
        order = make_order(
            prices=prices,
            quantities=quantities,
            discounts=discounts,
            order_discount=order_discount,
            shipping=shipping,
            document_type="dni",
            document=BUYER_DNI,
        )
        pay(order)
        receipt = receipt_issue_for_order(order_id=order.pk)
        order.refresh_from_db()
        lines = list(receipt.lines.all())
        assert receipt.kind == ReceiptKind.BOLETA
        assert receipt.total == order.total
        assert sum(line.total for line in lines) == order.total
        assert receipt.taxable_total + receipt.igv_total == order.total
        assert sum(line.taxable_amount for line in lines) == receipt.taxable_total
        assert sum(line.igv for line in lines) == receipt.igv_total
        assert receipt.discount_total == order.discount_total
        assert len(lines) == count + (1 if order.shipping_total else 0)
        for line in lines:
            assert line.taxable_amount + line.igv == line.total
            assert abs(line.igv - line.taxable_amount * Decimal("0.18")) <= Decimal("0.01")
        assert receipt.amount_in_words == amount_in_words(order.total)
