"""Every admin list a role can open fits 1280 px (no list wider than its box), answers 200 and
breaks no Content-Security-Policy rule: as an administrator, a warehouse operator and a seller,
with a seller's whole business in the database (long names, e-mails, codes)."""

import pytest

from accounts import services as account_services
from accounts.roles import Role, roles_sync
from inventory.models import Warehouse
from shipping.models import WarehouseOperator
from tests.e2e.helpers import screenshot, sign_in
from tests.factories import SellerFactory, ShippingMethodFactory, UserFactory, build_world

pytestmark = pytest.mark.django_db(transaction=True)

WIDER_THAN_ITS_BOX = """() => {
  const box = document.querySelector('.results');
  return box ? box.scrollWidth - box.clientWidth : 0;
}"""


@pytest.fixture
def team(db):
    roles_sync()
    superuser = UserFactory(is_staff=True, is_superuser=True)
    seller = SellerFactory(store_name="Tejidos Vicús de la Sierra Norte", slug="tejidos-vicus")
    account_services.seller_approve(seller=seller, actor=superuser)
    seller.user.refresh_from_db()
    build_world(seller, ShippingMethodFactory(name="Olva Courier — Lima Metropolitana"), "VIC-01")
    staff = {}
    for email, role in [
        ("gerencia.general@kallpa.pe", Role.ADMINISTRATOR),
        ("almacen.central@kallpa.pe", Role.WAREHOUSE_OPERATOR),
    ]:
        staff[role] = UserFactory(email=email, is_staff=True)
        account_services.user_add_role(user=staff[role], role=role)
    WarehouseOperator.objects.create(user=staff[Role.WAREHOUSE_OPERATOR], warehouse=Warehouse.objects.get())
    return [staff[Role.ADMINISTRATOR], staff[Role.WAREHOUSE_OPERATOR], seller.user]


def test_every_admin_list_fits_1280_px(new_page, team):
    clipped, failed = [], []
    for user in team:
        page = new_page()
        sign_in(page, "/admin/login/", user.email, field="username")
        lists = sorted(
            set(
                page.eval_on_selector_all(
                    "#content-main table tr th a", "links => links.map(link => link.getAttribute('href'))"
                )
            )
        )
        assert lists, user.email
        for url in lists:
            response = page.goto(url)
            if response.status != 200:
                failed.append((user.email, url, response.status))
            elif page.evaluate(WIDER_THAN_ITS_BOX) > 1:
                clipped.append((user.email, url))
                screenshot(page, f"clipped-{url.strip('/').replace('/', '-')}")
    assert failed == [] and clipped == []
