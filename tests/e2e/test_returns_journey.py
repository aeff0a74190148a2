"""Returns in Chromium: a customer returns one of two units of a delivered line from the order
page; staff approve it and receive it as resellable in the admin; the customer follows the
request's history in "Mis devoluciones"; the stock report shows the unit back."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from returns.models import ReturnRequest, ReturnStatus
from tests.e2e.helpers import PHONE, admin_action, screenshot, sign_in
from tests.factories import UserFactory, WarehouseFactory, deliver, line_for, paid_order, stocked_variant

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def delivered_world(db):
    from shipping.models import Carrier
    from tests.factories import ShippingMethodFactory

    customer = UserFactory(email="rosa@example.pe", first_name="Rosa", last_name="Quispe")
    staff = UserFactory(email="soporte@kallpa.pe", is_staff=True, is_superuser=True)
    olva = ShippingMethodFactory(name="Olva Courier — Lima Metropolitana", carrier=Carrier.OLVA)
    lima = WarehouseFactory(code="LIM-CENTRAL", name="Lima Central", priority=1)
    polo = stocked_variant(lima, units=10, sku="POLO-INTI-M")
    order = deliver(
        paid_order(lines=[line_for(polo, quantity=2)], method=olva, customer=customer, email=customer.email)
    )
    return {"customer": customer, "staff": staff, "order": order, "warehouse": lima}


def stock_of(sku: str, warehouse: str) -> int:
    out = StringIO()
    call_command("stock_report", "--warehouse", warehouse, "--format", "json", stdout=out)
    return next(row["on_hand"] for row in json.loads(out.getvalue()) if row["sku"] == sku)


def test_customer_returns_one_unit_and_staff_put_it_back_on_the_shelf(new_page, delivered_world):
    order = delivered_world["order"]
    line = order.lines.get()
    before = stock_of("POLO-INTI-M", "LIM-CENTRAL")

    customer = new_page()
    sign_in(customer, "/accounts/login/", delivered_world["customer"].email)
    customer.goto(order.get_absolute_url())
    customer.get_by_role("link", name="Devolver productos").click()
    customer.select_option(f"select[name=line_{line.pk}_quantity]", "1")
    customer.select_option(f"select[name=line_{line.pk}_reason]", "wrong_size")
    customer.select_option(f"select[name=line_{line.pk}_condition]", "new")
    customer.fill(f"input[name=line_{line.pk}_detail]", "Me queda chica, necesito una L")
    screenshot(customer, "return-form")
    customer.get_by_role("button", name="Solicitar la devolución").click()
    customer.wait_for_url("**/returns/RMA-*/")
    request = ReturnRequest.objects.get()
    assert request.lines.get().quantity == 1 and request.number in customer.content()
    screenshot(customer, "return-detail-requested")

    staff = new_page()
    sign_in(staff, "/admin/login/", delivered_world["staff"].email, field="username")
    staff.goto(f"/admin/returns/returnrequest/?q={request.number}")
    staff.locator("#action-toggle").check()
    admin_action(staff, "approve")
    staff.fill("textarea[name=message]", "Déjalo en cualquier agencia Olva con el número de devolución.")
    staff.locator("input[type=submit]").click()
    staff.locator(".messagelist .success").wait_for()
    request.refresh_from_db()
    assert request.status == ReturnStatus.APPROVED

    staff.goto(f"/admin/returns/returnrequest/{request.pk}/change/")
    staff.locator("a.button", has_text="Recibir").click()
    return_line = request.lines.get()
    staff.select_option(f"select[name=condition_{return_line.pk}]", "resellable")
    staff.select_option(f"select[name=warehouse_{return_line.pk}]", str(delivered_world["warehouse"].pk))
    screenshot(staff, "admin-return-receive")
    staff.locator("input[type=submit]").click()
    staff.locator(".messagelist .success").wait_for()
    request.refresh_from_db()
    assert request.status == ReturnStatus.RECEIVED

    customer.goto("/account/returns/")
    assert request.number in customer.content()
    screenshot(customer, "returns-list")
    customer.goto(request.get_absolute_url())
    history = customer.locator(".timeline-item")
    assert history.count() == 3
    assert "Déjalo en cualquier agencia Olva" in customer.content()
    screenshot(customer, "return-detail-received")

    phone = new_page(PHONE)
    sign_in(phone, "/accounts/login/", delivered_world["customer"].email)
    for url, name in (
        (request.get_absolute_url(), "return-detail-received"),
        ("/account/returns/", "returns-list"),
        (order.get_absolute_url(), "order-with-return"),
    ):
        phone.goto(url)
        screenshot(phone, name)
    assert stock_of("POLO-INTI-M", "LIM-CENTRAL") == before + 1


def test_customer_takes_store_credit_and_spends_it_on_a_new_order(new_page, delivered_world):
    """One of two units back as resellable, resolved with store credit (vale de compra), spent on
    a new order whose rest the test gateway charges; the stock report shows the unit back."""
    from credit.models import StoreCredit
    from demo.shipping import load_demo_shipping
    from orders.models import Order, PaymentStatus
    from payments.services import payment_method_ensure_test_gateway
    from tests.e2e.helpers import fill_details

    load_demo_shipping()
    payment_method_ensure_test_gateway()
    order, world = delivered_world["order"], delivered_world
    line = order.lines.get()
    before = stock_of("POLO-INTI-M", "LIM-CENTRAL")

    customer = new_page()
    sign_in(customer, "/accounts/login/", world["customer"].email)
    customer.goto(order.get_absolute_url())
    customer.get_by_role("link", name="Devolver productos").click()
    customer.select_option(f"select[name=line_{line.pk}_quantity]", "1")
    customer.select_option(f"select[name=line_{line.pk}_reason]", "wrong_size")
    customer.select_option(f"select[name=line_{line.pk}_condition]", "new")
    customer.get_by_label("Un vale de compra para usar en la tienda").check()
    screenshot(customer, "return-form-credit")
    customer.get_by_role("button", name="Solicitar la devolución").click()
    customer.wait_for_url("**/returns/RMA-*/")
    request = ReturnRequest.objects.get()
    assert request.resolution == "credit" and "Pediste: Vale de compra" in customer.content()

    staff = new_page()
    sign_in(staff, "/admin/login/", world["staff"].email, field="username")
    staff.goto(f"/admin/returns/returnrequest/?q={request.number}")
    staff.locator("#action-toggle").check()
    admin_action(staff, "approve")
    staff.locator("input[type=submit]").click()
    staff.locator(".messagelist .success").wait_for()
    staff.goto(f"/admin/returns/returnrequest/{request.pk}/change/")
    staff.locator("a.button", has_text="Recibir").click()
    return_line = request.lines.get()
    staff.select_option(f"select[name=condition_{return_line.pk}]", "resellable")
    staff.select_option(f"select[name=warehouse_{return_line.pk}]", str(world["warehouse"].pk))
    staff.locator("input[type=submit]").click()
    staff.locator(".messagelist .success").wait_for()
    staff.locator("a.button", has_text="Resolver").click()
    assert staff.locator("input[name=resolution][value=credit]").is_checked()  # the customer's choice
    screenshot(staff, "admin-return-resolve")
    staff.locator("input[type=submit]").click()
    staff.locator(".messagelist .success").wait_for()
    credit = StoreCredit.objects.get(return_request=request)
    assert credit.amount == line.unit_price and credit.customer == world["customer"]
    assert stock_of("POLO-INTI-M", "LIM-CENTRAL") == before + 1  # the unit is back on the shelf

    customer.goto(request.get_absolute_url())
    assert credit.number in customer.content()
    screenshot(customer, "return-detail-credited")
    customer.goto("/account/store-credit/")
    assert credit.number in customer.content()
    screenshot(customer, "store-credit")

    customer.goto(f"/p/{line.variant.product.slug}/")
    customer.locator("#buy-box button.add-to-cart").click()
    customer.locator("#cart-feedback .alert--success").wait_for()
    fill_details(customer, email=None)
    customer.locator("#to-review").click()
    customer.wait_for_url("**/checkout/review/")
    screenshot(customer, "checkout-review-credit-offer")
    customer.fill("#credit-amount", "30.00")
    customer.locator("#apply-credit").click()
    customer.wait_for_url("**/checkout/review/")
    assert "Pagas S/ 30.00 con el vale de compra" in customer.content()
    screenshot(customer, "checkout-review-credit")
    customer.locator("#place-order").click()
    customer.wait_for_url("**/payments/order/**")
    new_order = Order.objects.exclude(pk=order.pk).get()
    assert f"S/ {new_order.total - 30:.2f}" in customer.content()  # the gateway charges the rest
    customer.locator("#pay-approve").click()
    customer.wait_for_url(f"**/{new_order.number}/")
    new_order.refresh_from_db()
    credit.refresh_from_db()
    assert new_order.payment_status == PaymentStatus.PAID and credit.balance == credit.amount - 30
    customer.goto("/account/store-credit/")
    assert new_order.number in customer.content()
    screenshot(customer, "store-credit-used")

    phone = new_page(PHONE)
    sign_in(phone, "/accounts/login/", world["customer"].email)
    for url, name in (
        ("/account/store-credit/", "store-credit-used"),
        (request.get_absolute_url(), "return-detail-credited"),
    ):
        phone.goto(url)
        screenshot(phone, name)
    assert stock_of("POLO-INTI-M", "LIM-CENTRAL") == before  # and sold again on the new order
