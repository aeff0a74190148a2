"""seller_payouts and the payouts page: sales, commission, refunds shared out by lines, returned goods,
the amount to pay; formats, an empty range, bad input, a seller's own figures only, flat queries."""

import json
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts import services as account_services
from accounts.roles import Role
from accounts.services import user_add_role
from backoffice.payouts import seller_payouts
from payments.services.refunds import refund_approve, refund_request
from returns.services import ReceiveLineData, ReturnLineData, return_approve, return_receive, return_request_create
from tests.factories import (
    SellerFactory,
    UserFactory,
    line_for,
    make_order,
    pay,
    seller_variant,
    ship_everything,
)
from tests.factories import (
    paid_order_days_ago as paid_order,
)
from tests.harness import shared_by_module

pytestmark = pytest.mark.django_db
URL = "/admin/reports/payouts/"


def run(*args) -> str:
    out = StringIO()
    call_command("seller_payouts", *args, stdout=out)
    return out.getvalue()


def period(days: int = 3) -> tuple[str, str]:
    today = timezone.localdate()
    return str(today - timedelta(days=days)), str(today)


@shared_by_module
def world():
    admin = UserFactory(is_staff=True, is_superuser=True)
    own = SellerFactory(ruc="20100070970", store_name="Andes Tech", slug="andes-tech", commission_rate=Decimal("10"))
    other = SellerFactory(
        ruc="10467793549", store_name="Pacífico Audio", slug="pacifico-audio", commission_rate=Decimal("15")
    )
    for seller in (own, other):
        account_services.seller_approve(seller=seller, actor=admin)
        seller.user.refresh_from_db()
    mine = seller_variant(own, sku="MIO-1", price="100.00")
    theirs = seller_variant(other, sku="AJENO-1", price="40.00")
    mixed = make_order(lines=[line_for(mine), line_for(theirs, quantity=2)])  # 100 + 80 + 15 shipping = 195
    payment = pay(mixed)
    refund = refund_request(payment=payment, amount="39.00", reason="Llegó tarde", actor=admin)
    refund_approve(refund=refund, actor=admin)  # 39 × 100/195 = 20.00 for own, 39 × 80/195 = 16.00 for other
    ship_everything(mixed, deliver=True)
    line = mixed.lines.get(seller=own)
    request = return_request_create(
        order=mixed,
        lines=[ReturnLineData(order_line_id=line.pk, quantity=1, reason="changed_mind", declared_condition="new")],
    )
    return_approve(request=request, actor=admin)
    return_receive(
        request=request,
        actor=admin,
        lines=[
            ReceiveLineData(
                return_line_id=request.lines.get().pk,
                found_condition="resellable",
                warehouse_id=mine.stock_levels.get().warehouse_id,
            )
        ],
    )
    paid_order(line_for(theirs), days_ago=1)
    make_order(lines=[line_for(mine)])  # never paid: in no payout
    return {"admin": admin, "own": own, "other": other}


OWN = {
    "seller": "Andes Tech",
    "orders": 1,
    "sales": "100.00",
    "commission": "10.00",
    "refunds": "20.00",
    "commission_refunded": "2.00",
    "returns": "100.00",
    "to_pay": "72.00",
}
OTHER = {
    "seller": "Pacífico Audio",
    "orders": 2,
    "sales": "120.00",
    "commission": "18.00",
    "refunds": "16.00",
    "commission_refunded": "2.40",
    "returns": "0.00",
    "to_pay": "88.40",
}


def test_figures_per_seller(world):
    assert json.loads(run("--from", period()[0], "--to", period()[1], "--format", "json")) == [OWN, OTHER]


def test_one_seller(world):
    assert json.loads(
        run("--from", period()[0], "--to", period()[1], "--seller", "pacifico-audio", "--format", "json")
    ) == [OTHER]


def test_table_and_csv(world):
    table = run("--from", period()[0], "--to", period()[1])
    assert "Andes Tech" in table and "72.00" in table and "2 vendedores · a pagar S/ 160.40" in table
    csv_lines = run("--from", period()[0], "--to", period()[1], "--format", "csv").splitlines()
    assert csv_lines[0] == "seller,orders,sales,commission,refunds,commission_refunded,returns,to_pay"
    assert csv_lines[1] == "Andes Tech,1,100.00,10.00,20.00,2.00,100.00,72.00"


def test_an_empty_range_prints_an_empty_table(world):
    out = run("--from", "2020-01-01", "--to", "2020-01-31")
    header, rule, summary = out.splitlines()  # the headers (in the shop's language), no rows
    assert len(rule.split()) == 8 and set(rule) == {"-", " "} and summary.startswith("0 vendedores")
    assert json.loads(run("--from", "2020-01-01", "--to", "2020-01-31", "--format", "json")) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--from", "2026-13-01", "--to", "2026-12-31"), "--from debe ser una fecha"),
        (("--from", "2026-02-01", "--to", "ayer"), "--to debe ser una fecha"),
        (("--from", "2026-03-01", "--to", "2026-02-01"), "es posterior a --to"),
        (("--from", "2026-01-01", "--to", "2026-01-31", "--seller", "nadie"), "No hay un vendedor 'nadie'"),
    ],
)
def test_bad_input_is_a_clear_error(db, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_flat_queries_for_one_or_many_sellers_and_orders(world, django_assert_num_queries):
    since, until = (timezone.localdate() - timedelta(days=3)), timezone.localdate()
    # Sales, refunds, store credit and gift cards given for returns, shares, returns, names.
    with django_assert_num_queries(7) as one:
        assert len(seller_payouts(since=since, until=until, seller=world["own"])) == 1
    for number in range(4):
        seller = SellerFactory(ruc=f"1046779354{number}" if number != 9 else "10467793549", is_approved=True)
        variant = seller_variant(seller, sku=f"OTRO-{number}", price="10.00")
        order = make_order(lines=[line_for(variant, quantity=2)])
        admin = world["admin"]
        refund_approve(refund=refund_request(payment=pay(order), amount="5.00", reason="x", actor=admin), actor=admin)
    with django_assert_num_queries(len(one.captured_queries)):
        assert len(seller_payouts(since=since, until=until)) == 6


def test_admin_page_for_staff(client, world):
    client.force_login(world["admin"])
    assert client.get(URL).status_code == 200  # this month by default
    since, until = period()
    page = client.get(URL, {"date_from": since, "date_to": until, "format": "html"}).content.decode()
    assert "Andes Tech" in page and "Pacífico Audio" in page and "S/ 88.40" in page
    response = client.get(URL, {"date_from": since, "date_to": until, "seller": "andes-tech", "format": "json"})
    assert response["Content-Disposition"].startswith("attachment") and json.loads(response.content) == [OWN]


def test_a_seller_sees_only_their_own_payouts(client, world):
    """IDOR: another seller's slug in the query string is ignored, not obeyed."""
    client.force_login(world["own"].user)
    since, until = period()
    page = client.get(URL, {"date_from": since, "date_to": until, "seller": "pacifico-audio"}).content.decode()
    assert "Andes Tech" in page and "Pacífico Audio" not in page
    response = client.get(URL, {"date_from": since, "date_to": until, "seller": "pacifico-audio", "format": "csv"})
    assert response.content.decode().splitlines()[1:] == ["Andes Tech,1,100.00,10.00,20.00,2.00,100.00,72.00"]


@pytest.mark.parametrize(
    "params",
    [
        {"date_from": "2026-02-30", "date_to": "2026-03-01"},
        {"date_from": "2026-03-02", "date_to": "2026-03-01"},
        {"date_from": "2026-03-01", "date_to": "2026-03-02", "seller": "nadie"},
        {"date_from": "2026-03-01", "date_to": "2026-03-02", "format": "xml"},
    ],
)
def test_admin_bad_input_shows_the_form_again(client, world, params):
    client.force_login(world["admin"])
    response = client.get(URL, params)
    assert response.status_code == 400 and not response.has_header("Content-Disposition")


def test_admin_page_is_for_staff_and_sellers_only(client, world):
    assert client.get(URL).status_code == 302
    client.force_login(UserFactory(is_staff=True))  # no role, no seller profile
    assert client.get(URL).status_code == 403
    support = UserFactory(is_staff=True)
    user_add_role(user=support, role=Role.SUPPORT)  # sees orders, not what sellers earn
    client.force_login(support)
    assert client.get(URL).status_code == 403
    boss = UserFactory(is_staff=True)
    user_add_role(user=boss, role=Role.ADMINISTRATOR)
    client.force_login(boss)
    assert client.get(URL).status_code == 200
