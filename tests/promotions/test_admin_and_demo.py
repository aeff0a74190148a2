"""The back office (coupons with their uses and redemptions, bulk codes, a discount's
products) and the demo promotions."""

import csv
import io
from decimal import Decimal as D

import pytest
from django.core.management import call_command
from django.urls import reverse

from demo.promotions import DEMO_COUPONS, load_demo_promotions
from promotions.models import AutomaticDiscount, Coupon, Scope
from tests.factories import CategoryFactory, ProductFactory, UserFactory, coupon, percent_off

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    return client


def test_the_coupon_list_shows_uses(staff):
    promo = coupon("VERANO10", max_uses=100)
    Coupon.objects.filter(pk=promo.pk).update(uses=7)
    html = staff.get(reverse("admin:promotions_coupon_changelist")).content.decode()
    assert "VERANO10" in html and "7 / 100" in html
    assert staff.get(reverse("admin:promotions_coupon_change", args=[promo.pk])).status_code == 200


def test_codes_are_case_insensitive_unique_in_the_admin(staff):
    coupon("VERANO10")
    response = staff.post(
        reverse("admin:promotions_coupon_add"),
        {
            "code": "verano10",
            "name": "Copia",
            "kind": "percentage",
            "value": "10",
            "is_active": "on",
            "minimum_purchase": "0",
            "max_uses_per_customer": "1",
            "starts_at_0": "01/01/2026",
            "starts_at_1": "00:00",
            "scope": "everything",
            "redemptions-TOTAL_FORMS": "0",
            "redemptions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200 and Coupon.objects.count() == 1


def test_bulk_generation_downloads_unique_codes(staff):
    template = coupon("PLANTILLA", value="15", max_uses=1, scope=Scope.CATEGORIES, categories=[CategoryFactory()])
    url = reverse("admin:promotions_coupon_generate")
    assert staff.get(url, {"template": template.pk}).status_code == 200
    response = staff.post(url, {"template": template.pk, "count": "50", "prefix": "cyber"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    codes = {row["code"] for row in rows}
    assert len(rows) == len(codes) == 50 and all(code.startswith("CYBER-") for code in codes)
    created = Coupon.objects.filter(code__in=codes)
    assert created.count() == 50 and {c.value for c in created} == {D("15.00")}
    assert all(c.categories.count() == 1 and c.max_uses == 1 for c in created)


@pytest.mark.parametrize(
    "data",
    [
        {"count": "0"},
        {"count": "-5"},
        {"count": "100000"},
        {"count": "x"},
        {"count": "5", "prefix": "<b>"},
        {"count": "5", "template": "999999"},
    ],
)
def test_bulk_generation_bad_input(staff, data):
    template = coupon("PLANTILLA")
    response = staff.post(reverse("admin:promotions_coupon_generate"), {"template": template.pk, **data})
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert Coupon.objects.count() == 1


def test_a_discount_previews_its_products(staff):
    category = CategoryFactory()
    inside = ProductFactory(name="Silla Cóndor", category=category, base_price=D("200.00"))
    ProductFactory(name="Fuera de alcance")
    discount = percent_off("15", scope=Scope.CATEGORIES, categories=[category])
    html = staff.get(reverse("admin:promotions_automaticdiscount_change", args=[discount.pk])).content.decode()
    assert "Silla Cóndor" in html and "S/ 170.00" in html and "Fuera de alcance" not in html
    listing = staff.get(reverse("admin:promotions_automaticdiscount_changelist")).content.decode()
    assert discount.name in listing
    assert inside.pk


def test_saving_a_discount_in_the_admin_updates_the_prices(staff):
    product = ProductFactory(base_price=D("100.00"))
    response = staff.post(
        reverse("admin:promotions_automaticdiscount_add"),
        {
            "name": "Cyber",
            "kind": "fixed",
            "value": "25",
            "priority": "0",
            "is_active": "on",
            "starts_at_0": "01/01/2026",
            "starts_at_1": "00:00",
            "scope": "products",
            "products": [product.pk],
        },
    )
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.sale_price == D("75.00")


def test_demo_promotions_are_idempotent(db):
    CategoryFactory(slug="sillas")
    CategoryFactory(slug="perifericos")
    load_demo_promotions()
    counts = (Coupon.objects.count(), AutomaticDiscount.objects.count())
    load_demo_promotions()
    assert (Coupon.objects.count(), AutomaticDiscount.objects.count()) == counts
    assert counts[0] == len(DEMO_COUPONS) and counts[1] >= 1
    assert Coupon.objects.get(code="INVIERNO2025").is_live() is False
    assert Coupon.objects.get(code="KALLPA20").is_live()


def test_demo_data_prints_the_coupon_codes(db, tmp_path, settings, monkeypatch):
    from demo.management.commands import demo_data

    monkeypatch.setattr(demo_data, "DEMO_STEPS", [demo_data.ensure_demo_promotions])
    monkeypatch.setattr(demo_data, "CREDENTIALS_FILE", tmp_path / "demo.json")
    out = io.StringIO()
    call_command("demo_data", stdout=out, verbosity=0)
    assert "KALLPA20" in out.getvalue() and "INVIERNO2025" in out.getvalue()
