"""manage.py payments_reconcile (exit codes as the other commands: 1 and a message for a bad or future
date, a gateway that failed, or findings left to review) and the daily job (beat and the in-process
scheduler of `make run`, where no gateway is configured: a run with nothing to compare)."""

from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.utils import timezone

from reconciliation import tasks
from reconciliation.models import Discrepancy, Run
from reconciliation.selectors import reconciliation_due_days

from .gateway_fakes import STRIPE_API
from .store_rows import DAY, NOW, lima

pytestmark = pytest.mark.django_db


def reconcile(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("payments_reconcile", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.parametrize("value", ["2026-13-01", "ayer", "20/11/2026", " "])
def test_a_bad_date_exits_1_with_a_message_and_records_nothing(gateways_unset, value):
    with pytest.raises(CommandError, match="AAAA-MM-DD") as error:
        reconcile("--date", value)
    assert error.value.returncode == 1 and not Run.objects.exists()


@pytest.mark.parametrize("days_ahead", [0, 1, 365])
def test_today_or_a_future_date_exits_1(gateways_unset, days_ahead):
    day = timezone.localdate() + timedelta(days=days_ahead)
    with pytest.raises(CommandError, match="aún no termina"):
        reconcile("--date", day.isoformat())
    assert not Run.objects.exists()


def test_without_gateways_the_day_is_recorded_and_the_command_exits_0(gateways_unset):
    out, err = reconcile("--date", DAY.isoformat())
    assert "2026-11-20" in out and "0 diferencias abiertas" in out and err == ""
    assert Run.objects.get(day=DAY).gateways == {}


def test_yesterday_by_default(gateways_unset):
    reconcile()
    assert Run.objects.get().day == timezone.localdate() - timedelta(days=1)


def test_findings_are_listed_and_exit_1(fake_stripe):
    fake_stripe.charge("pi_unknown", Decimal("59.90"), lima(20, 11))
    with pytest.raises(CommandError, match="1 diferencias por revisar") as error:
        reconcile("--date", DAY.isoformat())
    assert error.value.returncode == 1
    assert Discrepancy.objects.get().gateway_reference == "pi_unknown"


def test_a_gateway_that_fails_is_reported_the_others_compared_and_exit_1(
    fake_mercadopago, gateways_unset, gateway_http
):
    gateways_unset.STRIPE_SECRET_KEY = "sk_test_kallpa"
    gateway_http.get(f"{STRIPE_API}/v1/charges", status=503, body="upstream connect error")
    err = StringIO()
    with pytest.raises(CommandError, match="stripe") as error:
        call_command("payments_reconcile", "--date", DAY.isoformat(), stdout=StringIO(), stderr=err)
    assert error.value.returncode == 1
    assert "No se pudo leer stripe" in err.getvalue()
    assert Run.objects.get().gateways["mpago"] == ""


def test_the_job_is_in_beat_and_runs_yesterday_once_from_its_hour(gateways_unset):
    entry = django_settings.CELERY_BEAT_SCHEDULE["reconciliation-daily"]
    assert entry["task"] == "reconciliation.tasks.reconcile_due_days"
    assert reconciliation_due_days(now=NOW.replace(hour=5, minute=59)) == []
    assert reconciliation_due_days(now=NOW.replace(hour=6)) == [NOW.date() - timedelta(days=1)]
    gateways_unset.RECONCILIATION_HOUR = 0
    assert tasks.reconcile_due_days() == 1
    assert tasks.reconcile_due_days() == 0  # done for the day
    assert Run.objects.get().day == timezone.localdate() - timedelta(days=1)


def test_the_job_tries_a_failed_gateway_again_an_hour_later(gateways_unset):
    yesterday = NOW.date() - timedelta(days=1)
    run = Run.objects.create(day=yesterday, gateways={"stripe": "APIError: 500", "mpago": ""}, finished_at=NOW)
    assert reconciliation_due_days(now=NOW + timedelta(minutes=59)) == []
    assert reconciliation_due_days(now=NOW + timedelta(hours=1)) == [yesterday]
    Run.objects.filter(pk=run.pk).update(gateways={"stripe": "", "mpago": ""})
    assert reconciliation_due_days(now=NOW + timedelta(hours=5)) == []
