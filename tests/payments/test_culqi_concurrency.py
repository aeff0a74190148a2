"""Real threads against PostgreSQL: the shopper's card form submitted six times at once (a double
click, a nervous shopper) charges the card once — Culqi has no idempotency key, the attempt's claim
is what stops the second charge."""

import pytest
import responses
from django.db import connection
from django.test import Client
from django.urls import reverse

from orders.access import GUEST_ORDERS_SESSION_KEY
from orders.models import OrderStatus
from payments.models import Payment, PaymentMethod, Provider
from payments.services import payment_start
from tests.factories import make_guest_order as make_order
from tests.payments.culqi_helpers import API, PUBLIC_KEY, SECRET_KEY, TOKEN, WEBHOOK_SECRET, charge_json, token_json
from tests.threads import run_in_threads

SUBMITS = 6

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrency is checked on PostgreSQL (SQLite serialises writers)"
)


@pytest.mark.django_db(transaction=True)
def test_the_card_form_submitted_six_times_at_once_charges_once(settings, monkeypatch):
    settings.CULQI_PUBLIC_KEY, settings.CULQI_SECRET_KEY = PUBLIC_KEY, SECRET_KEY
    settings.CULQI_WEBHOOK_SECRET = WEBHOOK_SECRET
    from orders.tasks import send_order_email

    # Eager tasks from many threads share a process-wide flag (see tests/orders/test_concurrency.py).
    monkeypatch.setattr(send_order_email, "delay", lambda *args, **kwargs: None)
    method, _created = PaymentMethod.objects.get_or_create(
        code="culqi-tarjeta", defaults={"name": "Tarjeta", "provider": Provider.CULQI, "kind": "card"}
    )
    order = make_order()
    payment = payment_start(order=order, method=method)
    shopper = Client()
    session = shopper.session
    session[GUEST_ORDERS_SESSION_KEY] = [order.number]
    session.save()
    url = reverse("payments:culqi_card", args=[order.number])

    def submit(_index):
        browser = Client()
        browser.cookies = shopper.cookies
        return browser.post(url, {"token": TOKEN, "installments": "1"}).status_code

    with responses.RequestsMock(assert_all_requests_are_fired=False) as api:
        api.get(f"{API}/tokens/{TOKEN}", json=token_json())
        api.post(f"{API}/charges", json=charge_json(payment), status=201)
        results, errors = run_in_threads(submit, SUBMITS)
        charges = [call for call in api.calls if call.request.method == "POST"]
    assert errors == [] and results == [302] * SUBMITS
    assert len(charges) == 1
    payment.refresh_from_db()
    order.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED and order.status == OrderStatus.PAID
    assert Payment.objects.filter(order=order).count() == 1
