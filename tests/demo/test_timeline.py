"""The demo shows a rich order timeline: the demo customer's refunded-return order, with a staff
note for the team and one for the customer, added once."""

import pytest

from orders import ports
from orders.models import OrderNote
from orders.timeline import Audience

pytestmark = pytest.mark.django_db


def test_the_demo_order_timeline_is_rich_and_its_notes_load_once():
    from demo.catalog.loader import load_demo_catalog
    from demo.inventory import load_demo_inventory
    from demo.management.commands.demo_data import (
        DEMO_STEPS,
        ensure_demo_customer,
        ensure_demo_order_notes,
        ensure_demo_receipts,
        ensure_demo_returns,
    )
    from demo.returns import load_demo_returns
    from demo.shipping import load_demo_orders, load_demo_shipping
    from demo.timeline import load_demo_order_notes

    assert DEMO_STEPS.index(ensure_demo_order_notes) == DEMO_STEPS.index(ensure_demo_returns) + 1
    ensure_demo_customer({})
    load_demo_catalog(products=60, seed=7, progress=False)
    load_demo_inventory(progress=False)
    load_demo_shipping()
    load_demo_orders()
    load_demo_returns()
    order = load_demo_order_notes()
    ensure_demo_receipts()

    kinds = {event.kind for event in ports.order_timeline(order=order, audience=Audience.STAFF)}
    assert {"order", "payment", "shipment", "return", "refund", "receipt", "note"} <= kinds
    shopper = [(e.kind, e.title) for e in ports.order_timeline(order=order, audience=Audience.CUSTOMER)]
    assert [title for kind, title in shopper if kind == "note"] == ["Nota de la tienda"]
    assert load_demo_order_notes() == order and OrderNote.objects.filter(order=order).count() == 2
