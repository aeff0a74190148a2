"""Ports (core.ports): the calls a lower app makes into an app above it, plugged in at start-up.
They are the one upward mechanism: app code declares no Signal of its own (Django's and
third-party signals still drive caches and hooks), and every port lives in its app's ports.py
with its arguments and result typed."""

import ast
import importlib
import inspect
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from cart import ports as cart_ports
from catalog import ports as catalog_ports
from checkout import selectors as checkout_selectors
from core.ports import Port, port
from credit import ports as credit_ports
from inventory import selectors as stock
from inventory import shown_stock
from orders import ports as orders_ports
from orders import selectors as order_selectors
from orders import services as order_services
from payments import ports as payments_ports
from promotions import ports as promotions_ports
from receipts import enqueue as receipts_enqueue
from shipping import ports as shipping_ports
from timeline import selectors as timeline_selectors

ROOT = Path(__file__).resolve().parents[2]
APPS = sorted(path.parent.name for path in ROOT.glob("*/apps.py"))

# Each port and the function the app above must have plugged into it.
EXPECTED = [
    (catalog_ports.availability_by_variant, shown_stock.available_shown),
    (catalog_ports.bundle_availability, shown_stock.bundle_available_shown),
    (catalog_ports.product_in_stock, stock.product_in_stock),
    (promotions_ports.buyer_has_ordered, order_selectors.buyer_has_ordered),
    (shipping_ports.order_lock, order_services.order_lock),
    (shipping_ports.order_follow_shipments, order_services.order_follow_shipments),
    (orders_ports.receipt_issue, receipts_enqueue.receipt_issue),
    (orders_ports.cancellation_credit_note_issue, receipts_enqueue.cancellation_credit_note_issue),
    (payments_ports.refund_credit_note_issue, receipts_enqueue.refund_credit_note_issue),
    (credit_ports.return_credit_note_issue, receipts_enqueue.return_credit_note_issue),
    (cart_ports.unpaid_order, checkout_selectors.unpaid_order),
    (orders_ports.order_timeline, timeline_selectors.order_timeline),
]


def test_every_declared_port_is_plugged_in_at_start_up():
    from alerts.services import stock_replenished
    from backoffice.services import order_commissions_snapshot
    from despatch.services import shipment_may_leave, shipment_may_split
    from inventory import ports as inventory_ports
    from payments.services.attempts import payment_attempts_close_for_cancelled_order
    from payments.services.refunds import order_cancel_refunds_request
    from receipts import ports as receipts_ports
    from returns.selectors import return_goods_for_receipt, return_numbers
    from sunat.selectors import receipt_voided

    expected = [
        *EXPECTED,
        (orders_ports.commissions_snapshot, order_commissions_snapshot),
        (orders_ports.cancel_refunds_request, order_cancel_refunds_request),
        (orders_ports.cancel_payment_attempts_close, payment_attempts_close_for_cancelled_order),
        (receipts_ports.return_goods, return_goods_for_receipt),
        (receipts_ports.receipt_voided, receipt_voided),
        (inventory_ports.stock_replenished, stock_replenished),
        (inventory_ports.order_numbers, order_selectors.order_numbers),
        (inventory_ports.return_numbers, return_numbers),
        (shipping_ports.shipment_may_leave, shipment_may_leave),
        (shipping_ports.shipment_may_split, shipment_may_split),
    ]
    assert {asked.name for asked, _ in expected} == {asked.name for asked in Port.declared}
    for asked, function in expected:
        assert asked._function is function, asked


def _app_modules():
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path, ast.parse(path.read_text(), filename=str(path))


def _calls(tree: ast.AST, name: str) -> list[int]:
    """The lines calling `name(...)` or `something.name(...)`."""
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and (
            (isinstance(node.func, ast.Name) and node.func.id == name)
            or (isinstance(node.func, ast.Attribute) and node.func.attr == name)
        )
    ]


def test_app_code_declares_no_signal_of_its_own():
    """A step of the business is a port call a reader sees, not a receiver somewhere else."""
    found = [f"{path.relative_to(ROOT)}:{line}" for path, tree in _app_modules() for line in _calls(tree, "Signal")]
    assert found == []


def test_every_port_is_declared_in_its_apps_ports_module():
    found = [
        f"{path.relative_to(ROOT)}:{line}"
        for path, tree in _app_modules()
        if path.name != "ports.py"
        for line in _calls(tree, "Port")
    ]
    assert found == []


def test_every_port_is_declared_by_a_typed_stub():
    """@port on a stub whose every parameter and result is annotated: the declaration says what is
    asked, and callers and type checkers see the exact signature."""
    in_ports_modules = set()
    for app in APPS:
        if not (ROOT / app / "ports.py").exists() or app == "core":
            continue
        module = importlib.import_module(f"{app}.ports")
        for name, value in vars(module).items():
            if not isinstance(value, Port):
                continue
            in_ports_modules.add(value.name)
            assert value.name == f"{app}.ports.{name}"
            assert value.signature.return_annotation is not inspect.Signature.empty, value.name
            assert all(p.annotation is not inspect.Parameter.empty for p in value.signature.parameters.values()), (
                value.name
            )
            assert value.__doc__, f"{value.name} says what it asks"
    assert in_ports_modules == {port.name for port in Port.declared}


@pytest.fixture
def declare():
    """Declare ports for one test, forgotten after it."""
    made = []

    def declare(stub):
        made.append(port(stub))
        return made[-1]

    yield declare
    for each in made:
        Port.declared.remove(each)


def test_a_port_with_nothing_plugged_in_fails_loudly(declare):
    def doubled(*, value: int) -> int:
        """Twice the value."""

    asked = declare(doubled)
    with pytest.raises(ImproperlyConfigured, match="test_ports.*doubled"):
        asked(value=1)
    asked.plug(lambda *, value: value * 2)
    assert asked(value=21) == 42


def test_a_port_call_raises_what_the_plugged_function_raises(declare):
    def broken() -> None:
        """Fails."""

    asked = declare(broken)
    asked.plug(lambda: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        asked()


def test_plugging_in_a_function_that_cannot_answer_the_stub_fails_at_start_up(declare):
    def receipt(*, order_id: int) -> None:
        """A receipt for the order."""

    asked = declare(receipt)
    for wrong, why in [
        (lambda *, order: None, "no keyword argument order_id"),
        (lambda *, order_id, reason: None, "also needs reason"),
        (lambda: None, "no keyword argument order_id"),
    ]:
        with pytest.raises(ImproperlyConfigured, match=why):
            asked.plug(wrong)
    asked.plug(lambda order_id, *, now=None: None)  # by name, with optional extras: it fits
    assert asked.plugged


def test_a_positional_stub_takes_a_function_with_its_positional_parameters(declare):
    def units(variant_ids: list, /) -> dict:
        """Units by variant."""

    asked = declare(units)
    with pytest.raises(ImproperlyConfigured, match="no positional argument variant_ids"):
        asked.plug(lambda *, variant_ids: {})
    asked.plug(lambda ids, *, now=None: dict.fromkeys(ids, 0))
    assert asked([1]) == {1: 0}
