"""Demo returns on the demo customer's delivered orders, made through the returns services: one
rejected by support, one resolved with store credit (later partly spent on a new order placed
through checkout), one refunded through the test gateway, one approved and waiting for the
parcel. Each is found again by its form key (orders by their checkout key), so a second run
changes nothing."""

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from inventory.models import Warehouse
from orders.models import Order, OrderStatus
from returns import services
from returns.models import ReturnStatus
from returns.services import ReceiveLineData, ReturnError, ReturnLineData

DEMO_ORDER_KEY = "demo-pedido-entregado"
SECOND_ORDER_SCENARIO = "entregado-dos-productos"
CREDIT_ORDER_SCENARIO = "pagado-con-vale"
APPROVE_MESSAGE = "Déjalo en cualquier agencia Olva indicando el número de devolución."
# (form key, order: first or second, line index, reason, declared condition, detail, resolution asked, what support does)
DEMO_RETURNS = [
    ("demo-devolucion-1", "first", 0, "changed_mind", "opened", "Lo usé una vez y no me convenció", "refund", "reject"),
    (
        "demo-devolucion-2",
        "first",
        0,
        "wrong_size",
        "new",
        "Me queda chico, necesito una talla más",
        "credit",
        "resolve",
    ),
    ("demo-devolucion-3", "second", 0, "defective", "opened", "No enciende desde el primer día", "refund", "refund"),
    (
        "demo-devolucion-4",
        "second",
        1,
        "not_as_described",
        "new",
        "El color es distinto al de la foto",
        "credit",
        "approve",
    ),
]


def _checkout(*, customer, scenario: str, variants, credit=None, credit_amount: Decimal | None = None) -> Order:
    from demo.shipping import _place
    from shipping.models import ShippingMethod

    return _place(
        customer=customer,
        scenario=scenario,
        method=ShippingMethod.objects.get(code="olva-lima"),
        variants=variants,
        credit=credit,
        credit_amount=credit_amount,
    )


def _second_delivered_order(customer, operator) -> Order | None:
    """A second delivered order of two products, so each return state has a unit to return."""
    from demo.despatch import issue_demo_guia
    from demo.shipping import DEMO_KEY, _demo_variants, _pay
    from shipping import services as shipping_services

    existing = Order.objects.filter(idempotency_key=DEMO_KEY.format(SECOND_ORDER_SCENARIO)).first()
    if existing is not None:
        return existing
    # Past the products the fulfilment demo orders use (skip up to 18), so no per-customer limit is hit.
    variants = _demo_variants(2, warehouse_code="LIM-CENTRAL", skip=20)
    if len(variants) < 2 or not customer.addresses.exists():
        return None
    with transaction.atomic():
        order = _pay(_checkout(customer=customer, scenario=SECOND_ORDER_SCENARIO, variants=variants))
        for number, leg in enumerate(order.shipments.order_by("pk")):
            issue_demo_guia(leg, actor=operator)
            shipping_services.shipment_ship(shipment=leg, actor=operator, tracking_number=f"4009{order.pk:03d}{number}")
            shipping_services.shipment_mark_in_transit(shipment=leg, actor=operator)
            shipping_services.shipment_deliver(shipment=leg, actor=operator)
    order.refresh_from_db()
    return order


def _spend_some_credit(request) -> None:
    """Half of the store credit of a resolved return, spent on a new order paid (the rest) through the test gateway."""
    from credit.models import StoreCredit
    from demo.shipping import DEMO_KEY, _demo_variants, _pay

    credit = StoreCredit.objects.filter(return_request=request).first()
    if credit is None or Order.objects.filter(idempotency_key=DEMO_KEY.format(CREDIT_ORDER_SCENARIO)).exists():
        return
    variants = _demo_variants(1, warehouse_code="LIM-CENTRAL", skip=23)
    if not variants:
        return
    with transaction.atomic():
        order = _checkout(
            customer=credit.customer,
            scenario=CREDIT_ORDER_SCENARIO,
            variants=variants,
            credit=credit,
            credit_amount=(credit.balance / 2).quantize(Decimal("0.01")),
        )
        if order.status == OrderStatus.PENDING_PAYMENT:
            _pay(order)


def _advance(request, *, step: str, staff, warehouse) -> None:
    if request.status == ReturnStatus.REQUESTED and step == "reject":
        services.return_reject(
            request=request,
            actor=staff,
            message=("El producto muestra uso y ya no puede venderse como nuevo. Te lo devolvemos sin costo."),
        )
        return
    if request.status == ReturnStatus.REQUESTED:
        services.return_approve(request=request, actor=staff, message=APPROVE_MESSAGE)
        request.refresh_from_db()
    if step == "approve":
        return
    if request.status == ReturnStatus.APPROVED:
        services.return_receive(
            request=request,
            actor=staff,
            note="Caja intacta",
            lines=[
                ReceiveLineData(return_line_id=return_line.pk, found_condition="resellable", warehouse_id=warehouse.pk)
                for return_line in request.lines.all()
            ],
        )
        request.refresh_from_db()
    if request.status == ReturnStatus.RECEIVED:
        services.return_resolve(request=request, actor=staff, resolution="credit" if step == "resolve" else "refund")


def _approve_refunds(request, *, staff) -> None:
    """An administrator approves the return's refund request: the test gateway returns the money
    (outside any transaction, as payments requires of a gateway call)."""
    from payments.models import Refund
    from payments.services.refunds import refund_approve

    for refund in Refund.objects.filter(
        idempotency_key__startswith=f"return-{request.pk}-", status=Refund.Status.REQUESTED
    ):
        refund_approve(refund=refund, actor=staff)


def load_demo_returns() -> dict[str, str]:
    """Returns {form key: RMA number} of the demo returns that exist after the run."""
    first = Order.objects.filter(idempotency_key=DEMO_ORDER_KEY).first()
    staff = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    warehouse = Warehouse.objects.filter(code="LIM-CENTRAL", is_active=True).first()
    if first is None or warehouse is None or services.return_deadline(order_id=first.pk) is None:
        return {}
    orders: dict[str, Order | None] = {"first": first}
    if first.customer is not None:
        orders["second"] = _second_delivered_order(first.customer, staff)
    done = {}
    for key, which, index, reason, condition, detail, resolution, step in DEMO_RETURNS:
        order = orders.get(which)
        deadline = services.return_deadline(order_id=order.pk) if order is not None else None
        if order is None or deadline is None:
            continue
        lines = list(order.lines.order_by("pk"))
        if index >= len(lines):
            continue
        # Asked a day after delivery (the demo order may be older than the return window today), but
        # never later than now: an order delivered just now has its return asked now, not tomorrow.
        delivered_at = deadline - timedelta(days=services.return_window_days())
        asked_at = min(delivered_at + timedelta(days=1), timezone.now())
        try:
            with transaction.atomic():
                request = services.return_request_create(
                    order=order,
                    actor=order.customer,
                    idempotency_key=key,
                    now=asked_at,
                    resolution=resolution,
                    lines=[
                        ReturnLineData(
                            order_line_id=lines[index].pk,
                            quantity=1,
                            reason=reason,
                            declared_condition=condition,
                            reason_detail=detail,
                        )
                    ],
                )
                _advance(request, step=step, staff=staff, warehouse=warehouse)
        except ReturnError:
            continue
        done[key] = request.number
        if step == "refund":
            _approve_refunds(request, staff=staff)
        elif step == "resolve":
            _spend_some_credit(request)
    return done
