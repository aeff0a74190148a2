import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inventory.models import Movement, StockLevel
from returns import services
from returns.models import ReturnStatus
from returns.services import ReturnLineData
from tests.factories import many_requests
from tests.harness import shared_by_module

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:returns_returnrequest_changelist")


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@shared_by_module
def requested(delivered_order):
    polo = delivered_order.lines.get(sku="POLO-M")
    return services.return_request_create(
        order=delivered_order,
        lines=[ReturnLineData(order_line_id=polo.pk, quantity=1, reason="wrong_size", declared_condition="new")],
        actor=delivered_order.customer,
    )


def act(client, action, request, **extra):
    return client.post(CHANGELIST, {"action": action, "_selected_action": [request.pk], **extra})


class TestApproveReject:
    def test_approve_asks_then_approves_with_message(self, staff_client, requested, staff):
        response = act(staff_client, "approve", requested)
        assert response.status_code == 200 and requested.number in response.content.decode()
        requested.refresh_from_db()
        assert requested.status == ReturnStatus.REQUESTED
        response = act(staff_client, "approve", requested, apply="1", message="Déjalo en Av. Larco 345")
        assert response.status_code == 302
        requested.refresh_from_db()
        assert requested.status == ReturnStatus.APPROVED and requested.customer_message == "Déjalo en Av. Larco 345"
        assert requested.status_changes.last().actor == staff

    def test_reject_without_message_is_refused(self, staff_client, requested):
        response = act(staff_client, "reject", requested, apply="1", message="")
        assert response.status_code == 200
        requested.refresh_from_db()
        assert requested.status == ReturnStatus.REQUESTED
        act(staff_client, "reject", requested, apply="1", message="El producto fue usado")
        requested.refresh_from_db()
        assert requested.status == ReturnStatus.REJECTED and requested.customer_message == "El producto fue usado"

    def test_change_page_shows_lines_and_history(self, staff_client, requested):
        response = staff_client.get(reverse("admin:returns_returnrequest_change", args=[requested.pk]))
        body = response.content.decode()
        assert response.status_code == 200 and "POLO-M" in body and requested.order.number in body

    def test_nothing_is_added_or_deleted_by_hand(self, staff_client, requested):
        assert staff_client.get(reverse("admin:returns_returnrequest_add")).status_code == 403
        assert staff_client.get(reverse("admin:returns_returnrequest_delete", args=[requested.pk])).status_code == 403


class TestReceive:
    def url(self, request):
        return reverse("admin:returns_returnrequest_receive", args=[request.pk])

    def test_receive_resellable_into_a_warehouse(self, staff_client, requested, staff, warehouse):
        services.return_approve(request=requested, actor=staff)
        line = requested.lines.get()
        variant = line.order_line.variant
        before = StockLevel.objects.get(variant=variant, warehouse=warehouse).on_hand
        assert staff_client.get(self.url(requested)).status_code == 200
        response = staff_client.post(
            self.url(requested),
            {f"condition_{line.pk}": "resellable", f"warehouse_{line.pk}": warehouse.pk, "note": "Caja intacta"},
        )
        assert response.status_code == 302
        assert StockLevel.objects.get(variant=variant, warehouse=warehouse).on_hand == before + 1
        requested.refresh_from_db()
        assert requested.status == ReturnStatus.RECEIVED
        # Receiving twice: refused with a message, nothing written.
        response = staff_client.post(
            self.url(requested),
            {f"condition_{line.pk}": "resellable", f"warehouse_{line.pk}": warehouse.pk},
            follow=True,
        )
        assert response.redirect_chain and "error" in response.content.decode()
        assert Movement.objects.filter(kind=Movement.Kind.RETURN).count() == 1

    def test_resellable_without_warehouse_shows_the_error(self, staff_client, requested, staff):
        services.return_approve(request=requested, actor=staff)
        line = requested.lines.get()
        response = staff_client.post(
            self.url(requested), {f"condition_{line.pk}": "resellable", f"warehouse_{line.pk}": ""}
        )
        assert response.status_code == 200 and "errorlist" in response.content.decode()
        assert not Movement.objects.filter(kind=Movement.Kind.RETURN).exists()

    @pytest.mark.parametrize("condition", ["lost", "", "\x00"])
    def test_bad_condition(self, staff_client, requested, staff, warehouse, condition):
        services.return_approve(request=requested, actor=staff)
        line = requested.lines.get()
        response = staff_client.post(
            self.url(requested), {f"condition_{line.pk}": condition, f"warehouse_{line.pk}": warehouse.pk}
        )
        assert response.status_code in (200, 400)
        assert not Movement.objects.filter(kind=Movement.Kind.RETURN).exists()

    def test_unknown_id_is_404(self, staff_client):
        assert staff_client.get(reverse("admin:returns_returnrequest_receive", args=[999999])).status_code == 404


def test_changelist_queries_are_flat(staff_client, warehouse, olva, customer):
    def count_queries():
        staff_client.get(CHANGELIST)  # warm the session and caches: count a steady page
        with CaptureQueriesContext(connection) as queries:
            response = staff_client.get(CHANGELIST)
        assert response.status_code == 200
        return len(queries), response.content.decode().count("RMA-")

    many_requests(warehouse, olva, customer, 1)
    one, shown = count_queries()
    assert shown >= 1
    many_requests(warehouse, olva, customer, 19)
    twenty, shown = count_queries()
    assert shown >= 20 and twenty == one
