"""sales_report: the four groupings, an empty range, bad input, and the admin download."""

import json
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts import services as account_services
from orders.models import Order
from tests.factories import (
    SHIPPING_ADDRESS,
    CategoryFactory,
    ProductFactory,
    SellerFactory,
    UserFactory,
    VariantFactory,
    line_for,
    make_order,
    seller_variant,
)
from tests.factories import (
    paid_order_days_ago as paid_order,
)
from tests.harness import shared_by_module

pytestmark = pytest.mark.django_db
URL = "/admin/reports/sales/"


def run(*args) -> str:
    out = StringIO()
    call_command("sales_report", *args, stdout=out)
    return out.getvalue()


@shared_by_module
def world():
    admin = UserFactory(is_staff=True, is_superuser=True)
    own, other = SellerFactory(ruc="20100070970"), SellerFactory(ruc="10467793549")
    for seller in (own, other):
        account_services.seller_approve(seller=seller, actor=admin)
        seller.user.refresh_from_db()
    mine = seller_variant(own, sku="MIO-1", price="100.00")
    theirs = seller_variant(other, sku="AJENO-1", price="40.00")
    paid_order(line_for(mine), line_for(theirs, quantity=2))  # Lima: 100 + 80
    cusco = paid_order(line_for(theirs), days_ago=1)
    Order.objects.filter(pk=cusco.pk).update(shipping_address={**SHIPPING_ADDRESS, "department": "08"})
    make_order(lines=[line_for(mine)])  # never paid: in no report
    return {"admin": admin, "own": own, "other": other, "mine": mine, "theirs": theirs}


def report(by, *, days=5, extra=()):
    today = timezone.localdate()
    return json.loads(
        run("--by", by, "--from", str(today - timedelta(days=days)), "--to", str(today), "--format", "json", *extra)
    )


def test_by_day(world):
    today, yesterday = timezone.localdate(), timezone.localdate() - timedelta(days=1)
    assert report("day") == [
        {"key": yesterday.isoformat(), "orders": 1, "units": 1, "sales": "40.00"},
        {"key": today.isoformat(), "orders": 1, "units": 3, "sales": "180.00"},
    ]


def test_by_region_uses_the_shipping_departments_name(world):
    assert report("region") == [
        {"key": "Cusco", "orders": 1, "units": 1, "sales": "40.00"},
        {"key": "Lima", "orders": 1, "units": 3, "sales": "180.00"},
    ]


def test_by_seller_and_one_seller_only(world):
    own, other = world["own"].store_name, world["other"].store_name
    rows = {row["key"]: row for row in report("seller")}
    assert rows[own] == {"key": own, "orders": 1, "units": 1, "sales": "100.00"}
    assert rows[other] == {"key": other, "orders": 2, "units": 3, "sales": "120.00"}
    assert [row["key"] for row in report("seller", extra=("--seller", world["own"].slug))] == [own]


def test_by_category(world):
    category = CategoryFactory(name="Polos")
    polo = VariantFactory(product=ProductFactory(category=category, base_price=Decimal("30.00")), sku="POLO-1")
    from tests.factories import WarehouseFactory, stock

    stock(polo, WarehouseFactory(), 10)
    paid_order(line_for(polo, quantity=2))
    rows = {row["key"]: row for row in report("category")}
    assert rows["Polos"] == {"key": "Polos", "orders": 1, "units": 2, "sales": "60.00"}
    assert sum(Decimal(row["sales"]) for row in rows.values()) == Decimal("280.00")


def test_a_range_spanning_months_adds_up_like_one_query(world):
    from backoffice.reports import month_chunks, sales_report, sales_report_by_month

    today = timezone.localdate()
    since = today - timedelta(days=70)
    assert len(month_chunks(since, today)) >= 3
    for by in ("day", "region", "seller", "category"):
        assert sales_report_by_month(by=by, since=since, until=today) == sales_report(by=by, since=since, until=today)


def test_an_empty_range_prints_an_empty_table(world):
    out = run("--by", "region", "--from", "2020-01-01", "--to", "2020-01-31")
    assert out.splitlines()[0].split() == ["Grupo", "Pedidos", "Unidades", "Ventas", "(PEN)"]
    assert "0 filas · S/ 0.00" in out
    assert json.loads(run("--from", "2020-01-01", "--to", "2020-01-31", "--format", "json")) == []


@pytest.mark.parametrize(
    "args, message",
    [
        (("--from", "2026-13-01", "--to", "2026-12-31"), "--from debe ser una fecha"),
        (("--from", "2026-01-01", "--to", "ayer"), "--to debe ser una fecha"),
        (("--from", "2026-02-01", "--to", "2026-01-01"), "es posterior a --to"),
        (("--from", "2026-01-01", "--to", "2026-01-31", "--seller", "nadie"), "No hay un vendedor"),
    ],
)
def test_bad_input_is_a_clear_error(db, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_admin_download_for_staff(client, world):
    client.force_login(world["admin"])
    assert client.get(URL).status_code == 200
    today = timezone.localdate()
    response = client.get(
        URL, {"by": "region", "date_from": str(today - timedelta(days=3)), "date_to": str(today), "format": "csv"}
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert response.content.decode().splitlines() == ["key,orders,units,sales", "Cusco,1,1,40.00", "Lima,1,3,180.00"]
    assert URL in client.get("/admin/").content.decode()  # linked from the dashboard


def test_admin_download_gives_a_seller_only_their_lines(client, world):
    client.force_login(world["own"].user)
    today = timezone.localdate()
    response = client.get(
        URL, {"by": "seller", "date_from": str(today - timedelta(days=3)), "date_to": str(today), "format": "json"}
    )
    assert response.status_code == 200
    assert json.loads(response.content) == [
        {"key": world["own"].store_name, "orders": 1, "units": 1, "sales": "100.00"}
    ]


@pytest.mark.parametrize(
    "params",
    [
        {"by": "week", "date_from": "2026-01-01", "date_to": "2026-01-31", "format": "csv"},
        {"by": "day", "date_from": "2026-02-01", "date_to": "2026-01-01", "format": "csv"},
        {"by": "day", "date_from": "ayer", "date_to": "2026-01-01", "format": "csv"},
        {"by": "day", "date_from": "2000-01-01", "date_to": "2026-01-01", "format": "csv"},
        {"by": "day", "date_from": "2026-01-01", "date_to": "2026-01-31", "format": "xlsx\x00"},
        {"by": "day" * 200, "date_from": "2026-01-01", "date_to": "2026-01-31", "format": "csv"},
    ],
)
def test_admin_bad_input_shows_the_form_again(client, world, params):
    client.force_login(world["admin"])
    response = client.get(URL, params)
    assert response.status_code == 400 and not response.has_header("Content-Disposition")


def test_admin_download_is_staff_only(client, world):
    assert client.get(URL).status_code == 302  # to the admin login
    client.force_login(UserFactory(is_staff=False))
    assert client.get(URL).status_code == 302
    client.force_login(UserFactory(is_staff=True))  # staff without a role or a seller profile
    assert client.get(URL).status_code == 403
