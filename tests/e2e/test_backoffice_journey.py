"""The marketplace back office in Chromium: a seller signs in, sees only their products and
orders and ships their leg of a shared order; an administrator changes the return window in the
site settings and the shop's return form follows."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts import services as account_services
from accounts.roles import Role, roles_sync
from inventory.models import Warehouse
from shipping.models import Shipment, ShipmentStatus
from tests.e2e.helpers import PHONE, run_action, screenshot, sign_in, submit
from tests.factories import SellerFactory, UserFactory, deliver, line_for, paid_order, stocked_variant

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def marketplace(db):
    from shipping.models import Carrier
    from tests.factories import ShippingMethodFactory

    roles_sync()
    admin = UserFactory(email="gerencia@kallpa.pe", is_staff=True)
    account_services.user_add_role(user=admin, role=Role.ADMINISTRATOR)
    superuser = UserFactory(is_staff=True, is_superuser=True)
    own, other = SellerFactory(store_name="Tejidos Vicús"), SellerFactory(store_name="Andes Tech", ruc="10467793549")
    for seller in (own, other):
        account_services.seller_approve(seller=seller, actor=superuser)
    olva = ShippingMethodFactory(name="Olva Courier — Lima Metropolitana", carrier=Carrier.OLVA)
    own_wh = Warehouse.objects.create(code="VIC-01", name="Almacén Vicús", seller=own)
    other_wh = Warehouse.objects.create(code="AND-01", name="Almacén Andes", seller=other)
    chompa = stocked_variant(own_wh, seller=own, sku="VIC-CHOMPA")
    audifonos = stocked_variant(other_wh, seller=other, sku="AND-AUDIFONOS")
    customer = UserFactory(email="rosa@example.pe")
    shared = paid_order(
        lines=[line_for(chompa), line_for(audifonos)], method=olva, customer=customer, email=customer.email
    )
    delivered = deliver(paid_order(lines=[line_for(audifonos)], method=olva, customer=customer, email=customer.email))
    Shipment.objects.filter(order=delivered).update(delivered_at=timezone.now() - timedelta(days=10))
    return {
        "seller": own,
        "chompa": chompa,
        "audifonos": audifonos,
        "shared": shared,
        "admin": admin,
        "customer": customer,
        "delivered": delivered,
    }


def test_seller_sees_only_their_business_and_ships_their_leg(new_page, marketplace):
    seller, order = marketplace["seller"], marketplace["shared"]
    page = new_page()
    sign_in(page, "/admin/login/", seller.user.email, field="username")
    page.goto("/admin/catalog/product/")
    products = page.locator("#result_list").inner_text()
    assert marketplace["chompa"].product.name in products and marketplace["audifonos"].product.name not in products
    screenshot(page, "seller-products")
    page.goto("/admin/orders/order/")
    assert order.number in page.locator("#result_list").inner_text()
    page.goto(f"/admin/orders/order/{order.pk}/change/")
    content = page.content()
    assert "VIC-CHOMPA" in content and "AND-AUDIFONOS" not in content
    screenshot(page, "seller-order")

    run_action(page, order, "ship")
    own_leg = order.shipments.get(warehouse__seller=seller)
    assert page.locator("input[name^=tracking_]").count() == 1  # their leg only
    page.fill(f"input[name=tracking_{own_leg.pk}]", "40061125")
    submit(page)
    page.locator(".messagelist .success").wait_for()
    statuses = dict(order.shipments.values_list("warehouse__seller", "status"))
    assert statuses[seller.pk] == ShipmentStatus.SHIPPED
    assert [status for pk, status in statuses.items() if pk != seller.pk] != [ShipmentStatus.SHIPPED]

    phone = new_page(PHONE)
    sign_in(phone, "/admin/login/", seller.user.email, field="username")
    phone.goto("/admin/catalog/product/")
    screenshot(phone, "seller-products")


def test_the_return_form_follows_the_return_window_setting(new_page, marketplace):
    order, customer = marketplace["delivered"], marketplace["customer"]
    shopper = new_page()
    sign_in(shopper, "/accounts/login/", customer.email)
    shopper.goto(order.get_absolute_url())
    shopper.get_by_role("link", name="Devolver productos").click()
    shopper.wait_for_url(f"**/returns/new/{order.number}/")
    assert shopper.locator("select[name$=_quantity]").count() == 1  # 10 days after delivery: within 30

    admin = new_page()
    sign_in(admin, "/admin/login/", marketplace["admin"].email, field="username")
    admin.goto("/admin/constance/config/")
    screenshot(admin, "admin-site-settings")
    admin.fill("input[name=RETURN_WINDOW_DAYS]", "7")
    admin.locator("input[type=submit][name=_save]").click()
    admin.locator(".messagelist .success").wait_for()

    shopper.goto(order.get_absolute_url())
    assert shopper.get_by_role("link", name="Devolver productos").count() == 0
    shopper.goto(f"/returns/new/{order.number}/")  # the form itself refuses now
    assert "/returns/new/" not in shopper.url  # sent back to the order
    assert "Ahora no se puede devolver nada de este pedido." in shopper.content()
    screenshot(shopper, "return-window-closed")
