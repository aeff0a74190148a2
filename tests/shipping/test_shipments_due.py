"""shipments_due: the legs not shipped yet, filtered by warehouse and lateness, in three formats."""

import json
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from shipping import services
from shipping.management.commands.shipments_due import business_days_between
from shipping.models import Shipment

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("shipments_due", *args, stdout=out)
    return out.getvalue()


def test_lists_unshipped_legs_and_filters(split_order):
    first, second = split_order.shipments.order_by("pk")
    Shipment.objects.filter(pk=first.pk).update(ship_by=timezone.localdate() - timedelta(days=7))
    rows = json.loads(run("--format", "json"))
    assert [row["shipment"] for row in rows] == [f"E{first.pk}", f"E{second.pk}"]
    assert rows[0]["days_late"] >= 5 and rows[1]["days_late"] == 0 and rows[0]["units"] == 2

    assert [r["shipment"] for r in json.loads(run("--overdue", "--format", "json"))] == [f"E{first.pk}"]
    assert [r["warehouse"] for r in json.loads(run("--warehouse", "are-sur", "--format", "json"))] == ["ARE-SUR"]

    services.shipment_ship(shipment=first, tracking_number="40061123")
    table = run()
    assert f"E{second.pk}" in table and f"E{first.pk}" not in table and "1 envío por despachar" in table
    csv = run("--format", "csv").splitlines()
    assert csv[0].startswith("shipment,order,warehouse") and len(csv) == 2


def test_unknown_warehouse_is_a_clear_error(db):
    with pytest.raises(CommandError, match="No hay un almacén"):
        run("--warehouse", "NOPE")


def test_business_days_skip_sundays_and_holidays():
    # Sat 25 Jul 2026 → Wed 29 Jul 2026: Sunday 26, and 28–29 July (Fiestas Patrias) do not count.
    assert business_days_between(date(2026, 7, 25), date(2026, 7, 29)) == 1
    assert business_days_between(date(2026, 7, 29), date(2026, 7, 25)) == 0
