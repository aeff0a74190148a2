from datetime import timedelta

import pytest
from constance import config
from django.core.exceptions import ValidationError
from django.utils import timezone

from inventory.models import Movement, StockLevel
from returns import services
from returns.models import FoundCondition, ReturnLine, ReturnRequest, ReturnStatus, ReturnStatusChange
from returns.services import ReceiveLineData, ReturnError, ReturnLineData
from tests.factories import WarehouseFactory, ledger_mismatches, make_order

pytestmark = [pytest.mark.django_db, pytest.mark.shared_rows("delivered_order", "staff")]


def polo_line(order):
    return order.lines.get(sku="POLO-M")


def ask(order, *, quantity=1, line=None, key=None, now=None, **extra):
    line = line or polo_line(order)
    data = ReturnLineData(
        order_line_id=line.pk,
        quantity=quantity,
        reason=extra.pop("reason", "wrong_size"),
        declared_condition=extra.pop("condition", "new"),
        reason_detail=extra.pop("detail", "Talla"),
    )
    return services.return_request_create(order=order, lines=[data], actor=order.customer, idempotency_key=key, now=now)


def on_hand(variant, warehouse):
    return StockLevel.objects.get(variant=variant, warehouse=warehouse).on_hand


class TestRequest:
    def test_creates_numbered_request_with_line_and_history(self, delivered_order):
        request = ask(delivered_order)
        year = timezone.localtime().year
        assert request.number == f"RMA-{year}-00001"
        assert request.status == ReturnStatus.REQUESTED and request.customer == delivered_order.customer
        line = request.lines.get()
        assert (line.quantity, line.reason, line.declared_condition, line.reason_detail) == (
            1,
            "wrong_size",
            "new",
            "Talla",
        )
        change = request.status_changes.get()
        assert (change.from_status, change.to_status, change.actor) == ("", "requested", delivered_order.customer)
        assert ask(delivered_order).number == f"RMA-{year}-00002"

    def test_returnable_is_delivered_minus_being_returned(self, delivered_order):
        polo = polo_line(delivered_order)
        assert services.returnable_quantities(order_id=delivered_order.pk)[polo.pk] == 2
        ask(delivered_order, quantity=1)
        assert services.returnable_quantities(order_id=delivered_order.pk)[polo.pk] == 1
        with pytest.raises(ReturnError, match="1"):
            ask(delivered_order, quantity=2)
        assert ReturnRequest.objects.count() == 1

    def test_rejected_units_become_returnable_again(self, delivered_order, staff):
        request = ask(delivered_order, quantity=2)
        services.return_reject(request=request, actor=staff, message="Producto usado")
        assert services.returnable_quantities(order_id=delivered_order.pk)[polo_line(delivered_order).pk] == 2

    def test_line_of_another_order_is_refused(self, delivered_order):
        other = make_order()
        with pytest.raises(ReturnError, match="no es parte de este pedido"):
            ask(delivered_order, line=other.lines.first())
        assert not ReturnRequest.objects.exists()

    @pytest.mark.parametrize("quantity", [0, -1, 3, True])
    def test_bad_quantities(self, delivered_order, quantity):
        with pytest.raises(ReturnError):
            ask(delivered_order, quantity=quantity)
        assert not ReturnRequest.objects.exists() and not ReturnLine.objects.exists()

    @pytest.mark.parametrize(
        "extra", [{"reason": "nope"}, {"condition": "broken"}, {"detail": "x" * 500}, {"detail": "a\x00b"}]
    )
    def test_bad_reason_condition_and_text(self, delivered_order, extra):
        with pytest.raises(ReturnError):
            ask(delivered_order, **extra)
        assert not ReturnRequest.objects.exists()

    def test_after_the_window_is_refused(self, delivered_order):
        delivered = delivered_order.shipments.get().delivered_at
        ask(delivered_order, now=delivered + timedelta(days=30) - timedelta(minutes=1))
        with pytest.raises(ReturnError, match="plazo"):
            ask(delivered_order, now=delivered + timedelta(days=30, minutes=1))
        assert ReturnRequest.objects.count() == 1

    def test_window_is_a_site_setting(self, delivered_order):
        config.RETURN_WINDOW_DAYS = 5
        delivered = delivered_order.shipments.get().delivered_at
        with pytest.raises(ReturnError, match="plazo"):
            ask(delivered_order, now=delivered + timedelta(days=6))

    def test_undelivered_order_is_refused(self, warehouse, olva, customer):
        from tests.factories import line_for, paid_order, stocked_variant

        order = paid_order(lines=[line_for(stocked_variant(warehouse))], method=olva, customer=customer)
        with pytest.raises(ReturnError, match="entregado"):
            services.return_request_create(
                order=order,
                lines=[
                    ReturnLineData(
                        order_line_id=order.lines.get().pk, quantity=1, reason="other", declared_condition="new"
                    )
                ],
            )

    def test_replayed_form_returns_the_first_request(self, delivered_order):
        first = ask(delivered_order, key="k-1")
        assert ask(delivered_order, key="k-1") == first
        assert ReturnRequest.objects.count() == 1 and ReturnLine.objects.count() == 1

    def test_key_of_another_order_is_refused(self, delivered_order):
        ask(delivered_order, key="k-2")
        other = make_order()
        with pytest.raises(ReturnError):
            services.return_request_create(order=other, lines=[], idempotency_key="k-2")


class TestStaff:
    def test_approve_then_reject_is_refused(self, delivered_order, staff):
        request = services.return_approve(request=ask(delivered_order), actor=staff, message="Envíalo por Olva")
        assert request.status == ReturnStatus.APPROVED and request.customer_message == "Envíalo por Olva"
        with pytest.raises(ReturnError):
            services.return_reject(request=request, actor=staff, message="No")
        assert list(request.status_changes.values_list("to_status", "actor")) == [
            ("requested", delivered_order.customer.pk),
            ("approved", staff.pk),
        ]

    def test_reject_needs_a_message(self, delivered_order, staff):
        request = ask(delivered_order)
        with pytest.raises(ReturnError, match="por qué"):
            services.return_reject(request=request, actor=staff, message="  ")
        request.refresh_from_db()
        assert request.status == ReturnStatus.REQUESTED

    def test_history_is_append_only(self, delivered_order):
        change = ask(delivered_order).status_changes.get()
        with pytest.raises(ValidationError):
            change.save()
        with pytest.raises(ValidationError):
            ReturnStatusChange.objects.all().delete()


class TestReceive:
    def approved(self, order, staff, quantity=2):
        return services.return_approve(request=ask(order, quantity=quantity), actor=staff)

    def test_resellable_units_go_back_to_the_chosen_warehouse(self, delivered_order, staff, warehouse):
        request = self.approved(delivered_order, staff, quantity=1)
        line = request.lines.get()
        variant = line.order_line.variant
        before = on_hand(variant, warehouse)
        services.return_receive(
            request=request,
            actor=staff,
            lines=[
                ReceiveLineData(
                    return_line_id=line.pk, found_condition=FoundCondition.RESELLABLE, warehouse_id=warehouse.pk
                )
            ],
        )
        assert on_hand(variant, warehouse) == before + 1
        movement = Movement.objects.get(kind=Movement.Kind.RETURN)
        assert (movement.quantity, movement.reference_id) == (1, request.pk)
        line.refresh_from_db()
        assert line.found_condition == "resellable" and line.warehouse == warehouse and line.is_received
        request.refresh_from_db()
        assert request.status == ReturnStatus.RECEIVED
        assert ledger_mismatches() == []

    def test_write_off_and_quarantine(self, delivered_order, staff, warehouse):
        casaca = delivered_order.lines.get(sku="CASACA-L")
        request = services.return_request_create(
            order=delivered_order,
            lines=[
                ReturnLineData(
                    order_line_id=polo_line(delivered_order).pk,
                    quantity=1,
                    reason="defective",
                    declared_condition="damaged",
                ),
                ReturnLineData(order_line_id=casaca.pk, quantity=1, reason="defective", declared_condition="damaged"),
            ],
        )
        services.return_approve(request=request, actor=staff)
        polo_return, casaca_return = request.lines.order_by("pk")
        before = {v: on_hand(v, warehouse) for v in (casaca.variant, polo_return.order_line.variant)}
        services.return_receive(
            request=request,
            actor=staff,
            lines=[
                ReceiveLineData(return_line_id=polo_return.pk, found_condition="write_off", warehouse_id=warehouse.pk),
                ReceiveLineData(return_line_id=casaca_return.pk, found_condition="quarantine"),
            ],
        )
        assert {v: on_hand(v, warehouse) for v in before} == before
        assert Movement.objects.filter(kind=Movement.Kind.WRITE_OFF, quantity=-1).count() == 1
        assert ledger_mismatches() == []

    def test_receiving_twice_is_refused(self, delivered_order, staff, warehouse):
        request = self.approved(delivered_order, staff, quantity=1)
        lines = [
            ReceiveLineData(
                return_line_id=request.lines.get().pk, found_condition="resellable", warehouse_id=warehouse.pk
            )
        ]
        services.return_receive(request=request, actor=staff, lines=lines)
        movements = Movement.objects.count()
        with pytest.raises(ReturnError, match="ya fue recibida"):
            services.return_receive(request=request, actor=staff, lines=lines)
        assert Movement.objects.count() == movements

    def test_unapproved_missing_lines_and_bad_warehouse_write_nothing(self, delivered_order, staff, warehouse):
        request = ask(delivered_order, quantity=1)
        line = request.lines.get()
        good = [ReceiveLineData(return_line_id=line.pk, found_condition="resellable", warehouse_id=warehouse.pk)]
        with pytest.raises(ReturnError, match="aprobada"):
            services.return_receive(request=request, actor=staff, lines=good)
        services.return_approve(request=request, actor=staff)
        inactive = WarehouseFactory(code="OLD", is_active=False)
        for bad in (
            [],
            [ReceiveLineData(return_line_id=line.pk + 999, found_condition="resellable", warehouse_id=warehouse.pk)],
            [ReceiveLineData(return_line_id=line.pk, found_condition="lost", warehouse_id=warehouse.pk)],
            [ReceiveLineData(return_line_id=line.pk, found_condition="resellable")],
            [ReceiveLineData(return_line_id=line.pk, found_condition="resellable", warehouse_id=inactive.pk)],
        ):
            with pytest.raises(ReturnError):
                services.return_receive(request=request, actor=staff, lines=bad)
        assert not Movement.objects.filter(kind=Movement.Kind.RETURN).exists()
        request.refresh_from_db()
        assert request.status == ReturnStatus.APPROVED
