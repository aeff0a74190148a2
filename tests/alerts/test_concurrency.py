"""Two stock receipts landing at the same moment (real threads, PostgreSQL): every waiting customer_who_left_a_cart
gets exactly one e-mail, and never more of them than the units that came back."""

import pytest
from django.core import mail
from django.db import connection

from alerts import services
from alerts.models import StockAlert
from inventory.services import stock_receive
from tests.factories import UserFactory
from tests.threads import run_in_threads

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are checked on PostgreSQL"),
]


def _waiting(variant, count: int) -> list[str]:
    emails = [f"espera{i}@example.pe" for i in range(count)]
    for email in emails:
        services.stock_alert_request(variant_id=variant.pk, email=email, user=UserFactory(email=email))
    return emails


def _receive_together(variant, warehouse, quantities: list[int]) -> None:
    results, errors = run_in_threads(
        lambda index: stock_receive(variant=variant, warehouse=warehouse, quantity=quantities[index]), len(quantities)
    )
    assert errors == []


def test_enough_units_everyone_is_told_exactly_once(sold_out, warehouse):
    emails = _waiting(sold_out, 4)
    _receive_together(sold_out, warehouse, [3, 3])
    assert sorted(message.to[0] for message in mail.outbox) == sorted(emails)
    assert StockAlert.objects.filter(notified_at__isnull=True).count() == 0


def test_fewer_units_than_shoppers_no_more_emails_than_units(sold_out, warehouse):
    emails = _waiting(sold_out, 5)
    _receive_together(sold_out, warehouse, [1, 1])
    told = [message.to[0] for message in mail.outbox]
    assert sorted(told) == emails[:2]  # the first two who asked, once each
    assert StockAlert.objects.filter(notified_at__isnull=False).count() == 2
