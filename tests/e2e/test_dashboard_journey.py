"""The admin index as the shop's daily dashboard: the day's sale shows in the figures and in
the chart, and the figure opens the list of that day's paid orders; a phone sees it too."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.helpers import PHONE, screenshot, sign_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.shop("dashboard_journey")]


def test_the_dashboard_shows_the_days_sale(new_page, shop):
    page = new_page()
    sign_in(page, "/admin/login/", shop["admin"].email, field="username")
    page.goto("/admin/")
    today_card = page.locator(".bo-card").first
    # A sale is the goods, without shipping (backoffice.selectors), as the sales report counts it.
    total = f"S/ {shop['today'].total - shop['today'].shipping_total:,.2f}"
    assert total in today_card.inner_text()
    day = timezone.localdate().isoformat()
    bar = page.locator(f'.bo-chart__bar[data-day="{day}"]')
    assert float(bar.get_attribute("height")) > 0
    screenshot(page, "admin-dashboard")

    today_card.click()
    page.wait_for_url(f"**/admin/orders/order/?sold={day}")
    assert shop["today"].number in page.locator("#result_list").inner_text()

    phone = new_page(PHONE)
    sign_in(phone, "/admin/login/", shop["admin"].email, field="username")
    phone.goto("/admin/")
    assert total in phone.locator(".bo-card").first.inner_text()
    screenshot(phone, "admin-dashboard")


def test_reports_and_audit_pages_from_the_dashboard(new_page, shop):
    page = new_page()
    sign_in(page, "/admin/login/", shop["admin"].email, field="username")
    page.goto("/admin/")
    page.locator(".bo-dashboard__date a").first.click()
    page.wait_for_url("**/admin/reports/sales/")
    # The report's table is on the page, as payouts show theirs: today's row says the dashboard's figure.
    today = shop["today"]
    table = page.locator("#sales-report-table")
    assert f"S/ {today.total - today.shipping_total:,.2f}" in table.inner_text()
    assert "sin envío" in page.locator(".bo-sale-definition").inner_text()
    screenshot(page, "admin-sales-report")
    phone = new_page(PHONE)
    sign_in(phone, "/admin/login/", shop["admin"].email, field="username")
    phone.goto("/admin/reports/sales/")
    expect(phone.locator("#sales-report-table")).to_be_visible()
    screenshot(phone, "admin-sales-report")
    page.select_option("select[name=by]", "region")
    page.select_option("select[name=format]", "csv")
    with page.expect_download() as download:
        page.locator("input[type=submit]").click()
    assert download.value.suggested_filename.startswith("ventas-region-")
    page.goto("/admin/audit/")
    assert page.locator("#result_list tbody tr").count() >= 1
    screenshot(page, "admin-audit")
