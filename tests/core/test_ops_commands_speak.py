"""What ops read from the management commands is Spanish, in Lima time and the shop's money format,
as pending_payments is: statuses by their labels, no UTC ISO stamps, no raw Decimal or True/False.
CSV and JSON stay machine-readable (raw amounts), with Lima offsets."""

import json
import re
from io import StringIO

import pytest
from django.core.management import call_command

from receipts.services import receipt_issue_for_order

pytestmark = pytest.mark.django_db

UTC_STAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?(\+00:00|Z)")
BARE_AMOUNT = re.compile(r"(?<!S/ )(?<![\d,.])\d+\.\d{2}\b")


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def assert_for_people(text: str) -> None:
    assert not UTC_STAMP.search(text), UTC_STAMP.findall(text)
    assert "True" not in text and "False" not in text


def test_shipments_due(split_order):
    text = run("shipments_due")
    assert "Pendiente" in text and "Olva Courier" in text
    assert " pending " not in text and " olva " not in text
    assert_for_people(text)


def test_receipts_pending(split_order):
    receipt = receipt_issue_for_order(order_id=split_order.pk)
    text = run("receipts_pending")
    assert "Pendiente de envío" in text and " pending " not in text
    assert f"S/ {receipt.total:,.2f}" in text and not BARE_AMOUNT.search(text), BARE_AMOUNT.findall(text)
    lima = receipt.issued_at.astimezone(__import__("zoneinfo").ZoneInfo("America/Lima"))
    assert lima.strftime("%Y-%m-%d %H:%M") in text
    assert_for_people(text)
    rows = json.loads(run("receipts_pending", "--format", "json"))
    assert rows[0]["total"] == str(receipt.total) and rows[0]["issued"].endswith("-05:00")


def test_sales_report_writes_soles(split_order):
    text = run("sales_report")
    assert "S/ 248.80" in text and not BARE_AMOUNT.search(text), BARE_AMOUNT.findall(text)
    assert_for_people(text)


def test_health_speaks_spanish():
    text = run("health")
    for english in ("database", "overall", "no broker", "never run", "tasks run inline", "eager"):
        assert english not in text, english
    assert not re.search(r"\bok\b", text) and not re.search(r"\bms=", text)
    assert "base de datos" in text.lower() and "ms" in text
    assert_for_people(text)
    assert json.loads(run("health", "--format", "json"))["broker"]["detail"].startswith("no broker")


def test_complaints_due():
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from complaints.services import complaint_file
    from tests.factories import sheet_data

    complaint_file(data=sheet_data(), now=datetime(2020, 7, 20, 9, tzinfo=ZoneInfo("America/Lima")))
    text = run("complaints_due")
    assert "vencida hace" in text and "overdue" not in text and "Reclamo" in text
    assert_for_people(text)


def test_reviews_recount_names_the_kind():
    from catalog.models import Product
    from tests.factories import ProductFactory

    product = ProductFactory(name="Polera Andes")
    Product.objects.filter(pk=product.pk).update(rating_count=2)
    text = run("reviews_recount", "--dry-run")
    line = next(line for line in text.splitlines() if "Polera Andes" in line)
    assert line.startswith("producto ") and "product " not in line
    assert json.loads(run("reviews_recount", "--dry-run", "--format", "json"))[0]["kind"] == "product"
