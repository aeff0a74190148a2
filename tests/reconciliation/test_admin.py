"""The findings in the admin: flat lists, a link to each order, Spanish, only for staff allowed to see
them (sellers never), and the one write: marking a finding reviewed with a note."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role, roles_sync
from accounts.services import user_add_role
from reconciliation.models import Discrepancy, Run
from tests.factories import UserFactory, make_guest_order

from .store_rows import DAY

pytestmark = pytest.mark.django_db
FINDINGS = reverse("admin:reconciliation_discrepancy_changelist")
RUNS = reverse("admin:reconciliation_run_changelist")
Kind = Discrepancy.Kind


def finding(run: Run, number: int, *, kind=Kind.MISSING_IN_STORE) -> Discrepancy:
    return Discrepancy.objects.create(
        run=run,
        provider="stripe",
        kind=kind,
        key=f"pi_{number}",
        order=make_guest_order(),
        gateway_reference=f"pi_{number}",
        gateway_amount=Decimal("59.90"),
        detail="Ningún pago de la tienda tiene esta referencia.",
    )


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_findings_and_runs_lists_are_flat(admin_client, django_assert_num_queries):
    run = Run.objects.create(day=DAY, gateways={"stripe": ""}, times_run=1)
    first = finding(run, 1)
    one_finding = _queries(admin_client, FINDINGS)
    one_run = _queries(admin_client, RUNS)
    for number in range(2, 7):
        finding(run, number, kind=Kind.PAID_TWICE if number % 2 else Kind.AMOUNT_DIFFERS)
    Run.objects.create(day=DAY.replace(day=19), gateways={"stripe": "", "paypal": "PayPalError: 503"})
    with django_assert_num_queries(one_finding):
        page = admin_client.get(FINDINGS).content.decode()
    with django_assert_num_queries(one_run):
        runs = admin_client.get(RUNS).content.decode()
    assert page.count("pi_") >= 6
    assert reverse("admin:orders_order_change", args=[first.order_id]) in page and first.order.number in page
    assert "Cobrado en la pasarela, no en la tienda" in page and "Pagado dos veces" in page
    assert "Diferencias de pagos" in page or "diferencias de pagos" in page
    assert "PayPalError: 503" in runs


def test_sellers_and_staff_without_the_permission_never_see_it(sellers):
    own, _other = sellers
    support = UserFactory(is_staff=True)
    roles_sync()
    user_add_role(user=support, role=Role.SUPPORT)
    run = Run.objects.create(day=DAY)
    row = finding(run, 1)
    for user in (own.user, support):
        client = Client()
        client.force_login(user)
        for url in (FINDINGS, RUNS, reverse("admin:reconciliation_discrepancy_change", args=[row.pk])):
            assert client.get(url).status_code == 403
        assert "reconciliation" not in client.get(reverse("admin:index")).content.decode()
        posted = client.post(reverse("admin:reconciliation_discrepancy_change", args=[row.pk]), {"review_note": "x"})
        assert posted.status_code == 403
    row.refresh_from_db()
    assert row.status == Discrepancy.Status.OPEN


def test_staff_mark_a_finding_reviewed_with_a_note_once(admin_client, admin_user):
    row = finding(Run.objects.create(day=DAY), 1)
    url = reverse("admin:reconciliation_discrepancy_change", args=[row.pk])
    page = admin_client.get(url).content.decode()
    assert 'name="review_note"' in page and "nota de revisión" in page

    refused = admin_client.post(url, {"review_note": "   "})
    assert refused.status_code == 200 and "obligatorio" in refused.content.decode()
    row.refresh_from_db()
    assert row.status == Discrepancy.Status.OPEN

    done = admin_client.post(url, {"review_note": "Cobro duplicado; reembolsado desde el panel de Stripe."})
    assert done.status_code == 302
    row.refresh_from_db()
    assert (row.status, row.reviewed_by, row.review_note) == (
        Discrepancy.Status.REVIEWED,
        admin_user,
        "Cobro duplicado; reembolsado desde el panel de Stripe.",
    )
    assert row.reviewed_at is not None and row.history.count() == 2
    # Reviewed is final: the page shows the note read-only; a replayed or tampered post changes nothing.
    page = admin_client.get(url).content.decode()
    assert 'name="review_note"' not in page and "reembolsado desde el panel" in page
    assert admin_client.post(url, {"review_note": "otra cosa"}).status_code == 403
    row.refresh_from_db()
    assert row.review_note.startswith("Cobro duplicado")


def test_unknown_ids_are_not_found(admin_client):
    url = reverse("admin:reconciliation_discrepancy_change", args=[999999])
    assert admin_client.get(url).status_code in (302, 404)
    assert admin_client.post(url, {"review_note": "x"}).status_code in (302, 404)
    assert not Discrepancy.objects.exists()


def test_nothing_is_added_or_deleted_by_hand(admin_client):
    row = finding(Run.objects.create(day=DAY), 1)
    assert admin_client.get(reverse("admin:reconciliation_discrepancy_add")).status_code == 403
    assert (
        admin_client.post(
            reverse("admin:reconciliation_discrepancy_delete", args=[row.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert Discrepancy.objects.filter(pk=row.pk).exists()


def test_a_tampered_review_sets_only_the_note(admin_client, admin_user):
    row = finding(Run.objects.create(day=DAY), 1)
    other = UserFactory(is_staff=True)
    url = reverse("admin:reconciliation_discrepancy_change", args=[row.pk])
    admin_client.post(
        url,
        {
            "review_note": "Revisado",
            "status": "open",
            "reviewed_by": other.pk,
            "gateway_amount": "1.00",
            "kind": Kind.PAID_TWICE,
            "order": "",
        },
    )
    row.refresh_from_db()
    assert (row.status, row.reviewed_by, row.gateway_amount, row.kind, row.order_id) == (
        Discrepancy.Status.REVIEWED,
        admin_user,
        Decimal("59.90"),
        Kind.MISSING_IN_STORE,
        row.order_id,
    )
    assert row.order_id is not None


def test_staff_reconcile_days_again_from_the_runs_list(
    admin_client, gateways_unset, django_capture_on_commit_callbacks
):
    runs = [Run.objects.create(day=DAY), Run.objects.create(day=DAY.replace(day=19))]
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            RUNS, {"action": "reconcile_again", "_selected_action": [run.pk for run in runs]}, follow=True
        )
    assert "Conciliando de nuevo 2 días" in response.content.decode()
    assert sorted(Run.objects.values_list("times_run", flat=True)) == [1, 1]  # the tasks ran (eagerly)
