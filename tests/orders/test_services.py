import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from constance.test import override_config
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core.models import Counter
from orders import ports, services
from orders.exceptions import CancelNotAllowed, IdempotencyConflict, InvalidTransition
from orders.models import Order, OrderLine, OrderStatus, PaymentStatus
from orders.services import OrderLineData, address_snapshot
from tests.factories import (
    SHIPPING_ADDRESS,
    AddressFactory,
    OptionValueFactory,
    ProductFactory,
    SellerFactory,
    UserFactory,
    VariantFactory,
    age,
    line_for,
    make_order,
    ship_everything,
)

pytestmark = pytest.mark.django_db
NUMBER = re.compile(r"^PED-\d{8}-\d{4,}$")


def plug(monkeypatch, port, function) -> None:
    """Plug `function` into `port` for one test (the app above's own function is back after it)."""
    monkeypatch.setattr(port, "_function", function)


def asked(monkeypatch, port) -> list[int]:
    """The order ids `port` is asked for during the test, in order."""
    order_ids: list[int] = []
    plug(monkeypatch, port, lambda *, order_id: order_ids.append(order_id))
    return order_ids


class TestCreate:
    def test_totals_snapshots_and_first_status(self, user):
        seller = SellerFactory()
        size = OptionValueFactory(slug="m", value="M")
        variant = VariantFactory(product=ProductFactory(base_price=Decimal("199.90"), seller=seller), values=[size])
        order = make_order(customer=user, lines=[line_for(variant, quantity=2)], shipping_total=Decimal("15.00"))

        assert NUMBER.match(order.number)
        assert order.replayed is False
        assert (order.subtotal, order.discount_total, order.shipping_total, order.total) == (
            Decimal("399.80"),
            Decimal("0"),
            Decimal("15.00"),
            Decimal("414.80"),
        )
        assert order.igv_included == Decimal("63.27")  # 414.80 − 414.80 / 1.18, half-up
        assert order.currency == "PEN"
        assert order.status == OrderStatus.PENDING_PAYMENT and order.payment_status == PaymentStatus.UNPAID
        line = order.lines.get()
        assert (line.product_name, line.sku, line.options, line.unit_price, line.quantity, line.line_total) == (
            variant.product.name,
            variant.sku,
            "Talla: M",
            Decimal("199.90"),
            2,
            Decimal("399.80"),
        )
        assert line.seller == seller
        change = order.status_changes.get()
        assert (change.from_status, change.to_status, change.actor) == ("", OrderStatus.PENDING_PAYMENT, user)
        assert order.shipping_address["ubigeo"] == "150122"

    def test_line_and_order_discounts(self, variant):
        lines = [line_for(variant, quantity=1, discount=Decimal("19.90"))]
        order = make_order(lines=lines, discount_total=Decimal("10.00"), shipping_total=Decimal("0"))

        assert order.subtotal == Decimal("199.90")
        assert order.discount_total == Decimal("29.90")
        assert order.total == Decimal("170.00")
        assert order.lines.get().line_total == Decimal("180.00")

    def test_address_snapshot_does_not_follow_later_edits(self, user):
        address = AddressFactory(user=user, street="Av. Larco 345")
        snapshot = address_snapshot(address)
        variant = VariantFactory()
        order = services.order_create(
            customer=user,
            email=user.email,
            lines=[line_for(variant)],
            shipping_address=snapshot,
            billing_address=snapshot,
            shipping_method_id=None,
            shipping_method_name="",
            shipping_total=Decimal("0"),
            idempotency_key=None,
        )
        address.street = "Otra calle 1"
        address.save()

        order.refresh_from_db()
        assert order.shipping_address["street"] == "Av. Larco 345"
        assert order.shipping_address["department_name"] == "Lima"

    @pytest.mark.parametrize(
        "change",
        [
            {"lines": []},
            {"lines": "zero-quantity"},
            {"lines": "negative-price"},
            {"discount_total": Decimal("1000")},
            {"shipping_total": Decimal("-1")},
            {"shipping_total": Decimal("10.005")},
            {"lines": "fraction-of-cent"},
            {"email": "no-es-correo"},
            {"customer_document": "1234"},
            {"customer_document": "20100070971", "customer_document_type": "ruc"},
        ],
    )
    def test_bad_input_writes_nothing(self, variant, change):
        if change.get("lines") == "zero-quantity":
            change["lines"] = [line_for(variant, quantity=0)]
        elif change.get("lines") == "fraction-of-cent":
            change["lines"] = [line_for(variant, unit_price=Decimal("9.999"))]
        elif change.get("lines") == "negative-price":
            change["lines"] = [line_for(variant, unit_price=Decimal("-1"))]
        with pytest.raises(ValidationError):
            make_order(variant=variant, **change)
        assert not Order.objects.exists() and not OrderLine.objects.exists()

    def test_incomplete_address_is_refused(self, variant):
        with pytest.raises(ValidationError):
            services.order_create(
                customer=None,
                email="a@example.pe",
                lines=[line_for(variant)],
                shipping_address={"street": "x"},
                billing_address=SHIPPING_ADDRESS,
                shipping_method_id=None,
                shipping_method_name="",
                shipping_total=Decimal("0"),
                idempotency_key=None,
            )

    def test_document_is_normalised_and_typed(self, variant):
        order = make_order(
            variant=variant, customer_document="20100070970", customer_legal_name="Comercial Andina S.A.C."
        )
        assert (order.customer_document, order.customer_document_type) == ("20100070970", "ruc")

    def test_database_refuses_totals_that_do_not_add_up(self, order):
        with pytest.raises(IntegrityError), transaction.atomic():
            Order.objects.filter(pk=order.pk).update(total=Decimal("1.00"))

    def test_database_refuses_a_zero_quantity_line(self, order):
        with pytest.raises(IntegrityError), transaction.atomic():
            OrderLine.objects.filter(order=order).update(quantity=0, line_total=0)

    def test_idempotency_key_replay_returns_the_same_order(self, user, variant):
        first = make_order(customer=user, variant=variant, idempotency_key="k-1")
        again = make_order(customer=user, variant=variant, idempotency_key="k-1")

        assert again.pk == first.pk and again.replayed is True
        assert Order.objects.count() == 1

    def test_idempotency_key_of_someone_else_is_refused(self, user, other_user, variant):
        make_order(customer=user, variant=variant, idempotency_key="k-2")
        with pytest.raises(IdempotencyConflict):
            make_order(customer=other_user, variant=variant, idempotency_key="k-2")

    def test_confirmation_email_after_commit_once(self, user, variant, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            order = make_order(customer=user, variant=variant)
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == [user.email]
        assert order.number in message.subject and "Recibimos tu pedido" in message.subject
        assert "pendiente de pago" in message.subject and "Confirmamos" not in message.subject
        assert variant.product.name in message.body and "S/ 414.80" in message.body and "IGV incluido" in message.body
        html = message.alternatives[0][0]
        assert order.number in html and "S/ 414.80" in html

        from orders.tasks import send_order_email

        email = order.emails.get()
        assert send_order_email(email.pk) is False  # a redelivered task sends nothing
        assert len(mail.outbox) == 1

    def test_no_email_without_commit(self, variant, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            make_order(variant=variant)
        assert len(callbacks) == 1 and mail.outbox == []


class TestOrderNumbers:
    def test_consecutive_per_day(self):
        day = date(2026, 3, 5)
        assert services.order_number_next(day=day) == "PED-20260305-0001"
        assert services.order_number_next(day=day) == "PED-20260305-0002"
        assert services.order_number_next(day=date(2026, 3, 6)) == "PED-20260306-0001"

    def test_grows_past_9999(self):
        Counter.objects.create(scope="order", key="2026-03-05", last=9999)
        assert services.order_number_next(day=date(2026, 3, 5)) == "PED-20260305-10000"

    def test_the_day_is_limas(self):
        # 02:00 UTC on 1 January is still 31 December in Lima (UTC−5).
        assert services.order_number_day(datetime(2026, 1, 1, 2, 0, tzinfo=UTC)) == date(2025, 12, 31)


class TestTransitions:
    def test_allowed_path_records_every_change(self, order, user):
        staff = UserFactory(is_staff=True)
        services.order_payment_record(order=order)
        order = services.order_transition(order=order, to_status=OrderStatus.PROCESSING, actor=staff, note="ok")
        order = ship_everything(order, actor=staff, deliver=True)

        history = list(order.status_changes.values_list("from_status", "to_status"))
        assert history == [
            ("", "pending_payment"),
            ("pending_payment", "paid"),
            ("paid", "processing"),
            ("processing", "shipped"),
            ("shipped", "delivered"),
        ]
        assert order.status_changes.last().actor == staff

    @pytest.mark.parametrize("to_status", [OrderStatus.SHIPPED, OrderStatus.DELIVERED, OrderStatus.REFUNDED, "bogus"])
    def test_invalid_transitions_are_refused(self, order, to_status):
        with pytest.raises(InvalidTransition):
            services.order_transition(order=order, to_status=to_status)
        order.refresh_from_db()
        assert order.status == OrderStatus.PENDING_PAYMENT
        assert order.status_changes.count() == 1

    def test_uses_the_stored_status_not_a_stale_copy(self, order):
        stale = Order.objects.get(pk=order.pk)
        services.order_cancel(order=order, actor=None, reason="", by_customer=False)
        with pytest.raises(InvalidTransition):
            services.order_transition(order=stale, to_status=OrderStatus.PROCESSING)

    def test_status_history_is_append_only(self, order):
        change = order.status_changes.get()
        with pytest.raises(ValidationError):
            change.save()
        with pytest.raises(ValidationError):
            order.status_changes.all().delete()

    def test_message_is_translatable(self, order):
        from django.utils import translation

        with translation.override("es-pe"), pytest.raises(InvalidTransition) as error:
            services.order_transition(order=order, to_status=OrderStatus.REFUNDED)
        assert "no puede pasar" in str(error.value)


class TestPaymentRecord:
    def test_paid_asks_for_the_receipt_once(self, order, monkeypatch):
        receipts = asked(monkeypatch, ports.receipt_issue)
        services.order_payment_record(order=order)
        services.order_payment_record(order=order)  # a replayed webhook
        order.refresh_from_db()
        assert order.status == OrderStatus.PAID and order.payment_status == PaymentStatus.PAID and order.paid_at
        assert receipts == [order.pk]
        assert list(order.status_changes.values_list("from_status", "to_status")) == [
            ("", OrderStatus.PENDING_PAYMENT),
            (OrderStatus.PENDING_PAYMENT, OrderStatus.PAID),
        ]

    def test_the_receipt_port_failing_rolls_the_payment_back(self, order, monkeypatch):
        def fail(**kwargs):
            raise RuntimeError("receipts are down")

        plug(monkeypatch, ports.receipt_issue, fail)
        with pytest.raises(RuntimeError):
            services.order_payment_record(order=order)
        order.refresh_from_db()
        assert order.status == OrderStatus.PENDING_PAYMENT and order.payment_status == PaymentStatus.UNPAID
        assert order.status_changes.count() == 1

    def test_payment_after_cancellation_flags_the_order(self, order, monkeypatch):
        receipts = asked(monkeypatch, ports.receipt_issue)
        services.order_cancel(order=order, actor=None, reason="timeout", by_customer=False)
        order = services.order_payment_record(order=order).order
        assert order.status == OrderStatus.CANCELLED
        assert order.payment_status == PaymentStatus.PAID and order.needs_attention
        assert receipts == []  # staff refund it; it is never sold


class TestCancel:
    def test_customer_within_window(self, order, user, monkeypatch):
        credit_notes = asked(monkeypatch, ports.cancellation_credit_note_issue)
        order = services.order_cancel(order=order, actor=user, reason="", by_customer=True)
        assert order.status == OrderStatus.CANCELLED and order.cancelled_at
        assert order.cancel_reason == "Anulado por el cliente"  # stored in the store's language
        last = order.status_changes.last()
        assert (last.from_status, last.to_status) == (OrderStatus.PENDING_PAYMENT, OrderStatus.CANCELLED)
        assert last.actor == user
        assert credit_notes == []  # never paid: no receipt to annul

    def test_a_paid_order_asks_for_the_credit_note_that_annuls_its_receipt(self, order, monkeypatch):
        credit_notes = asked(monkeypatch, ports.cancellation_credit_note_issue)
        services.order_payment_record(order=order)
        services.order_cancel(order=order, actor=UserFactory(is_staff=True), reason="stock", by_customer=False)
        assert credit_notes == [order.pk]

    @override_config(ORDER_CANCEL_WINDOW_MINUTES=30)
    def test_customer_after_window_is_refused_staff_is_not(self, order, user):
        services.order_payment_record(order=order)  # the window is a paid order's (an unpaid one: its payment window)
        age(order, 31)
        with pytest.raises(CancelNotAllowed):
            services.order_cancel(order=order, actor=user, reason="", by_customer=True)
        services.order_cancel(order=order, actor=UserFactory(is_staff=True), reason="stock", by_customer=False)
        order.refresh_from_db()
        assert order.status == OrderStatus.CANCELLED

    @pytest.mark.parametrize("by_customer", [True, False])
    def test_after_shipping_is_refused(self, order, user, by_customer):
        services.order_payment_record(order=order)
        ship_everything(order)
        with pytest.raises(CancelNotAllowed):
            services.order_cancel(order=order, actor=user, reason="", by_customer=by_customer)
        order.refresh_from_db()
        assert order.status == OrderStatus.SHIPPED

    def test_twice_is_refused(self, order):
        services.order_cancel(order=order, actor=None, reason="", by_customer=False)
        with pytest.raises(CancelNotAllowed):
            services.order_cancel(order=order, actor=None, reason="", by_customer=False)

    def test_a_failing_port_rolls_the_cancel_back(self, order, monkeypatch):
        def fail(**kwargs):
            raise RuntimeError("receipts are down")

        services.order_payment_record(order=order)
        plug(monkeypatch, ports.cancellation_credit_note_issue, fail)
        with pytest.raises(RuntimeError):
            services.order_cancel(order=order, actor=None, reason="", by_customer=False)
        order.refresh_from_db()
        assert order.status == OrderStatus.PAID and order.cancelled_at is None
        assert order.status_changes.count() == 2


class TestCancelUnpaid:
    def test_cancels_only_old_unpaid_orders(self, user, variant):
        old, recent, paid = (make_order(customer=user, variant=variant) for _ in range(3))
        age(old, 61)
        age(paid, 61)
        services.order_payment_record(order=paid)
        assert services.orders_cancel_unpaid(older_than_minutes=60) == 1
        assert list(Order.objects.filter(status=OrderStatus.CANCELLED).values_list("pk", flat=True)) == [old.pk]
        assert Order.objects.get(pk=old.pk).cancel_reason == "No se recibió el pago a tiempo"
        assert Order.objects.get(pk=recent.pk).status == OrderStatus.PENDING_PAYMENT
        assert Order.objects.get(pk=paid.pk).status == OrderStatus.PAID

    def test_one_failure_does_not_stop_the_rest(self, user, variant, monkeypatch):
        first, second = make_order(customer=user, variant=variant), make_order(customer=user, variant=variant)
        age(first, 90)
        age(second, 90)
        restore = services.store_credit_restore_for_order

        def fail_first(*, order):  # one step of the first order's cancellation fails
            if order.pk == first.pk:
                raise RuntimeError("boom")
            return restore(order=order)

        monkeypatch.setattr(services, "store_credit_restore_for_order", fail_first)
        assert services.orders_cancel_unpaid(older_than_minutes=60) == 1
        assert Order.objects.get(pk=first.pk).status == OrderStatus.PENDING_PAYMENT
        assert Order.objects.get(pk=second.pk).status == OrderStatus.CANCELLED

    def test_beat_task(self, order, settings):
        from orders.tasks import cancel_unpaid_orders

        age(order, 120)
        with override_config(ORDER_PAYMENT_TIMEOUT_MINUTES=60):
            assert cancel_unpaid_orders.delay().get() == 1
        assert settings.CELERY_BEAT_SCHEDULE["orders-cancel-unpaid"]["task"] == "orders.tasks.cancel_unpaid_orders"


def test_line_data_from_variant_uses_the_effective_price():
    variant = VariantFactory(product=ProductFactory(base_price=Decimal("100.00")), price_modifier=Decimal("5.50"))
    data = OrderLineData.from_variant(variant, quantity=3)
    assert data.unit_price == Decimal("105.50") and data.line_total == Decimal("316.50")


class TestAnonymousReceiptLimit:
    """SUNAT: a boleta above S/ 700 names its buyer; up to S/ 700 it may go without a document."""

    def test_above_the_limit_without_a_document_is_refused_and_nothing_is_written(self):
        variant = VariantFactory(product=ProductFactory(base_price=Decimal("690.00")))
        with pytest.raises(ValidationError) as refused:
            make_order(lines=[line_for(variant)], shipping_total=Decimal("15.00"), customer_document="")
        assert "customer_document" in refused.value.message_dict
        assert not Order.objects.exists()

    def test_at_the_limit_a_receipt_without_a_document_is_allowed(self):
        variant = VariantFactory(product=ProductFactory(base_price=Decimal("685.00")))
        order = make_order(lines=[line_for(variant)], shipping_total=Decimal("15.00"))
        assert order.total == Decimal("700.00") and order.customer_document == ""

    def test_above_the_limit_with_a_dni_or_a_ruc_is_placed(self):
        variant = VariantFactory(product=ProductFactory(base_price=Decimal("1799.90")))
        assert make_order(lines=[line_for(variant)], customer_document="45678912").customer_document == "45678912"
        assert (
            make_order(
                lines=[line_for(variant)],
                customer_document="20100070970",
                customer_legal_name="Comercial Andina S.A.C.",
            ).customer_document_type
            == "ruc"
        )

    def test_a_discount_that_brings_the_total_under_the_limit_needs_no_document(self):
        variant = VariantFactory(product=ProductFactory(base_price=Decimal("750.00")))
        order = make_order(lines=[line_for(variant, discount=Decimal("100.00"))], customer_document="")
        assert order.total == Decimal("665.00")
