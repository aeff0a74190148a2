"""A shopper browses kits by style, opens a brand page from a product and filters it; the line
page shows its picture and shared specifications; then buys a bundle and pays with the test
gateway, and its components leave the stock. Screenshots at 1280 and 390 px."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from catalog.models import Product
from demo.shipping import load_demo_shipping
from inventory.models import Movement, StockLevel
from orders.models import Order, OrderStatus
from payments.services import payment_method_ensure_test_gateway
from tests.e2e.helpers import PHONE, fill_details, screenshot, sign_in, to_payment
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.shop("catalog17_journey")]


def kit_names(page) -> list[str]:
    return page.locator(".kit-card-link").all_inner_texts()


def test_browse_kits_by_style_then_a_brand_page_filtered(new_page, shop):
    for viewport in (None, PHONE):
        page = new_page(viewport) if viewport else new_page()
        page.goto("/kits/")
        assert sorted(kit_names(page)) == ["Kit Gamer RGB", "Kit Oficina Nórdica", "Kit Sala Minimalista"]
        page.locator("a.chip", has_text="minimalista").click()
        page.wait_for_url("**style=minimalista**")
        assert kit_names(page) == ["Kit Oficina Nórdica", "Kit Sala Minimalista"]
        screenshot(page, "kits-by-style")

        page.locator(".kit-card-link", has_text="Kit Oficina Nórdica").click()
        page.wait_for_url("**/kits/oficina-nordica/")
        page.locator("a[href='/p/silla-andes-blanca/']").first.click()
        page.wait_for_url("**/p/silla-andes-blanca/**")
        assert "MOD-SILLA-ANDE" in page.content()

        page.locator("a.product-brand").click()
        page.wait_for_url("**/marca/ofipro/")
        assert "muebles de oficina ergonómicos" in page.locator(".page-lead").inner_text()
        cards = page.locator("#listing .card-title").all_inner_texts()
        assert sorted(cards) == ["Pack Dúo Andes", "Silla Andes Blanca", "Silla Andes Negra"]
        if viewport is None:  # the facets sit in a drawer on a phone
            page.locator("#facet-color-negro").click()
            page.wait_for_url("**color=negro**")
            page.wait_for_function("() => document.querySelectorAll('#listing .card-title').length === 1")
            assert page.locator("#listing .card-title").all_inner_texts() == ["Silla Andes Negra"]
        screenshot(page, "brand-page")

        page.goto("/lines/silla-andes/")
        expect(page.locator("img.line-image")).to_be_visible()
        assert "Carga máxima" in page.locator(".spec-chips").inner_text()
        screenshot(page, "line-page")


def test_a_shopper_buys_a_bundle_and_pays(new_page, shop):
    load_demo_shipping()
    payment_method_ensure_test_gateway()
    phone = new_page(PHONE)
    phone.goto("/p/pack-duo-andes/")
    assert phone.locator(".bundle-contents li").count() == 2
    screenshot(phone, "bundle-product")

    page = new_page()
    page.goto("/p/pack-duo-andes/")
    contents = page.locator(".bundle-contents").inner_text()
    assert "Silla Andes Negra" in contents and "Silla Andes Blanca" in contents
    screenshot(page, "bundle-product")
    page.fill("#quantity", "2")
    page.locator("#buy-box button.add-to-cart").click()
    page.locator("#cart-feedback .alert--success").wait_for()
    page.goto("/cart/")
    line = page.locator(".cart-line", has_text="PACK-DUO-ANDES")
    assert line.count() == 1 and "Pack Dúo Andes" in line.inner_text()
    screenshot(page, "bundle-cart")

    fill_details(page, dni="45678912")  # over S/ 700: the boleta names its buyer
    number = to_payment(page)
    page.locator("#pay-approve").click()
    page.wait_for_url(f"**/orders/lookup/{number}/")
    assert "PACK-DUO-ANDES" in page.content()
    screenshot(page, "bundle-order-paid")

    order = Order.objects.get(number=number)
    assert order.status == OrderStatus.PAID and not order.needs_attention
    assert list(order.lines.values_list("sku", "quantity")) == [("PACK-DUO-ANDES", 2)]
    for slug in ("silla-andes-negra", "silla-andes-blanca"):
        assert StockLevel.objects.get(variant__sku=slug.upper()).on_hand == 8
    assert set(
        Movement.objects.filter(reference_id=order.pk, kind="sale").values_list("stock_level__variant__sku", flat=True)
    ) == {"SILLA-ANDES-NEGRA", "SILLA-ANDES-BLANCA"}
    call_command("inventory_verify", verbosity=0)
    # Best-selling counts the pack bought, not its chairs as loose parts.
    sold = dict(
        Product.objects.filter(slug__in=["pack-duo-andes", "silla-andes-negra", "silla-andes-blanca"]).values_list(
            "slug", "units_sold"
        )
    )
    assert sold == {"pack-duo-andes": 2, "silla-andes-negra": 0, "silla-andes-blanca": 0}


def test_staff_schedule_a_price_change_in_the_admin(new_page, shop):
    from catalog.models import ScheduledPrice

    admin = UserFactory(email="precios@kallpa.pe", is_staff=True, is_superuser=True)
    page = new_page()
    sign_in(page, "/admin/login/", admin.email, field="username")
    page.goto("/admin/catalog/scheduledprice/add/")
    page.select_option("#id_kind", "percent")
    page.fill("#id_percent", "-15")
    page.fill("#id_starts_at_0", "31/12/2030")
    page.fill("#id_starts_at_1", "00:00:00")
    page.fill("#id_ends_at_0", "02/01/2031")
    page.fill("#id_ends_at_1", "00:00:00")
    variant = shop["silla-andes-negra"].variants.get()
    page.evaluate(
        "([id, label]) => { const s = document.querySelector('#id_variant');"
        " s.add(new Option(label, id, true, true)); }",
        [str(variant.pk), variant.sku],
    )
    screenshot(page, "admin-scheduled-price-form")
    page.locator("input[name=_save]").click()
    page.wait_for_url("**/admin/catalog/scheduledprice/")
    screenshot(page, "admin-scheduled-prices")
    scheduled = ScheduledPrice.objects.get()
    assert (scheduled.variant, scheduled.created_by, scheduled.status) == (variant, admin, "scheduled")
    assert "SILLA-ANDES-NEGRA" in page.locator("#result_list").inner_text()
