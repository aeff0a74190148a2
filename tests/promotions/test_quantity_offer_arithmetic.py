"""Quantity offers' arithmetic (promotions.stacking step 2): pure functions, no database."""

from decimal import Decimal as D

import pytest

from promotions.stacking import (
    BUY_N_PAY_M,
    BUY_X_GET_GIFT,
    NTH_UNIT_PERCENT,
    QuantityTerms,
    allocate,
    gift_units,
    quantity_discount,
)

THREE_FOR_TWO = QuantityTerms(kind=BUY_N_PAY_M, buy=3, pay=2)
SECOND_AT_HALF = QuantityTerms(kind=NTH_UNIT_PERCENT, buy=2, percent=D("50"))


def prices(*values):
    return [D(v) for v in values]


@pytest.mark.parametrize(
    ("units", "expected"),
    [
        ((), "0.00"),
        (("29.90",), "0.00"),
        (("29.90", "29.90"), "0.00"),
        (("29.90", "29.90", "29.90"), "29.90"),
        (("29.90",) * 4, "29.90"),  # the 4th unit waits for a 5th and a 6th
        (("29.90",) * 5, "29.90"),
        (("29.90",) * 6, "59.80"),
        (("10", "20", "30"), "10.00"),  # the cheapest unit is the free one
        (("30", "10", "20"), "10.00"),  # whatever the order of the lines
        (("10", "20", "30", "40", "50", "60"), "30.00"),  # the two cheapest: 10 + 20
        (("0.01", "0.01", "0.01"), "0.01"),
        (("19.99", "49.95", "100.00", "0.05"), "0.05"),  # 4 units, one set: the cheapest of all 4
    ],
)
def test_three_for_two(units, expected):
    assert quantity_discount(THREE_FOR_TWO, prices(*units)) == D(expected)


@pytest.mark.parametrize(
    ("terms", "units", "expected"),
    [
        (QuantityTerms(kind=BUY_N_PAY_M, buy=2, pay=1), ("15", "25"), "15.00"),  # 2x1
        (QuantityTerms(kind=BUY_N_PAY_M, buy=4, pay=3), ("10",) * 7, "10.00"),  # 4x3, 7 units: one set
        (QuantityTerms(kind=BUY_N_PAY_M, buy=5, pay=3), ("10", "10", "10", "10", "9"), "19.00"),  # two free: 9 + 10
    ],
)
def test_other_n_for_m(terms, units, expected):
    assert quantity_discount(terms, prices(*units)) == D(expected)


@pytest.mark.parametrize(
    ("units", "expected"),
    [
        (("39.90",), "0.00"),
        (("39.90", "39.90"), "19.95"),
        (("39.90", "39.90", "39.90"), "19.95"),
        (("39.90",) * 4, "39.90"),
        (("59.90", "39.90"), "19.95"),  # the cheaper unit is the half-price one
        (("0.03", "0.03"), "0.02"),  # half of 3 cents, to the cent (half up)
        (("19.99", "19.99"), "10.00"),  # 9.995 → 10.00
    ],
)
def test_second_at_half(units, expected):
    assert quantity_discount(SECOND_AT_HALF, prices(*units)) == D(expected)


def test_third_at_full_percent_is_a_free_third():
    terms = QuantityTerms(kind=NTH_UNIT_PERCENT, buy=3, percent=D("100"))
    assert quantity_discount(terms, prices("10", "20", "30")) == quantity_discount(
        THREE_FOR_TWO, prices("10", "20", "30")
    )


def test_a_gift_offer_takes_nothing_off_the_units_that_earn_it():
    terms = QuantityTerms(kind=BUY_X_GET_GIFT, buy=2, gift_quantity=1)
    assert quantity_discount(terms, prices("50", "50")) == 0
    assert [gift_units(terms, bought=n) for n in (0, 1, 2, 3, 4, -1)] == [0, 0, 1, 1, 2, 0]
    assert gift_units(QuantityTerms(kind=BUY_X_GET_GIFT, buy=3, gift_quantity=2), bought=6) == 4
    assert gift_units(THREE_FOR_TWO, bought=9) == 0


def test_bad_terms_give_nothing():
    assert quantity_discount(QuantityTerms(kind=BUY_N_PAY_M, buy=0, pay=0), prices("10")) == 0
    assert quantity_discount(QuantityTerms(kind="other", buy=2), prices("10", "10")) == 0
    # pay ≥ buy (refused by the model) never gives a negative discount
    assert quantity_discount(QuantityTerms(kind=BUY_N_PAY_M, buy=2, pay=5), prices("10", "10")) == 0
    assert quantity_discount(QuantityTerms(kind=NTH_UNIT_PERCENT, buy=2, percent=D("150")), prices("10", "10")) == D(
        "10"
    )


@pytest.mark.parametrize(
    "amounts",
    [
        ["29.90", "59.80"],  # two lines of a 3x2 pooled: 1 + 2 units
        ["10.00", "20.00", "30.00"],
        ["0.01", "0.01", "0.01"],
        ["33.33", "33.33", "33.34"],
    ],
)
def test_spreading_the_discount_adds_up_to_the_cent(amounts):
    weights = [D(a) for a in amounts]
    discount = quantity_discount(THREE_FOR_TWO, list(weights))
    shares = allocate(discount, weights)
    assert sum(shares) == discount
    assert all(0 <= share <= weight for share, weight in zip(shares, weights))
