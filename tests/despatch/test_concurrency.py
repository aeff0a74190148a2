"""Real threads on PostgreSQL: staff issuing the guía of one leg at once get one guía (the others are
told it exists); guías of many legs issued at once take gapless, unique numbers."""

import pytest
from django.db import connection

from despatch import services, tasks
from despatch.models import DespatchAdvice
from tests.factories import line_for, paid_order, stock
from tests.threads import run_in_threads

THREADS = 8

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="concurrency is checked on PostgreSQL (SQLite serialises writers)"
    ),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def _no_send(monkeypatch):
    """Sending is not the point (and eager Celery from many threads trips its process-wide flags)."""
    monkeypatch.setattr(tasks.send_guia, "delay", lambda *a: None)


def test_many_staff_issuing_one_legs_guia_make_one(gre_store, by_carrier):
    def issue(_index):
        try:
            return services.guia_issue_for_shipment(shipment_id=gre_store.leg.pk, transport=by_carrier).pk
        except services.DespatchError:
            return None

    results, errors = run_in_threads(issue, THREADS)
    assert errors == []
    assert len({pk for pk in results if pk}) == 1 and DespatchAdvice.objects.count() == 1


def test_guias_of_many_legs_at_once_take_gapless_numbers(gre_store, by_own_vehicle):
    stock(gre_store.variant, gre_store.central, THREADS * 2)
    legs = [gre_store.leg] + [
        paid_order(lines=[line_for(gre_store.variant)]).shipments.get() for _ in range(THREADS - 1)
    ]
    for leg in legs[1:]:
        leg.order.__class__.objects.filter(pk=leg.order_id).update(
            customer_document="45678912", customer_document_type="dni"
        )
    results, errors = run_in_threads(
        lambda i: services.guia_issue_for_shipment(shipment_id=legs[i].pk, transport=by_own_vehicle).number, THREADS
    )
    assert errors == []
    assert sorted(results) == list(range(1, THREADS + 1))
