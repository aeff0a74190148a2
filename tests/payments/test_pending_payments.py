import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from orders.models import Order
from tests.factories import make_guest_order as make_order
from tests.factories import make_payment

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("pending_payments", *args, stdout=out)
    return out.getvalue()


def test_lists_orders_awaiting_payment_as_table_csv_and_json():
    old, recent = make_order(), make_order()
    make_payment(old)
    Order.objects.filter(pk=old.pk).update(placed_at=old.placed_at - timedelta(hours=2))

    table = run()
    assert old.number in table and recent.number in table and "2 pedidos pendientes de pago" in table
    assert run("--older-than", "60", "--format", "csv").splitlines()[1].startswith(old.number)
    rows = json.loads(run("--older-than", "60", "--format", "json"))
    assert [(r["number"], r["attempts"], r["total"]) for r in rows] == [(old.number, 1, str(old.total))]
    assert rows[0]["minutes_waiting"] >= 120


def test_bad_arguments_are_refused():
    with pytest.raises(CommandError, match="--older-than debe ser al menos 0"):
        run("--older-than", "-5")
    with pytest.raises(CommandError, match="--older-than debe ser un número entero"):
        run("--older-than", "una hora")
    with pytest.raises(CommandError):
        run("--format", "xml")
