"""Sales by channel: the online store's orders and those staff took on WhatsApp or the phone, as
a grouping and as a filter of the sales report (admin download and command)."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from backoffice.reports import sales_report
from orders.models import Order, OrderChannel
from tests.factories import UserFactory, WarehouseFactory, line_for, paid_order_days_ago, stocked_variant

pytestmark = pytest.mark.django_db
URL = "/admin/reports/sales/"


@pytest.fixture
def channel_sales():
    variant = stocked_variant(WarehouseFactory(), units=20, price="50.00")
    paid_order_days_ago(line_for(variant, quantity=2))  # the online store: 100
    whatsapp = paid_order_days_ago(line_for(variant))  # 50
    phone = paid_order_days_ago(line_for(variant, quantity=3))  # 150
    Order.objects.filter(pk=whatsapp.pk).update(channel=OrderChannel.WHATSAPP)
    Order.objects.filter(pk=phone.pk).update(channel=OrderChannel.PHONE)


def period() -> dict:
    today = timezone.localdate()
    return {"since": today - timedelta(days=3), "until": today}


def test_grouped_by_channel(channel_sales):
    rows = {
        row["key"]: (row["orders"], row["units"], str(row["sales"])) for row in sales_report(by="channel", **period())
    }
    assert rows == {"Tienda en línea": (1, 2, "100.00"), "WhatsApp": (1, 1, "50.00"), "Teléfono": (1, 3, "150.00")}


def test_one_channel_only(channel_sales):
    assert [(row["orders"], str(row["sales"])) for row in sales_report(by="day", channel="whatsapp", **period())] == [
        (1, "50.00")
    ]


def test_admin_download_by_channel_and_filtered(client, channel_sales):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    page = client.get(URL).content.decode()
    assert "Canal" in page and "Todos los canales" in page
    today = timezone.localdate()
    params = {"date_from": str(today - timedelta(days=3)), "date_to": str(today), "format": "json"}
    grouped = json.loads(client.get(URL, {**params, "by": "channel"}).content)
    assert {row["key"] for row in grouped} == {"Tienda en línea", "WhatsApp", "Teléfono"}
    filtered = client.get(URL, {**params, "by": "channel", "channel": "phone"})
    assert json.loads(filtered.content) == [{"key": "Teléfono", "orders": 1, "units": 3, "sales": "150.00"}]
    assert "-phone-" in filtered["Content-Disposition"]
    assert client.get(URL, {**params, "by": "day", "channel": "fax"}).status_code == 400


def test_the_command_takes_the_channel(channel_sales):
    out = StringIO()
    today = timezone.localdate()
    call_command(
        "sales_report",
        "--by",
        "channel",
        "--channel",
        "whatsapp",
        "--from",
        str(today - timedelta(days=3)),
        "--to",
        str(today),
        "--format",
        "json",
        stdout=out,
    )
    assert json.loads(out.getvalue()) == [{"key": "WhatsApp", "orders": 1, "units": 1, "sales": "50.00"}]
