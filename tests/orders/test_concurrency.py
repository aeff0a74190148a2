"""Real threads against the real database: order numbers and idempotency keys under load."""

import re
from decimal import Decimal

import pytest
from django.db import connection

from orders.models import Order
from tests.factories import ProductFactory, VariantFactory, line_for, make_order
from tests.threads import run_in_threads

THREADS = 30
NUMBER = re.compile(r"^PED-\d{8}-\d{4,}$")

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrency is checked on PostgreSQL (SQLite serialises writers)"
)


@pytest.fixture(autouse=True)
def _no_eager_tasks_in_threads(monkeypatch):
    """Eager Celery tasks flip a process-wide "inside a task" flag; run from 30 threads at once
    they can leave it set and break later result.get() calls. These tests are about numbers
    and keys, so the confirmation e-mail is not enqueued here."""
    from orders.tasks import send_order_email

    monkeypatch.setattr(send_order_email, "delay", lambda *args, **kwargs: None)


@pytest.mark.django_db(transaction=True)
def test_concurrent_checkouts_get_unique_well_formed_numbers():
    variant = VariantFactory(product=ProductFactory(base_price=Decimal("49.90")))
    lines = [line_for(variant, quantity=1)]

    results, errors = run_in_threads(lambda i: make_order(email=f"c{i}@example.pe", lines=lines).number, THREADS)

    assert errors == []
    assert len(results) == THREADS
    assert len(set(results)) == THREADS
    assert all(NUMBER.match(number) for number in results)
    assert Order.objects.count() == THREADS


@pytest.mark.django_db(transaction=True)
def test_concurrent_replays_of_one_idempotency_key_make_one_order():
    variant = VariantFactory(product=ProductFactory(base_price=Decimal("49.90")))
    lines = [line_for(variant, quantity=1)]

    results, errors = run_in_threads(
        lambda i: make_order(email="una@example.pe", lines=lines, idempotency_key="checkout-123").pk, THREADS
    )

    assert errors == []
    assert len(results) == THREADS and len(set(results)) == 1
    assert Order.objects.count() == 1
    assert Order.objects.get().lines.count() == 1
