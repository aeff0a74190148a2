"""What shipping asks of orders, which sits above it (core.ports): a shipment is a leg of an
order, so moving one locks its order first and the order's status follows its legs. Orders
plugs these in at start-up (orders.apps); both run inside shipping's transaction. The order is
an OrderRow (Any) here because shipping cannot name orders' model."""

from typing import Any, TypeAlias

from accounts.models import User
from core.ports import port

from .models import Shipment

# orders.Order, which shipping cannot name (it sits below orders): what shipping reads of it is
# listed on order_lock. The plugin still types Shipment.order as the model.
OrderRow: TypeAlias = Any


@port
def order_lock(*, order_id: int) -> OrderRow:
    """The order locked for update, before its shipment rows (the lock order every writer keeps).
    What shipping reads of it: pk, number, is_closed, shipping_method, paid_at, shipments."""


@port
def order_follow_shipments(*, order: OrderRow, shipment: Shipment, actor: User | None) -> OrderRow:
    """A leg moved: the order becomes partially shipped, shipped or delivered as its legs say, and
    the shopper hears of it. Called with the order locked; returns the order."""


@port
def shipment_may_leave(*, shipment: Shipment) -> None:
    """A leg is about to leave the store's hands (handed to its carrier, or out for pickup): raises
    ShipmentError, saying why, when the law wants a document the leg does not have (despatch: its
    guía de remisión, accepted by SUNAT). Called with the order and the leg locked."""


@port
def shipment_may_split(*, shipment: Shipment) -> None:
    """A leg not shipped yet is about to be split in two: raises ShipmentError, saying why, when a
    document already names its units as they are (despatch: its guía de remisión). Called with the
    order and the leg locked."""
