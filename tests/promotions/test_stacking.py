"""The stacking rule (promotions.stacking), as a table of cases: first the arithmetic alone,
then whole carts priced from the database."""

from decimal import Decimal as D

import pytest

from cart.pricing import price_cart
from cart.store import LineKey
from promotions.models import Coupon, Scope
from promotions.stacking import CouponTerms, allocate, coupon_discounts, unit_discount
from tests.factories import (
    CategoryFactory,
    KitFactory,
    KitItemFactory,
    ProductFactory,
    VariantFactory,
    amount_off,
    coupon,
    percent_off,
)


@pytest.mark.parametrize(
    ("price", "percent", "amount", "expected"),
    [
        ("100.00", "0", "0", "0.00"),  # nothing running
        ("100.00", "15", "0", "15.00"),  # a percentage
        ("100.00", "0", "20", "20.00"),  # a fixed amount
        ("100.00", "15", "20", "20.00"),  # both cover the product: the better one, not the sum
        ("300.00", "15", "20", "45.00"),  # ... which depends on the price
        ("10.00", "0", "25", "10.00"),  # never below zero
        ("99.99", "12.5", "0", "12.50"),  # cents rounded half up
        ("0.10", "5", "0", "0.01"),
    ],
)
def test_unit_discount_is_the_best_single_automatic_discount(price, percent, amount, expected):
    assert unit_discount(D(price), percent=D(percent), amount=D(amount)) == D(expected)


@pytest.mark.parametrize(
    ("amount", "weights", "expected"),
    [
        ("10.00", ["100", "100", "100"], ["3.34", "3.33", "3.33"]),
        ("0.01", ["50", "150"], ["0.00", "0.01"]),
        ("30.00", ["200", "100"], ["20.00", "10.00"]),
        ("5.00", ["0", "0"], ["0.00", "0.00"]),
    ],
)
def test_allocation_adds_up_to_the_cent(amount, weights, expected):
    parts = allocate(D(amount), [D(w) for w in weights])
    assert parts == [D(e) for e in expected]
    assert sum(parts) == (D(amount) if sum(D(w) for w in weights) else 0)


@pytest.mark.parametrize(
    ("kind", "value", "amounts", "expected"),
    [
        ("percentage", "10", ["170.00", "100.00"], ["17.00", "10.00"]),
        ("fixed", "50", ["150.00", "50.00"], ["37.50", "12.50"]),
        ("fixed", "500", ["150.00", "50.00"], ["150.00", "50.00"]),  # never more than the lines in scope
        ("free_shipping", "0", ["150.00"], ["0.00"]),  # takes the shipping off instead
    ],
)
def test_coupon_shares_per_line(kind, value, amounts, expected):
    assert coupon_discounts(CouponTerms(kind=kind, value=D(value)), [D(a) for a in amounts]) == [D(e) for e in expected]


# --- whole carts ------------------------------------------------------------------------

pytestmark = pytest.mark.django_db


def priced(quantities, code="", **kwargs):
    return price_cart({LineKey(v.pk, kit): q for (v, kit), q in quantities.items()}, coupon_code=code, **kwargs)


@pytest.fixture
def chair():
    return VariantFactory(product=ProductFactory(base_price=D("200.00"), category=CategoryFactory()))


@pytest.fixture
def lamp():
    return VariantFactory(product=ProductFactory(base_price=D("100.00")))


CASES = {
    # name: (automatic discounts, kit %, coupon, expected per line: chair (auto, kit, coupon), lamp (...), total)
    "no discount": ([], None, None, [("0", "0", "0"), ("0", "0", "0")], "300.00"),
    "best automatic per line, never two": (
        [("percent", "15", "chair"), ("amount", "20", "chair"), ("percent", "10", "all")],
        None,
        None,
        [("30.00", "0", "0"), ("10.00", "0", "0")],
        "260.00",
    ),
    "coupon on top of the automatic price": (
        [("percent", "15", "chair")],
        None,
        ("percentage", "10", "all"),
        [("30.00", "0", "17.00"), ("0", "0", "10.00")],
        "243.00",
    ),
    "coupon only on lines in its scope": (
        [],
        None,
        ("percentage", "10", "chair"),
        [("0", "0", "20.00"), ("0", "0", "0")],
        "280.00",
    ),
    "fixed coupon split by amount": (
        [],
        None,
        ("fixed", "30", "all"),
        [("0", "0", "20.00"), ("0", "0", "10.00")],
        "270.00",
    ),
    "kit on the automatic price, then the coupon": (
        [("percent", "10", "chair")],
        "10",
        ("percentage", "10", "all"),
        [("20.00", "18.00", "16.20"), ("0", "10.00", "9.00")],
        "226.80",
    ),
    "free shipping takes nothing off the products": (
        [],
        None,
        ("free_shipping", "0", "all"),
        [("0", "0", "0"), ("0", "0", "0")],
        "300.00",
    ),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_stacking_table(case, chair, lamp):
    automatic, kit_percent, coupon_case, expected, total = CASES[case]
    for kind, value, target in automatic:
        scope = (
            {"scope": Scope.EVERYTHING} if target == "all" else {"scope": Scope.PRODUCTS, "products": [chair.product]}
        )
        (percent_off if kind == "percent" else amount_off)(value, **scope)
    kit_id = None
    if kit_percent:
        kit = KitFactory(discount_percent=D(kit_percent))
        KitItemFactory(kit=kit, product=chair.product)
        KitItemFactory(kit=kit, product=lamp.product)
        kit_id = kit.pk
    code = ""
    if coupon_case:
        kind, value, target = coupon_case
        scope = {} if target == "all" else {"scope": Scope.CATEGORIES, "categories": [chair.product.category]}
        code = coupon("CASE", kind=kind, value=value, **scope).code
    summary = priced({(chair, kit_id): 1, (lamp, kit_id): 1}, code=code)
    by_variant = {line.variant.pk: line for line in summary.lines}
    for variant, (auto, kit_part, coupon_part) in zip((chair, lamp), expected):
        line = by_variant[variant.pk]
        assert (line.automatic_total, line.kit_discount, line.coupon_discount) == (D(auto), D(kit_part), D(coupon_part))
    assert summary.total == D(total)
    assert summary.discount == summary.automatic_discount + summary.kit_discount + summary.coupon_discount
    assert summary.free_shipping == (coupon_case is not None and coupon_case[0] == "free_shipping")


def test_minimum_purchase_is_checked_after_automatic_and_kit_discounts(chair):
    percent_off("15", scope=Scope.PRODUCTS, products=[chair.product])  # 200 → 170
    coupon("MIN180", kind=Coupon.Kind.FIXED, value="20", minimum_purchase=D("180"))
    summary = priced({(chair, None): 1}, code="min180")
    assert summary.coupon is None and "S/ 180.00" in summary.coupon_refusal and "S/ 170.00" in summary.coupon_refusal
    assert priced({(chair, None): 2}, code="MIN180").coupon_discount == D("20.00")


def test_a_category_scope_covers_its_subcategories(chair):
    parent = CategoryFactory()
    child = CategoryFactory(parent=parent, family=parent.family)
    inside = VariantFactory(product=ProductFactory(base_price=D("50.00"), category=child))
    percent_off("10", scope=Scope.CATEGORIES, categories=[parent])
    summary = priced({(inside, None): 1, (chair, None): 1})
    assert [line.automatic_discount for line in summary.lines] == [
        D("5.00") if line.variant == inside else D("0.00") for line in summary.lines
    ]
