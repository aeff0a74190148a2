"""The audit trail (the back office's list of changes and each object's admin history) reads as
people do: status values by their Spanish labels, amounts in soles, times in Lima, yes/no."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from orders.models import Order
from shipping import services as shipping_services
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

UTC_STAMP = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?(\.\d+)?\+00:00")


@pytest.fixture
def staff(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def packed(split_order):
    leg = split_order.shipments.order_by("pk").first()
    shipping_services.shipment_pack(shipment=leg)
    order = Order.objects.get(pk=split_order.pk)
    order.needs_attention = True
    order.shipping_total += Decimal("970.70")
    order.total += Decimal("970.70")
    assert order.total == Decimal("1234.50")
    order.save()
    return leg, order


def assert_reads_like_people(html: str) -> None:
    assert "pending" not in html.split("<body", 1)[1].replace("pending_", "")
    assert not UTC_STAMP.search(html), UTC_STAMP.findall(html)
    assert ">True<" not in html and ">False<" not in html and " True " not in html


def test_the_audit_list(staff, packed):
    html = staff.get(reverse("backoffice_audit")).content.decode()
    assert "Pendiente → Empacado" in html
    assert "S/ 1,234.50" in html and "No → Sí" in html
    assert_reads_like_people(html)


def test_an_objects_admin_history(staff, packed):
    leg, order = packed
    html = staff.get(reverse("admin:shipping_shipment_history", args=[leg.pk])).content.decode()
    assert "Pendiente" in html and "Empacado" in html and "packed" not in html
    assert_reads_like_people(html)
    html = staff.get(reverse("admin:orders_order_history", args=[order.pk])).content.decode()
    assert "S/ 1,234.50" in html
    assert_reads_like_people(html)
