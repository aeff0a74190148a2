import pytest
from django.core import mail

from alerts.models import CartReminder, StockAlert
from alerts.selectors import demand_per_variant

pytestmark = pytest.mark.django_db


def test_demo_alerts_wait_on_sold_out_sizes_and_a_cart_is_recovered_once(settings):
    from demo.alerts import ensure_demo_alerts
    from demo.catalog.loader import load_demo_catalog
    from demo.inventory import load_demo_inventory
    from demo.management.commands.demo_data import DEMO_STEPS, ensure_demo_customer, ensure_demo_receipts

    assert DEMO_STEPS.index(ensure_demo_alerts) == DEMO_STEPS.index(ensure_demo_receipts) - 1
    ensure_demo_customer({})
    load_demo_catalog(products=60, seed=7, progress=False)
    load_demo_inventory(progress=False)

    ensure_demo_alerts()
    demand = list(demand_per_variant())
    assert demand and all(row.waiting >= 1 for row in demand)
    assert StockAlert.objects.filter(status=StockAlert.Status.PENDING).count() == 1  # the guest, to confirm
    reminder = CartReminder.objects.get()
    assert reminder.email == "cliente@kallpa.pe" and reminder.recovered_at is not None
    counts = (StockAlert.objects.count(), CartReminder.objects.count(), len(mail.outbox))
    ensure_demo_alerts()
    assert (StockAlert.objects.count(), CartReminder.objects.count(), len(mail.outbox)) == counts
