"""What the shopper is told about money going back, in Chromium: the return form says what a return
will give back as units are chosen (a 3x2's free unit: nothing, the offer no longer applies to the
two kept), and a paid order cancelled in the window says its refund awaits staff approval, where it
goes and when. Screenshots at 1280 and 390 px."""

from decimal import Decimal

import pytest

from orders.services import order_cancel
from promotions import stacking
from tests.e2e.helpers import DESKTOP, PHONE, screenshot, sign_in
from tests.factories import (
    ShippingMethodFactory,
    UserFactory,
    VariantFactory,
    WarehouseFactory,
    deliver,
    line_for,
    make_order,
    paid_order,
    pay,
    stock,
    stocked_variant,
)

pytestmark = pytest.mark.django_db(transaction=True)
NO_SIDEWAYS_SCROLL = "() => document.scrollingElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def three_polos_delivered(customer):
    """Rosa's delivered order of three polos bought as a 3x2 (one free), sent by Olva."""
    from dataclasses import replace

    from shipping.models import Carrier

    olva = ShippingMethodFactory(name="Olva Courier — Lima Metropolitana", carrier=Carrier.OLVA)
    polo = stocked_variant(WarehouseFactory(code="LIM-CENTRAL", priority=1), units=10, sku="POLO-INTI-M")
    line = replace(
        line_for(polo, quantity=3),
        offer_discount=Decimal("59.90"),
        discount=Decimal("59.90"),
        offer_discount_name="3x2 Polos",
        offer_terms=stacking.terms_snapshot(
            stacking.QuantityTerms(kind=stacking.BUY_N_PAY_M, buy=3, pay=2), offer_id=1
        ),
    )
    return deliver(paid_order(lines=[line], method=olva, customer=customer, email=customer.email))


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_return_form_says_what_comes_back_before_sending(new_page, customer, three_polos_delivered, viewport):
    order = three_polos_delivered
    line = order.lines.get()

    page = new_page(viewport)
    sign_in(page, "/accounts/login/", customer.email)
    page.goto(f"/returns/new/{order.number}/")
    assert "Elige las unidades que devuelves" in page.locator("#return-quote").inner_text()
    page.select_option(f"select[name=line_{line.pk}_quantity]", "1")
    page.locator("#return-quote", has_text="Recibirás S/").wait_for()
    quote = page.locator("#return-quote").inner_text()
    assert "Recibirás S/ 0.00" in quote and "«3x2 Polos» ya no se aplica" in quote and "S/ 39.93" in quote
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    screenshot(page, "return-form-offer-quote")

    page.select_option(f"select[name=line_{line.pk}_quantity]", "3")
    page.locator("#return-quote", has_text="incluye el envío").wait_for()
    assert f"Recibirás S/ {order.total:,.2f}" in page.locator("#return-quote").inner_text()


def test_the_quote_follows_the_last_change_however_fast_the_changes_come(new_page, customer, three_polos_delivered):
    """A change made while the previous quote is on its way, or just as it is put in the page (htmx readies
    what it swaps in a moment later), is quoted too: the quote never stays on units no longer chosen."""
    order = three_polos_delivered
    field = f"select[name=line_{order.lines.get().pk}_quantity]"
    page = new_page()
    sign_in(page, "/accounts/login/", customer.email)
    page.goto(f"/returns/new/{order.number}/")

    page.select_option(field, "1")
    page.select_option(field, "3")  # the first quote is still on its way
    page.locator("#return-quote", has_text="incluye el envío").wait_for()

    # Right as the next quote is swapped in, before htmx has readied it, the shopper picks one unit again.
    page.evaluate(
        """(field) => document.body.addEventListener("htmx:afterSwap", () => {
            const select = document.querySelector(field);
            select.value = "1";
            select.dispatchEvent(new Event("change", {bubbles: true}));
        }, {once: true})""",
        field,
    )
    page.select_option(field, "2")
    page.locator("#return-quote", has_text="Recibirás S/ 0.00").wait_for()
    assert page.locator(field).input_value() == "1"
    assert "incluye el envío" not in page.locator("#return-quote").inner_text()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_cancelled_paid_order_says_when_the_money_comes_back(new_page, customer, viewport):
    variant = VariantFactory()
    stock(variant, WarehouseFactory(), 5)
    order = make_order(customer=customer, variant=variant)
    pay(order)
    order_cancel(order=order, actor=customer, reason="", by_customer=True)

    page = new_page(viewport)
    sign_in(page, "/accounts/login/", customer.email)
    page.goto(order.get_absolute_url())
    header = page.locator(".order-header-status").inner_text()
    assert "Anulado" in header and "reembolso pendiente" in header and "pagado" not in header
    refund = page.locator("#order-refund").inner_text()
    assert f"Reembolso pendiente: S/ {order.total:,.2f}" in refund
    assert "tarjeta Visa terminada en 4242" in refund and "2 días hábiles" in refund
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    screenshot(page, "order-cancelled-refund-pending")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_staff_see_the_refund_awaiting_their_approval_on_the_order(new_page, customer, viewport):
    staff = UserFactory(email="soporte@kallpa.pe", is_staff=True, is_superuser=True)
    variant = VariantFactory()
    stock(variant, WarehouseFactory(), 5)
    order = make_order(customer=customer, variant=variant)
    pay(order)
    order_cancel(order=order, actor=customer, reason="", by_customer=True)

    page = new_page(viewport)
    sign_in(page, "/admin/login/", staff.email, field="username")
    page.goto(f"/admin/orders/order/{order.pk}/change/")
    outlook = page.locator("#order-refund-outlook").inner_text()
    assert "pendiente de aprobación" in outlook and f"S/ {order.total:,.2f}" in outlook
    assert "Visa terminada en 4242" in outlook
    page.locator("#order-refund-outlook a", has_text="Abrir el reembolso").wait_for()
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    screenshot(page, "admin-order-refund-pending")
