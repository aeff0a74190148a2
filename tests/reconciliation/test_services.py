"""The daily reconciliation against each gateway's own list, faked at the HTTP boundary with its real
shapes and paging: every kind of difference, the Lima day's edges, a gateway that is down, and running
a day again (idempotent, reviewed findings kept)."""

from datetime import date
from decimal import Decimal

import pytest
import requests

from payments.models import Payment, Provider
from reconciliation.models import Discrepancy, Run
from reconciliation.services import ReconciliationError, discrepancy_review, reconciliation_run
from tests.factories import UserFactory

from .gateway_fakes import CULQI_API, PAYPAL_API, STRIPE_API
from .store_rows import DAY, NOW, lima, store_payment, store_refund

pytestmark = pytest.mark.django_db
Kind = Discrepancy.Kind


def findings() -> dict[tuple[str, str], Discrepancy]:
    return {(row.kind, row.key): row for row in Discrepancy.objects.select_related("run")}


def test_stripe_each_kind_of_difference_is_one_finding_and_the_list_is_read_page_by_page(fake_stripe):
    matched = store_payment(Provider.STRIPE, "pi_matched", at=lima(20, 10))
    fake_stripe.charge("pi_matched", matched.amount, lima(20, 9, 59))
    fake_stripe.charge("pi_unknown", Decimal("59.90"), lima(20, 11))
    fake_stripe.charge("pi_declined", Decimal("30.00"), lima(20, 11, 30), status="failed")  # took nothing
    missing = store_payment(Provider.STRIPE, "pi_not_charged", at=lima(20, 12))
    differs = store_payment(Provider.STRIPE, "pi_differs", at=lima(20, 13))
    fake_stripe.charge("pi_differs", differs.amount - Decimal("10.00"), lima(20, 13))
    first = store_payment(Provider.STRIPE, "pi_first", at=lima(20, 14))
    store_payment(Provider.STRIPE, "pi_second", at=lima(20, 14, 5), order=first.order, status=Payment.Status.FAILED)
    fake_stripe.charge("pi_first", first.amount, lima(20, 14))
    fake_stripe.charge("pi_second", first.amount, lima(20, 14, 5))
    fake_stripe.refund("re_unknown", "pi_matched", Decimal("20.00"), lima(20, 15))
    kept = store_refund(matched, "re_not_made", Decimal("5.00"), at=lima(20, 16))
    done = store_refund(differs, "re_done", Decimal("7.00"), at=lima(20, 17))
    fake_stripe.refund("re_done", "pi_differs", Decimal("7.00"), lima(20, 17))

    outcome = reconciliation_run(day=DAY, now=NOW)

    assert outcome.failed == {} and outcome.run.gateways == {"stripe": ""}
    rows = findings()
    assert set(rows) == {
        (Kind.MISSING_IN_STORE, "pi_unknown"),
        (Kind.MISSING_AT_GATEWAY, f"payment:{missing.pk}"),
        (Kind.AMOUNT_DIFFERS, "pi_differs"),
        (Kind.PAID_TWICE, f"order:{first.order_id}"),
        (Kind.REFUND_MISSING_IN_STORE, "re_unknown"),
        (Kind.REFUND_MISSING_AT_GATEWAY, f"refund:{kept.pk}"),
    }
    assert outcome.open_findings == 6 and done.pk
    twice = rows[(Kind.PAID_TWICE, f"order:{first.order_id}")]
    assert twice.gateway_reference == "pi_first, pi_second" and twice.gateway_amount == first.amount * 2
    amount = rows[(Kind.AMOUNT_DIFFERS, "pi_differs")]
    assert (amount.gateway_amount, amount.store_amount, amount.order_id) == (
        differs.amount - Decimal("10.00"),
        differs.amount,
        differs.order_id,
    )
    assert rows[(Kind.MISSING_IN_STORE, "pi_unknown")].order_id is None
    assert rows[(Kind.REFUND_MISSING_IN_STORE, "re_unknown")].order_id == matched.order_id
    assert "no existe" in rows[(Kind.MISSING_AT_GATEWAY, f"payment:{missing.pk}")].detail.lower()
    # Six charges in the span, two a page: three pages; the two refunds one more.
    assert fake_stripe.pages_served == 4
    # Nothing was changed in the store.
    assert Payment.objects.get(pk=missing.pk).status == Payment.Status.SUCCEEDED


def test_a_payment_at_2350_lima_belongs_to_that_day_even_when_recorded_after_midnight(fake_stripe):
    late = store_payment(Provider.STRIPE, "pi_late", at=lima(21, 0, 5))  # the webhook came after midnight
    fake_stripe.charge("pi_late", late.amount, lima(20, 23, 50))  # 04:50 UTC on the 21st
    fake_stripe.charge("pi_lost", Decimal("80.00"), lima(20, 23, 50))
    fake_stripe.charge("pi_next_day", Decimal("45.00"), lima(21, 0, 0))

    reconciliation_run(day=DAY, now=NOW)
    reconciliation_run(day=date(2026, 11, 21), now=NOW)

    by_day = {(row.run.day, row.kind, row.key) for row in findings().values()}
    assert by_day == {
        (DAY, Kind.MISSING_IN_STORE, "pi_lost"),
        (date(2026, 11, 21), Kind.MISSING_IN_STORE, "pi_next_day"),
    }


def test_paypal_transaction_search_pages_and_its_refunds(fake_paypal):
    matched = store_payment(Provider.PAYPAL, "2GG279541U471931P", at=lima(20, 9))
    fake_paypal.capture("2GG279541U471931P", matched.amount, lima(20, 9), payment_id=matched.pk)
    # Captured at PayPal, but the store's attempt never heard (still pending with PayPal's order id).
    waiting = store_payment(Provider.PAYPAL, "5O190127TN364715T", at=lima(20, 10), status=Payment.Status.PENDING)
    fake_paypal.capture("8MC585209K746392H", waiting.amount, lima(20, 10), payment_id=waiting.pk)
    fake_paypal.capture("3C679366HH908993F", Decimal("99.00"), lima(20, 11), status="D")  # denied: no money
    fake_paypal.refund("1JU08902781691411", "2GG279541U471931P", Decimal("15.00"), lima(20, 12))
    store_refund(matched, "0NX47153WG0826741", Decimal("15.00"), at=lima(20, 12))
    fake_paypal.refund("0NX47153WG0826741", "2GG279541U471931P", Decimal("15.00"), lima(20, 12))

    outcome = reconciliation_run(day=DAY, now=NOW)

    rows = findings()
    assert set(rows) == {
        (Kind.MISSING_IN_STORE, "8MC585209K746392H"),
        (Kind.REFUND_MISSING_IN_STORE, "1JU08902781691411"),
    }
    assert rows[(Kind.MISSING_IN_STORE, "8MC585209K746392H")].order_id == waiting.order_id  # by its custom_id
    assert outcome.run.gateways == {"paypal": ""}
    assert fake_paypal.pages_served == 3  # five transactions, two a page


def test_mercadopago_search_by_creation_and_by_update_for_later_refunds(fake_mercadopago):
    matched = store_payment(Provider.MERCADOPAGO, "1319500012", at=lima(20, 9))
    fake_mercadopago.payment(1319500012, matched.amount, lima(20, 9), payment_id=matched.pk)
    fake_mercadopago.payment(1319500013, Decimal("35.00"), lima(20, 10), status="pending")  # a CIP not paid yet
    fake_mercadopago.payment(1319500014, Decimal("120.00"), lima(20, 11))
    # Paid days before, refunded on the day: only the search by date_last_updated finds it.
    older = store_payment(Provider.MERCADOPAGO, "1319400001", at=lima(17, 9))
    paid_before = fake_mercadopago.payment(1319400001, older.amount, lima(17, 9), payment_id=older.pk)
    fake_mercadopago.refund(paid_before, 2134500001, Decimal("25.00"), lima(20, 18))

    reconciliation_run(day=DAY, now=NOW)

    rows = findings()
    assert set(rows) == {(Kind.MISSING_IN_STORE, "1319500014"), (Kind.REFUND_MISSING_IN_STORE, "2134500001")}
    assert rows[(Kind.REFUND_MISSING_IN_STORE, "2134500001")].order_id == older.order_id
    assert set(fake_mercadopago.ranges_asked) == {"date_created", "date_last_updated"}


def test_a_gateway_down_is_reported_and_the_others_are_still_compared(fake_mercadopago, gateways_unset, gateway_http):
    gateways_unset.STRIPE_SECRET_KEY = "sk_test_kallpa"
    gateway_http.get(
        f"{STRIPE_API}/v1/charges", status=500, json={"error": {"type": "api_error", "message": "An unknown error"}}
    )
    fake_mercadopago.payment(1319500014, Decimal("120.00"), lima(20, 11))

    outcome = reconciliation_run(day=DAY, now=NOW)

    assert set(outcome.failed) == {"stripe"} and "APIError" in outcome.failed["stripe"]
    assert outcome.run.gateways["mpago"] == "" and outcome.run.failed_gateways == ["stripe"]
    assert set(findings()) == {(Kind.MISSING_IN_STORE, "1319500014")}


def test_a_day_run_again_keeps_one_row_per_finding_and_what_staff_reviewed(fake_stripe):
    fake_stripe.charge("pi_unknown", Decimal("59.90"), lima(20, 11))
    fake_stripe.charge("pi_reviewed", Decimal("10.00"), lima(20, 12))
    late = fake_stripe.charge("pi_late_webhook", Decimal("70.00"), lima(20, 13))
    reconciliation_run(day=DAY, now=NOW)
    assert len(findings()) == 3
    reviewed = findings()[(Kind.MISSING_IN_STORE, "pi_reviewed")]
    discrepancy_review(discrepancy_id=reviewed.pk, user=UserFactory(is_staff=True), note="Pago de prueba, devuelto.")

    reconciliation_run(day=DAY, now=NOW)
    assert len(findings()) == 3
    # The webhook arrives late: the store now has the payment, so that finding goes; the others stay.
    store_payment(Provider.STRIPE, late["payment_intent"], at=lima(21, 8), amount=Decimal("70.00"))
    outcome = reconciliation_run(day=DAY, now=NOW)

    rows = findings()
    assert set(rows) == {(Kind.MISSING_IN_STORE, "pi_unknown"), (Kind.MISSING_IN_STORE, "pi_reviewed")}
    kept = rows[(Kind.MISSING_IN_STORE, "pi_reviewed")]
    assert (kept.pk, kept.status, kept.review_note) == (reviewed.pk, "reviewed", "Pago de prueba, devuelto.")
    assert outcome.open_findings == 1
    assert Run.objects.get().times_run == 3


def test_without_gateways_a_run_is_recorded_with_nothing_to_compare(gateways_unset):
    outcome = reconciliation_run(day=DAY, now=NOW)
    assert outcome.run.gateways == {} and outcome.open_findings == 0 and outcome.run.times_run == 1


@pytest.mark.parametrize("day", [date(2026, 11, 22), date(2026, 11, 23)])
def test_today_and_future_days_are_refused(gateways_unset, day):
    with pytest.raises(ReconciliationError):
        reconciliation_run(day=day, now=NOW)
    assert not Run.objects.exists()


def test_a_review_needs_a_note_and_happens_once(fake_stripe):
    fake_stripe.charge("pi_unknown", Decimal("59.90"), lima(20, 11))
    reconciliation_run(day=DAY, now=NOW)
    row = Discrepancy.objects.get()
    staff = UserFactory(is_staff=True)
    with pytest.raises(ReconciliationError):
        discrepancy_review(discrepancy_id=row.pk, user=staff, note="   ")
    discrepancy_review(discrepancy_id=row.pk, user=staff, note="Cobro de otra tienda")
    with pytest.raises(ReconciliationError):
        discrepancy_review(discrepancy_id=row.pk, user=UserFactory(is_staff=True), note="otra nota")
    row.refresh_from_db()
    assert (row.status, row.reviewed_by, row.review_note) == ("reviewed", staff, "Cobro de otra tienda")
    assert row.history.count() == 2  # created, then reviewed: the audit trail


def test_culqi_charges_paid_cip_orders_and_refunds(fake_culqi):
    card = store_payment(Provider.CULQI, "chr_test_kallpa0000000001", at=lima(20, 9))
    fake_culqi.charge("chr_test_kallpa0000000001", card.amount, lima(20, 9), payment_id=card.pk)
    fake_culqi.charge("chr_test_kallpa0000000002", Decimal("45.00"), lima(20, 10), paid=False)  # declined
    yape = store_payment(Provider.CULQI, "chr_test_kallpa0000000003", at=lima(20, 11), status=Payment.Status.PENDING)
    fake_culqi.charge("chr_test_kallpa0000000003", yape.amount, lima(20, 11), payment_id=yape.pk)
    # A CIP made the day before and paid at an agent on the day; another paid but never heard of.
    cip = store_payment(Provider.CULQI, "ord_test_kallpa000000001", at=lima(20, 18))
    fake_culqi.paid_order("ord_test_kallpa000000001", cip.amount, lima(19, 20), lima(20, 17, 55), payment_id=cip.pk)
    fake_culqi.paid_order("ord_test_kallpa000000002", Decimal("88.00"), lima(20, 8), lima(20, 12))
    fake_culqi.refund("ref_test_kallpa000000001", "chr_test_kallpa0000000001", Decimal("10.00"), lima(20, 20))

    outcome = reconciliation_run(day=DAY, now=NOW)

    rows = findings()
    assert set(rows) == {
        (Kind.MISSING_IN_STORE, "chr_test_kallpa0000000003"),
        (Kind.MISSING_IN_STORE, "ord_test_kallpa000000002"),
        (Kind.REFUND_MISSING_IN_STORE, "ref_test_kallpa000000001"),
    }
    assert rows[(Kind.MISSING_IN_STORE, "chr_test_kallpa0000000003")].order_id == yape.order_id
    assert outcome.run.gateways == {"culqi": ""}
    assert fake_culqi.pages_served >= 4  # three charges two a page, then orders and refunds


def test_paypal_without_transaction_search_and_culqi_timing_out_are_reported(
    fake_mercadopago, gateways_unset, gateway_http
):
    gateways_unset.PAYPAL_CLIENT_ID, gateways_unset.PAYPAL_CLIENT_SECRET = "AKallpa-client-id", "EKallpa-secret"
    gateways_unset.CULQI_SECRET_KEY = "sk_test_kallpa0culqi0secret"
    gateway_http.post(
        f"{PAYPAL_API}/v1/oauth2/token",
        json={"access_token": "A21AAkallpa", "token_type": "Bearer", "expires_in": 32400},
    )
    # The REST app was not granted Transaction Search: PayPal's own 403.
    gateway_http.get(
        f"{PAYPAL_API}/v1/reporting/transactions",
        status=403,
        json={
            "name": "NOT_AUTHORIZED",
            "message": "Authorization failed due to insufficient permissions.",
            "debug_id": "f1d2c3b4a5e6",
            "details": [{"issue": "PERMISSION_DENIED", "description": "You do not have permission."}],
        },
    )
    gateway_http.get(f"{CULQI_API}/charges", body=requests.exceptions.ReadTimeout("timed out"))
    fake_mercadopago.payment(1319500014, Decimal("120.00"), lima(20, 11))

    outcome = reconciliation_run(day=DAY, now=NOW)

    assert set(outcome.failed) == {"paypal", "culqi"}
    assert "PERMISSION_DENIED" in outcome.failed["paypal"] and "CulqiError" in outcome.failed["culqi"]
    assert outcome.run.gateways["mpago"] == ""
    assert set(findings()) == {(Kind.MISSING_IN_STORE, "1319500014")}
