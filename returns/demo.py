"""Demo returns on the demo customer's delivered order, made through the returns services:
one rejected by support, one approved and received back on the shelf. Each is found again
by its form key, so a second run changes nothing."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction

from inventory.models import Warehouse
from orders.models import Order

from . import services
from .models import ReturnStatus
from .services import ReceiveLineData, ReturnError, ReturnLineData

DEMO_ORDER_KEY = "demo-pedido-entregado"
# (form key, reason, declared condition, detail, what support does)
DEMO_RETURNS = [
    ("demo-devolucion-1", "changed_mind", "opened", "Lo usé una vez y no me convenció", "reject"),
    ("demo-devolucion-2", "wrong_size", "new", "Me queda chico, necesito una talla más", "receive"),
]


def load_demo_returns() -> dict[str, str]:
    """Returns {form key: RMA number} of the demo returns that exist after the run."""
    order = Order.objects.filter(idempotency_key=DEMO_ORDER_KEY).first()
    staff = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    deadline = services.return_deadline(order_id=order.pk) if order else None
    warehouse = Warehouse.objects.filter(code="LIM-CENTRAL", is_active=True).first()
    if order is None or deadline is None or warehouse is None:
        return {}
    # Asked a day after delivery (the demo order may be older than the return window today).
    asked_at = deadline - timedelta(days=services.return_window_days()) + timedelta(days=1)
    line = order.lines.order_by("pk").first()
    done = {}
    for key, reason, condition, detail, step in DEMO_RETURNS:
        try:
            with transaction.atomic():
                request = services.return_request_create(
                    order=order, actor=order.customer, idempotency_key=key, now=asked_at,
                    lines=[ReturnLineData(order_line_id=line.pk, quantity=1, reason=reason,
                                          declared_condition=condition, reason_detail=detail)])
                if request.status == ReturnStatus.REQUESTED and step == "reject":
                    services.return_reject(request=request, actor=staff, message=(
                        "El producto muestra uso y ya no puede venderse como nuevo. Te lo devolvemos sin costo."))
                elif request.status == ReturnStatus.REQUESTED and step == "receive":
                    services.return_approve(request=request, actor=staff, message=(
                        "Déjalo en cualquier agencia Olva indicando el número de devolución."))
                    services.return_receive(request=request, actor=staff, note="Caja intacta", lines=[
                        ReceiveLineData(return_line_id=return_line.pk, found_condition="resellable",
                                        warehouse_id=warehouse.pk) for return_line in request.lines.all()])
        except ReturnError:
            continue
        done[key] = request.number
    return done
