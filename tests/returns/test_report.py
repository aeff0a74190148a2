import csv
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from returns import services
from returns.services import ReceiveLineData, ReturnLineData

pytestmark = pytest.mark.django_db


def report(*args) -> str:
    out = StringIO()
    call_command("returns_report", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def returns(delivered_order, staff, warehouse):
    polo, casaca = delivered_order.lines.get(sku="POLO-M"), delivered_order.lines.get(sku="CASACA-L")
    received = services.return_request_create(
        order=delivered_order,
        lines=[ReturnLineData(order_line_id=polo.pk, quantity=2, reason="wrong_size", declared_condition="new")],
    )
    services.return_approve(request=received, actor=staff)
    services.return_receive(
        request=received,
        actor=staff,
        lines=[
            ReceiveLineData(
                return_line_id=received.lines.get().pk, found_condition="resellable", warehouse_id=warehouse.pk
            )
        ],
    )
    rejected = services.return_request_create(
        order=delivered_order,
        lines=[ReturnLineData(order_line_id=casaca.pk, quantity=1, reason="changed_mind", declared_condition="opened")],
    )
    services.return_reject(request=rejected, actor=staff, message="Usado")
    services.return_request_create(
        order=delivered_order,
        lines=[ReturnLineData(order_line_id=casaca.pk, quantity=1, reason="defective", declared_condition="damaged")],
    )


def test_by_reason_json_leaves_rejected_out(returns):
    rows = json.loads(report("--format", "json"))
    assert rows == [
        {"group": "Talla o calce incorrecto", "requests": 1, "units": 2, "received": 2},
        {"group": "Defectuoso o no funciona", "requests": 1, "units": 1, "received": 0},
    ]


def test_by_product_csv_and_table(returns):
    rows = list(csv.reader(StringIO(report("--by", "product", "--format", "csv"))))
    assert rows[0] == ["group", "requests", "units", "received"]
    assert rows[1:] == [["POLO-M", "1", "2", "2"], ["CASACA-L", "1", "1", "0"]]
    assert "POLO-M" in report("--by", "product") and "Unidades recibidas" in report("--by", "product")
    # The store's own products have no seller.
    assert json.loads(report("--by", "seller", "--format", "json")) == [
        {"group": "—", "requests": 2, "units": 3, "received": 2}
    ]


def test_bad_grouping_is_refused():
    with pytest.raises(CommandError):
        call_command("returns_report", "--by", "colour", stdout=StringIO())
