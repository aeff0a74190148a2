"""Real threads against PostgreSQL: the same day reconciled by two runs at once (beat and an
operator's command) ends with one run row and one row per finding, none lost, none twice."""

from decimal import Decimal

import pytest
from django.db import connection

from payments.models import Provider
from reconciliation.models import Discrepancy, Run
from reconciliation.services import reconciliation_run
from tests.threads import run_in_threads

from .store_rows import DAY, NOW, lima, store_payment

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrency is checked on PostgreSQL (SQLite serialises writers)"
)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("runs", [2, 4])
def test_runs_of_the_same_day_at_once_leave_one_row_per_finding(fake_stripe, runs):
    fake_stripe.charge("pi_unknown", Decimal("59.90"), lima(20, 11))
    fake_stripe.charge("pi_other", Decimal("12.00"), lima(20, 12))
    missing = store_payment(Provider.STRIPE, "pi_not_charged", at=lima(20, 13))

    results, errors = run_in_threads(lambda index: reconciliation_run(day=DAY, now=NOW).open_findings, runs)

    assert errors == [] and len(results) == runs
    assert Run.objects.get(day=DAY).times_run == runs
    assert sorted(Discrepancy.objects.values_list("key", flat=True)) == sorted(
        ["pi_unknown", "pi_other", f"payment:{missing.pk}"]
    )
    assert set(results) == {3}
