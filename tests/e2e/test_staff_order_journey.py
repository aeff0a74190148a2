"""An order taken on WhatsApp, in Chromium: staff sign in to the back office, take the order of a
new customer (a guest) on "Tomar pedido", calculate it and create it, and read its payment link;
the customer opens the link in another browser and pays with the test gateway; the orders list
filtered by WhatsApp shows the order paid."""

import pytest

from accounts import services as account_services
from accounts.roles import Role, roles_sync
from orders.models import Order, OrderChannel, OrderStatus
from tests.factories import UserFactory
from tests.e2e.helpers import DESKTOP, PHONE, screenshot, sign_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.shop("checkout_journey")]


def test_staff_take_a_whatsapp_order_that_the_customer_pays_from_the_link(new_page, shop):
    roles_sync()
    staff = UserFactory(email="lucia@kallpa.pe", first_name="Lucía", last_name="Ramos")
    account_services.user_add_role(user=staff, role=Role.SUPPORT)
    page = new_page(DESKTOP)
    sign_in(page, "/admin/login/", staff.email, field="username")

    page.goto("/admin/orders/order/")
    page.locator("#take-order").click()
    page.wait_for_url("**/admin/orders/order/take/")
    assert "Tomar pedido (WhatsApp o teléfono)" in page.locator("h1").inner_text()
    page.select_option("#id_channel", "whatsapp")
    page.fill("#id_email", "nueva@example.pe")
    page.fill("#id_recipient", "Marisol Condori")
    page.fill("#id_phone", "987 654 321")
    page.fill("#id_street", "Jr. Junín 456")
    page.select_option("#id_department", "15")
    page.wait_for_function("() => document.querySelectorAll('#id_province option').length > 3")
    page.select_option("#id_province", "1501")
    page.wait_for_function("() => document.querySelectorAll('#id_district option').length > 10")
    page.select_option("#id_district", "150122")
    page.fill("#id_lines-0-sku", "HA-M")
    page.fill("#id_lines-0-quantity", "2")
    page.select_option("#id_shipping_method", label="Olva Courier — Lima Metropolitana")

    page.locator("#take-calculate").click()
    page.locator("#take-quote").wait_for()
    assert page.locator("#take-total").inner_text() == "S/ 298.00"  # 2 × 149, free shipping from S/ 199
    assert Order.objects.count() == 0
    screenshot(page, "staff-order-take")
    page.set_viewport_size(PHONE)
    screenshot(page, "staff-order-take")
    page.set_viewport_size(DESKTOP)

    page.locator("#take-create").click()
    page.wait_for_url("**/admin/orders/order/*/change/")
    order = Order.objects.get()
    assert order.channel == OrderChannel.WHATSAPP and order.taken_by == staff and order.customer is None
    assert order.number in page.locator(".messagelist").inner_text()
    link = page.locator("#payment-link").get_attribute("href")
    share = page.locator("#whatsapp-share").get_attribute("href")
    assert share.startswith("https://wa.me/51987654321?text=")
    assert "Pedido tomado por Lucía Ramos por WhatsApp" in page.locator("body").inner_text()
    screenshot(page, "staff-order-created")
    page.set_viewport_size(PHONE)
    screenshot(page, "staff-order-created")

    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    customer = new_page(PHONE)  # the customer's phone: no session knows the order
    customer.goto(path)
    customer.wait_for_url(f"**/orders/lookup/{order.number}/")
    customer.locator("#pay-now").click()
    customer.wait_for_url(f"**/payments/order/{order.number}/")
    customer.locator("#pay-retry").click()
    customer.locator("#pay-approve").click()
    customer.wait_for_url(f"**/orders/lookup/{order.number}/")
    assert "¡Gracias por tu pedido!" in customer.content()
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PAID

    page.set_viewport_size(DESKTOP)
    page.goto("/admin/orders/order/?channel__exact=whatsapp")
    row = page.locator("#result_list tbody tr", has_text=order.number)
    assert "Pagado" in row.inner_text() and "WhatsApp" in row.inner_text()
    screenshot(page, "staff-order-list-whatsapp")
