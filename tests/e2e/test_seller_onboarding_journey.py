"""A new seller lists a product in Chromium: picks its category and brand in the admin's pickers,
adds two sized variants and a photo, submits it for review, stocks it in their own warehouse;
staff approve it and it shows in its category with its brand. Then a staff member reads the
dashboard after a refund and sees the day's sales drop."""

from decimal import Decimal

import pytest
from django.utils import timezone

from catalog.models import Product
from payments.models import Payment
from tests.e2e.helpers import admin_action, screenshot, sign_in
from tests.factories import line_for, make_order, pay

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.shop("seller_onboarding_journey")]


def pick(page, field_id: str, text: str) -> None:
    """Choose `text` in the admin's autocomplete (select2) for the select with id `field_id`."""
    page.locator(f"#{field_id} + .select2").click()
    page.locator(".select2-search__field").last.fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()


def test_a_new_seller_lists_a_product_and_staff_approve_it(new_page, shop):
    page = new_page()
    sign_in(page, "/admin/login/", shop["seller"].user.email, field="username")
    page.goto("/admin/catalog/product/add/")
    page.fill("#id_name", "Chompa de alpaca")
    page.fill("#id_base_sku", "VIC-CHO")
    page.fill("#id_base_price", "259.00")
    page.select_option("#id_status", "review")
    assert "active" not in page.locator("#id_status option").evaluate_all("options => options.map(o => o.value)")
    pick(page, "id_brand", "Vicús")
    pick(page, "id_category", "Chompas")
    for index, (sku, size) in enumerate([("VIC-CHO-M", "M"), ("VIC-CHO-L", "L")]):
        page.locator("#variants-group .add-row a").click()
        page.fill(f"#id_variants-{index}-sku", sku)
        pick(page, f"id_variants-{index}-option_values", size)
    page.locator("#images-group .add-row a").click()
    page.set_input_files("#id_images-0-image", str(shop["photo"]))
    page.fill("#id_images-0-alt", "Chompa gris")
    screenshot(page, "seller-product-add")
    page.locator("input[name=_save]").click()
    page.locator(".messagelist .success").wait_for()

    product = Product.objects.get(base_sku="VIC-CHO")
    assert (product.brand.name, product.category.name, product.seller) == ("Vicús", "Chompas", shop["seller"])
    assert product.status == Product.Status.REVIEW and product.images.count() == 1
    assert sorted(product.variants.values_list("sku", flat=True)) == ["VIC-CHO-L", "VIC-CHO-M"]

    # Their first units, in their own warehouse.
    page.goto("/admin/inventory/stocklevel/add/")
    pick(page, "id_variant", "VIC-CHO-M")
    assert page.locator("#id_warehouse option").all_inner_texts()[1:] == [str(shop["warehouse"])]
    page.select_option("#id_warehouse", str(shop["warehouse"].pk))
    page.fill("#id_received", "12")
    page.locator("input[name=_save]").click()
    page.locator(".messagelist .success").wait_for()
    assert product.variants.get(sku="VIC-CHO-M").stock_levels.get().on_hand == 12

    staff = new_page()
    sign_in(staff, "/admin/login/", shop["staff"].email, field="username")
    staff.goto("/admin/catalog/product/?status__exact=review")
    staff.locator("#action-toggle").check()
    admin_action(staff, "approve")
    staff.locator(".messagelist .success").wait_for()
    product.refresh_from_db()
    assert product.status == Product.Status.ACTIVE

    staff.goto("/c/chompas/")
    assert "Chompa de alpaca" in staff.content()
    staff.goto("/c/tarjetas-graficas/")
    assert "Chompa de alpaca" not in staff.content()
    screenshot(staff, "seller-product-live")


def test_staff_read_the_dashboard_drop_after_a_refund(new_page, shop):
    from payments.services.refunds import refund_approve, refund_request
    from tests.factories import ProductFactory, VariantFactory, WarehouseFactory, stock

    variant = VariantFactory(product=ProductFactory(name="Polo Inti", base_price=Decimal("100.00")), sku="POLO-M")
    stock(variant, WarehouseFactory(code="LIM-CENTRAL"), 20)
    order = make_order(lines=[line_for(variant)])  # 100 of goods + 15 of shipping: the sale is the goods
    pay(order)
    page = new_page()
    sign_in(page, "/admin/login/", shop["superuser"].email, field="username")
    page.goto("/admin/")
    assert "S/ 100.00" in page.locator(".bo-card").first.inner_text()

    payment = Payment.objects.get(order=order, status=Payment.Status.SUCCEEDED)
    refund = refund_request(payment=payment, amount="40.00", reason="Llegó con una mancha", actor=shop["superuser"])
    refund_approve(refund=refund, actor=shop["superuser"])
    page.reload()
    # the refund's share of the goods: 40 × 100 / 115
    assert "S/ 65.22" in page.locator(".bo-card").first.inner_text()
    day = timezone.localdate().isoformat()
    assert page.locator(f'.bo-chart__bar[data-day="{day}"]').count() == 1
    screenshot(page, "admin-dashboard-after-refund")
