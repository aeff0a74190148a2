"""Order statuses agree with "pedido" (masculine) in Spanish wherever they are shown; a
purchase order ("orden de compra", feminine) keeps its own."""

import pytest
from django.urls import reverse
from django.utils import translation

from catalog.models import ScheduledPrice
from inventory.models import PurchaseOrder
from orders.models import OrderStatus, PaymentStatus
from orders.services import order_cancel
from shipping.models import ShipmentStatus
from tests.factories import make_order

pytestmark = pytest.mark.django_db

MASCULINE = {
    "Anulado",
    "Pagado",
    "Enviado",
    "Entregado",
    "Reembolsado",
    "Pendiente de pago",
    "En preparación",
    "Enviado en parte",
}


def test_every_order_status_agrees_with_pedido():
    with translation.override("es"):
        assert {str(label) for label in OrderStatus.labels} == MASCULINE
        assert str(ShipmentStatus.CANCELLED.label) == "Anulado"
        assert str(ScheduledPrice.Status.CANCELLED.label) == "Anulado"
        assert str(PaymentStatus.PAID.label) == "Pagado"
        assert str(PurchaseOrder.Status.CANCELLED.label) == "Anulada"  # una orden de compra


def test_a_cancelled_order_is_shown_anulado(client, user):
    order = make_order(customer=user)
    with translation.override("es"):
        order_cancel(order=order, actor=None, reason="", by_customer=False)
    order.refresh_from_db()
    assert order.cancel_reason == "Anulado"
    client.force_login(user)
    html = client.get(order.get_absolute_url()).content.decode()
    assert "Anulado" in html and "Anulada" not in html
    listing = client.get(reverse("orders:list")).content.decode()
    assert "Anulado" in listing and "Anulada" not in listing
