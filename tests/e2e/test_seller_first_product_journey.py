"""A seller approved a minute ago, with no warehouse yet, lists their first product in Chromium: the
slug fills itself from the name, the specifications are rows, the size they sell in (XL) is new to
the store and they add it from the variant's "+"; they stock it in a warehouse they create from the
stock form's "+"; staff approve it and a shopper sees it in the shop. A staff-only page answers the
store's refusal page. Every admin page is pictured at 1280 and 390 px."""

from decimal import Decimal

import pytest

from accounts import services as account_services
from accounts.roles import Role, roles_sync
from catalog.models import OptionValue, Product
from inventory.models import StockLevel, Warehouse
from tests.e2e.helpers import DESKTOP, PHONE, admin_action, screenshot, sign_in
from tests.factories import (
    BrandFactory,
    CategoryFactory,
    OptionFactory,
    OptionValueFactory,
    SellerFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

ENGLISH = ["Add another", "Save and", "Warehouse", "Change ", "Select ", "Home", "Forbidden", "Specifications"]


@pytest.fixture
def store():
    roles_sync()
    superuser = UserFactory(is_staff=True, is_superuser=True)
    staff = UserFactory(email="catalogo@kallpa.pe", is_staff=True)
    account_services.user_add_role(user=staff, role=Role.CATALOG_MANAGER)
    seller = SellerFactory(store_name="Inti Textil", slug="inti-textil")
    account_services.seller_approve(seller=seller, actor=superuser)
    CategoryFactory(name="Polos", slug="polos")
    BrandFactory(name="Inti", slug="inti")
    size = OptionFactory(code="size")
    for slug in ("s", "m"):
        OptionValueFactory(option=size, slug=slug)
    return {"seller": seller, "staff": staff}


def pick(page, field_id: str, text: str) -> None:
    """Choose `text` in the admin's autocomplete (select2) for the select with id `field_id`."""
    page.locator(f"#{field_id} + .select2").click()
    page.locator(".select2-search__field").last.fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()


def in_spanish(page) -> None:
    text = page.locator("#container").inner_text()
    assert not [word for word in ENGLISH if word in text], text


def fits(page) -> None:
    """Nothing wider than the screen: the page does not scroll sideways."""
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_new_seller_lists_stocks_and_sells_their_first_product(new_page, store):
    seller = store["seller"]
    assert not Warehouse.objects.filter(seller=seller).exists()
    page = new_page()
    sign_in(page, "/admin/login/", seller.user.email, field="username")

    # The product: the slug follows the name, specifications as rows.
    page.goto("/admin/catalog/product/add/")
    page.locator("#id_name").press_sequentially("Polo básico")
    assert page.input_value("#id_slug") == "polo-basico"
    page.fill("#id_base_sku", "INTI-POLO")
    page.fill("#id_base_price", "59.90")
    page.select_option("#id_status", "review")
    pick(page, "id_brand", "Inti")
    pick(page, "id_category", "Polos")
    page.fill("input[name=specs-key-0]", "Material")
    page.fill("input[name=specs-value-0]", "Algodón pima")
    page.locator("#variants-group .add-row a").click()
    page.fill("#id_variants-0-sku", "INTI-POLO-XL")

    # A size the store does not have yet, added from the variant's "+".
    with page.expect_popup() as opened:
        page.locator("#add_id_variants-0-option_values").click()
    popup = opened.value
    popup.wait_for_load_state()
    popup.select_option("#id_option", label="Talla")
    popup.locator("#id_value").press_sequentially("XL")
    assert popup.input_value("#id_slug") == "xl"
    in_spanish(popup)
    screenshot(popup, "seller-new-size")
    with popup.expect_event("close"):
        popup.locator("input[name=_save]").click()
    assert "XL" in page.locator("#id_variants-0-option_values").inner_text()
    in_spanish(page)
    screenshot(page, "seller-first-product-add")
    page.locator("input[name=_save]").click()
    page.locator(".messagelist .success").wait_for()

    product = Product.objects.get(base_sku="INTI-POLO")
    variant = product.variants.get()
    assert (product.slug, product.seller, product.specs) == ("polo-basico", seller, {"Material": "Algodón pima"})
    assert [value.value for value in variant.option_values.all()] == ["XL"]
    assert OptionValue.objects.filter(value="XL").count() == 1

    # Stock: no warehouse yet, so the stock form offers to create it.
    page.goto("/admin/inventory/stocklevel/add/")
    assert "Aún no tienes almacén" in page.locator(".form-row.field-warehouse").inner_text()
    pick(page, "id_variant", "INTI-POLO-XL")
    with page.expect_popup() as opened:
        page.locator("#add_id_warehouse").click()
    popup = opened.value
    popup.wait_for_load_state()
    popup.fill("#id_code", "INTI-01")
    popup.fill("#id_name", "Almacén Inti Textil")
    popup.fill("#id_address", "Jr. Gamarra 520, La Victoria, Lima")
    in_spanish(popup)
    screenshot(popup, "seller-new-warehouse")
    with popup.expect_event("close"):  # listening before the click: the popup may close at once
        popup.locator("input[name=_save]").click()
    assert page.locator("#id_warehouse option:checked").inner_text() == "INTI-01 · Almacén Inti Textil"
    page.fill("#id_received", "10")
    screenshot(page, "seller-first-stock")
    page.locator("input[name=_save]").click()
    success = page.locator(".messagelist .success")
    success.wait_for()
    assert "Polo básico (XL) · Almacén Inti Textil" in success.inner_text()  # its name, not "12 @ 3"
    warehouse = Warehouse.objects.get(code="INTI-01")
    assert (warehouse.seller, warehouse.kind) == (seller, Warehouse.Kind.SELLER)
    assert StockLevel.objects.get(variant=variant, warehouse=warehouse).on_hand == 10
    screenshot(page, "seller-stock-list")

    # A staff-only page: the store's own refusal, with the way back.
    page.goto("/admin/inventory/supplier/")
    assert "No tienes acceso a esta página" in page.locator("#content").inner_text()
    in_spanish(page)
    screenshot(page, "seller-refused")
    page.locator("#content-main a.button").click()
    page.wait_for_url("**/admin/")

    # Staff publish it; a shopper finds it, size XL, at its price.
    staff = new_page()
    sign_in(staff, "/admin/login/", store["staff"].email, field="username")
    staff.goto("/admin/catalog/product/?status__exact=review")
    staff.locator("#action-toggle").check()
    admin_action(staff, "approve")
    staff.locator(".messagelist .success").wait_for()
    shopper = new_page()
    shopper.goto("/p/polo-basico/")
    buy_box = shopper.locator("#buy-box").inner_text()
    assert "S/ 59.90" in buy_box and "XL" in buy_box
    assert "Algodón pima" in shopper.content()
    screenshot(shopper, "seller-first-product-live")

    # The same admin pages on a phone: in Spanish, nothing wider than the screen.
    phone = new_page(PHONE)
    sign_in(phone, "/admin/login/", seller.user.email, field="username")
    level = StockLevel.objects.get(variant=variant)
    for url, name in [
        (f"/admin/catalog/product/{product.pk}/change/", "seller-first-product-change"),
        ("/admin/catalog/optionvalue/add/", "seller-new-size"),
        (f"/admin/inventory/warehouse/{warehouse.pk}/change/", "seller-warehouse-change"),
        ("/admin/inventory/stocklevel/add/", "seller-stock-add"),
        (f"/admin/inventory/stocklevel/{level.pk}/change/", "seller-stock-change"),
        ("/admin/inventory/supplier/", "seller-refused"),
    ]:
        for viewport in (PHONE, DESKTOP):
            phone.set_viewport_size(viewport)
            phone.goto(url)
            in_spanish(phone)
            if viewport is PHONE:
                fits(phone)
            screenshot(phone, name)
    assert product.variants.get().price == Decimal("59.90")
