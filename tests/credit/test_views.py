"""The shopper's store credit page, the return form's choice and page, and staff's resolve page."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from credit.models import StoreCredit
from credit.services import store_credit_issue, store_credit_spend
from returns.models import ReturnRequest, ReturnStatus
from tests.factories import UserFactory, make_order, received_return

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(staff):
    client = Client()
    client.force_login(staff)
    return client


class TestCreditPage:
    def test_shows_balance_expiry_and_history(self, shopper, customer):
        credit = store_credit_issue(customer=customer, amount="80.00")
        order = make_order(customer=customer)
        store_credit_spend(credit_id=credit.pk, customer=customer, order=order, amount="30.00")
        body = shopper.get(reverse("credit:list")).content.decode()
        assert credit.number in body and order.number in body and "50.00" in body and "80.00" in body

    def test_another_customers_credit_is_not_shown(self, shopper):
        stranger = store_credit_issue(customer=UserFactory(), amount="80.00")
        assert stranger.number not in shopper.get(reverse("credit:list")).content.decode()

    def test_needs_sign_in(self, client):
        assert client.get(reverse("credit:list")).status_code == 302

    def test_query_count_is_flat(self, shopper, customer):
        counts = []
        for _ in range(2):
            for _index in range(1 if not counts else 19):
                credit = store_credit_issue(customer=customer, amount="20.00")
                store_credit_spend(
                    credit_id=credit.pk, customer=customer, order=make_order(customer=customer), amount="5.00"
                )
            shopper.get(reverse("credit:list"))  # the layout's kept reads (the footer's payment methods) warm
            with CaptureQueriesContext(connection) as captured:
                assert shopper.get(reverse("credit:list")).status_code == 200
            counts.append(len(captured.captured_queries))
        assert StoreCredit.objects.count() == 20 and counts[0] == counts[1]


class TestReturnPages:
    def test_the_form_records_the_customers_choice(self, shopper, gateway_order):
        url = reverse("returns:create", args=[gateway_order.number])
        body = shopper.get(url).content.decode()
        key = body.split('name="key" value="')[1][:32]
        line = gateway_order.lines.get(sku="POLO-M")
        shopper.post(
            url,
            {
                "key": key,
                f"line_{line.pk}_quantity": 1,
                f"line_{line.pk}_reason": "wrong_size",
                f"line_{line.pk}_condition": "new",
                "resolution": "credit",
            },
        )
        assert ReturnRequest.objects.get().resolution == "credit"

    def test_a_tampered_choice_is_refused(self, shopper, gateway_order):
        url = reverse("returns:create", args=[gateway_order.number])
        key = shopper.get(url).content.decode().split('name="key" value="')[1][:32]
        line = gateway_order.lines.get(sku="POLO-M")
        response = shopper.post(
            url,
            {
                "key": key,
                f"line_{line.pk}_quantity": 1,
                f"line_{line.pk}_reason": "wrong_size",
                f"line_{line.pk}_condition": "new",
                "resolution": "cash",
            },
        )
        assert response.status_code == 400 and not ReturnRequest.objects.exists()

    def test_the_return_page_shows_its_resolution(self, shopper, gateway_order, staff, warehouse):
        from returns.services import return_resolve

        request = received_return(gateway_order, staff, warehouse)
        return_resolve(request=request, actor=staff)
        body = shopper.get(request.get_absolute_url()).content.decode()
        assert StoreCredit.objects.get().number in body and "57.49" in body

    def test_another_customers_return_is_404(self, gateway_order, staff, warehouse):
        request = received_return(gateway_order, staff, warehouse)
        other = Client()
        other.force_login(UserFactory())
        assert other.get(request.get_absolute_url()).status_code == 404


class TestAdminResolve:
    def test_resolve_page_shows_the_amount_and_resolves(self, staff_client, gateway_order, staff, warehouse):
        request = received_return(gateway_order, staff, warehouse)
        url = reverse("admin:returns_returnrequest_resolve", args=[request.pk])
        assert "57.49" in staff_client.get(url).content.decode()
        response = staff_client.post(url, {"resolution": "credit", "note": "Caja intacta"})
        assert response.status_code == 302
        request.refresh_from_db()
        assert request.status == ReturnStatus.RESOLVED and StoreCredit.objects.get().amount == Decimal("57.49")

    def test_resolving_again_from_a_stale_page_writes_nothing(self, staff_client, gateway_order, staff, warehouse):
        request = received_return(gateway_order, staff, warehouse)
        url = reverse("admin:returns_returnrequest_resolve", args=[request.pk])
        staff_client.post(url, {"resolution": "credit"})
        response = staff_client.post(url, {"resolution": "credit"})
        assert response.status_code == 302 and StoreCredit.objects.count() == 1

    def test_unknown_id_is_404(self, staff_client):
        assert staff_client.get(reverse("admin:returns_returnrequest_resolve", args=[999999])).status_code == 404

    def test_credit_admin_lists_credit_and_its_ledger(self, staff_client, customer):
        credit = store_credit_issue(customer=customer, amount="80.00")
        assert credit.number in staff_client.get(reverse("admin:credit_storecredit_changelist")).content.decode()
        assert staff_client.get(reverse("admin:credit_storecredit_change", args=[credit.pk])).status_code == 200
