import pytest
from django.apps import apps
from django.db import models
from django.utils import timezone

from credit.models import CreditUse, StoreCredit
from demo.returns import load_demo_returns
from inventory.models import Movement
from orders.models import Order, PaymentStatus
from payments.models import Refund
from returns.models import ReturnRequest, ReturnStatus, ReturnStatusChange
from tests.factories import ledger_mismatches

pytestmark = pytest.mark.django_db

# Dates that are about the future by nature (windows, deadlines, holds, launches).
FUTURE_BY_NATURE = (
    "ends",
    "starts",
    "expires",
    "until",
    "deadline",
    "ship_by",
    "reveal",
    "launch",
    "due",
    "next",
    "retry",
    "lapse",
    "valid",
    "estimated",
)


def dated_in_the_future() -> list[str]:
    """Every demo row dated after now (or on a later day in Lima than today), as "model.field: count"."""
    now = timezone.now()
    found = []
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if not isinstance(field, (models.DateTimeField, models.DateField)) or not field.concrete:
                continue
            if any(word in field.name for word in FUTURE_BY_NATURE):
                continue
            limit = timezone.localdate(now) if not isinstance(field, models.DateTimeField) else now
            count = model._default_manager.filter(**{f"{field.name}__gt": limit}).count()
            if count:
                found.append(f"{model._meta.label}.{field.name}: {count}")
    return found


def test_demo_returns_in_several_states_through_the_services_and_load_once(settings):
    from demo.catalog.loader import load_demo_catalog
    from demo.inventory import load_demo_inventory
    from demo.management.commands.demo_data import (
        DEMO_STEPS,
        ensure_demo_customer,
        ensure_demo_orders,
        ensure_demo_returns,
    )
    from demo.shipping import load_demo_orders, load_demo_shipping

    assert DEMO_STEPS.index(ensure_demo_returns) == DEMO_STEPS.index(ensure_demo_orders) + 1
    ensure_demo_customer({})
    load_demo_catalog(products=60, seed=7, progress=False)
    load_demo_inventory(progress=False)
    load_demo_shipping()
    load_demo_orders()

    numbers = load_demo_returns()
    assert len(numbers) == 4
    statuses = dict(ReturnRequest.objects.values_list("idempotency_key", "status"))
    assert statuses == {
        "demo-devolucion-1": ReturnStatus.REJECTED,
        "demo-devolucion-2": ReturnStatus.RESOLVED,
        "demo-devolucion-3": ReturnStatus.RESOLVED,
        "demo-devolucion-4": ReturnStatus.APPROVED,
    }
    resolutions = dict(
        ReturnRequest.objects.filter(status=ReturnStatus.RESOLVED).values_list("idempotency_key", "resolution")
    )
    assert resolutions == {"demo-devolucion-2": "credit", "demo-devolucion-3": "refund"}
    refund = Refund.objects.get(idempotency_key__startswith="return-")
    assert refund.status == Refund.Status.SUCCEEDED
    credit = StoreCredit.objects.get(return_request__idempotency_key="demo-devolucion-2")
    assert credit.customer.email == "cliente@kallpa.pe" and 0 < credit.balance < credit.amount
    spent_on = Order.objects.get(credit_uses__credit=credit)
    assert spent_on.payment_status == PaymentStatus.PAID  # the rest through the test gateway
    assert Movement.objects.filter(kind=Movement.Kind.RETURN).count() == 2
    assert ledger_mismatches() == []
    assert dated_in_the_future() == []
    changes = ReturnStatusChange.objects.count()

    assert load_demo_returns() == numbers
    assert ReturnRequest.objects.count() == 4 and ReturnStatusChange.objects.count() == changes
    assert Movement.objects.filter(kind=Movement.Kind.RETURN).count() == 2
    assert StoreCredit.objects.count() == 1 and CreditUse.objects.count() == 1 and Refund.objects.count() == 1
