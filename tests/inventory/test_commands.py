import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from inventory import services
from inventory.models import Reservation, StockLevel
from tests.factories import VariantFactory, WarehouseFactory, stock

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def levels():
    lima, aqp = WarehouseFactory(code="LIM-CENTRAL"), WarehouseFactory(code="AQP")
    polo = VariantFactory(sku="POLO-M")
    full = stock(polo, lima, 12, minimum=2)
    low = stock(polo, aqp, 3, minimum=5)
    empty = stock(VariantFactory(sku="GORRA-U"), lima, 0)
    services.stock_reserve(lines=[(polo, 2)], cart_key="c")
    return full, low, empty


def test_stock_report_table(levels):
    output = run("stock_report")
    lines = output.splitlines()
    assert lines[0].split() == ["SKU", "Almacén", "En", "almacén", "Reservado", "Disponible", "Mínimo"]
    assert set(lines[1]) == {"-", " "}
    row = next(line for line in lines if "LIM-CENTRAL" in line and "POLO-M" in line).split()
    assert row == ["POLO-M", "LIM-CENTRAL", "12", "2", "10", "2"]
    assert lines[-1] == "3 niveles de stock"
    # numbers are right-aligned under their headers
    assert len({len(line) for line in lines[2:5]}) == 1


def test_stock_report_json_and_filters(levels):
    rows = json.loads(run("stock_report", "--format", "json"))
    assert set(rows[0]) == {"sku", "warehouse", "on_hand", "reserved", "available", "minimum"}
    below = json.loads(run("stock_report", "--below-min", "--format", "json"))
    assert {(r["sku"], r["warehouse"]) for r in below} == {("POLO-M", "AQP"), ("GORRA-U", "LIM-CENTRAL")}
    out = json.loads(run("stock_report", "--out-of-stock", "--format", "json"))
    assert [r["sku"] for r in out] == ["GORRA-U"]
    only_aqp = json.loads(run("stock_report", "--warehouse", "AQP", "--format", "json"))
    assert [r["warehouse"] for r in only_aqp] == ["AQP"]


def test_stock_report_csv_and_unknown_warehouse(levels):
    lines = run("stock_report", "--format", "csv").splitlines()
    assert lines[0] == "sku,warehouse,on_hand,reserved,available,minimum"
    assert "POLO-M,LIM-CENTRAL,12,2,10,2" in lines
    with pytest.raises(CommandError, match="No hay un almacén"):
        run("stock_report", "--warehouse", "NOPE")


def test_verify_clean_then_corrupted(levels):
    assert "consistent" in run("inventory_verify")
    full, _low, _empty = levels
    StockLevel.objects.filter(pk=full.pk).update(on_hand=99)  # someone bypassed the services
    out = StringIO()
    with pytest.raises(CommandError, match="1 diferencia entre"):
        call_command("inventory_verify", stdout=out)
    assert "on_hand" in out.getvalue() and "POLO-M @ LIM-CENTRAL" in out.getvalue()
    assert "99" in out.getvalue() and "12" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_verify_exit_codes_from_the_shell():
    """The real process: exit status 0 when clean, 1 with the list when corrupted."""
    import os
    import subprocess
    import sys

    from django.conf import settings
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the subprocess reaches the test database through DATABASE_URL (PostgreSQL)")
    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    level = stock(quantity=4)

    def verify():
        return subprocess.run(
            [sys.executable, "manage.py", "inventory_verify"],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    assert verify().returncode == 0
    StockLevel.objects.filter(pk=level.pk).update(on_hand=0)
    corrupted = verify()
    assert corrupted.returncode == 1
    assert level.variant.sku in corrupted.stdout and "diferencia" in corrupted.stderr


def test_expire_reservations_command(levels):
    Reservation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    assert "1 reserva vencida liberada." in run("expire_reservations")
