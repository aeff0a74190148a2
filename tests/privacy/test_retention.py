"""Retention terms (Ley 29733: nothing kept longer than needed): the nightly job and its command
drop abandoned carts' records, old cart reminders, gateway logs and webhook bodies, and consents'
IP addresses past their terms (site settings), and say how much went."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from alerts.models import CartReminder
from cart.models import CartClient, CartContact
from legal.models import Consent
from legal.services import consent_record
from payments.gateway_log import gateway_log_write
from payments.models import GatewayLogEntry, WebhookEvent
from privacy.tasks import apply_retention

pytestmark = pytest.mark.django_db


def _aged(model, pk, field, days):
    # auto_now fields and append-only rows: their age is set past save() and the append-only guard.
    from django.db.models import QuerySet

    QuerySet.update(model.objects.filter(pk=pk), **{field: timezone.now() - timedelta(days=days)})


@pytest.fixture
def records():
    old_client = CartClient.objects.create(cart_key="guest-old", ip="190.1.1.1", device="d1")
    CartClient.objects.create(cart_key="guest-new", ip="190.1.1.2", device="d2")
    _aged(CartClient, old_client.pk, "seen_at", 31)
    old_contact = CartContact.objects.create(cart_key="guest-old", email="vieja@example.pe")
    _aged(CartContact, old_contact.pk, "updated_at", 31)
    CartReminder.objects.create(cart_key="guest-x", email="a@example.pe", sent_at=timezone.now() - timedelta(days=91))
    CartReminder.objects.create(cart_key="guest-y", email="b@example.pe")
    gateway_log_write(provider="stripe", direction="request", kind="checkout", body={"email": "a@example.pe"})
    gateway_log_write(provider="stripe", direction="response", kind="checkout", body={"id": "cs_1"})
    first = GatewayLogEntry.objects.order_by("pk").first()
    _aged(GatewayLogEntry, first.pk, "created_at", 401)
    long_ago = timezone.now() - timedelta(days=401)
    WebhookEvent.objects.create(
        provider="stripe",
        event_id="evt_old",
        payload={"payer": "a@example.pe"},
        raw_body="{}",
        status=WebhookEvent.Status.PROCESSED,
        received_at=long_ago,
    )
    WebhookEvent.objects.create(
        provider="stripe",
        event_id="evt_owed",
        payload={"payer": "b@example.pe"},
        raw_body="{}",
        status=WebhookEvent.Status.RECEIVED,
        received_at=long_ago,
    )
    from tests.factories import publish

    publish()
    old, new = (consent_record(email=f"c{n}@example.pe", source="checkout", ip=f"190.2.2.{n}")[0] for n in (1, 2))
    _aged(Consent, old.pk, "created_at", 366)
    return old, new


def test_the_job_drops_what_is_past_its_term_and_keeps_the_rest(records):
    old_consent, new_consent = records
    dropped = apply_retention()
    assert dropped == {
        "cart_records": 2,
        "cart_reminders": 1,
        "gateway_log_entries": 1,
        "webhook_bodies": 1,
        "consent_ips": 1,
    }
    assert list(CartClient.objects.values_list("cart_key", flat=True)) == ["guest-new"]
    assert not CartContact.objects.exists()
    assert list(CartReminder.objects.values_list("cart_key", flat=True)) == ["guest-y"]
    assert list(GatewayLogEntry.objects.values_list("kind", "direction")) == [("checkout", "response")]
    assert WebhookEvent.objects.get(event_id="evt_old").payload == {}  # the row stays: a replay is still refused
    assert WebhookEvent.objects.get(event_id="evt_owed").payload  # still owed work: kept whole
    assert Consent.objects.get(pk=old_consent.pk).ip_address is None
    assert Consent.objects.get(pk=new_consent.pk).ip_address == "190.2.2.2"
    assert Consent.objects.count() == 2  # the consents themselves stay
    assert apply_retention() == dict.fromkeys(dropped, 0)  # a second run finds nothing more


def test_the_terms_are_site_settings(records):
    from constance.test import override_config

    with override_config(RETENTION_CART_RECORDS_DAYS=60, RETENTION_GATEWAY_LOG_DAYS=500):
        dropped = apply_retention()
    assert dropped["cart_records"] == 0 and dropped["gateway_log_entries"] == 0 and dropped["consent_ips"] == 1


def test_the_command_prints_what_it_dropped_in_spanish(records):
    out = StringIO()
    call_command("privacy_retention", stdout=out)
    text = out.getvalue()
    assert "Registros de las pasarelas de pago" in text and "Eliminados" in text
    out = StringIO()
    call_command("privacy_retention", "--format", "json", stdout=out)
    assert {row["kind"]: row["dropped"] for row in json.loads(out.getvalue())}["consent_ips"] == 0


def test_the_job_runs_every_night():
    entry = settings.CELERY_BEAT_SCHEDULE["privacy-retention"]
    assert entry["task"] == "privacy.tasks.apply_retention" == apply_retention.name
