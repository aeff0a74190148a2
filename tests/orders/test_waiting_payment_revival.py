"""A payment notice after an expired order spent a coupon, store credit or gift cards: the order is
revived only when everything the expiry gave back can be taken again at once (its coupon use within
the coupon's limits, its units, the store credit and gift-card amounts it had spent: a new round in
their ledgers), otherwise nothing is taken, the money is kept and its refund proposed. Races against
another shopper spending the last coupon use, the same gift card or the same customer's credit run
in real threads on PostgreSQL."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from credit.models import CreditUse, CreditUseKind, GiftCard, GiftCardUse, StoreCredit
from credit.services import CreditError, store_credit_issue, store_credit_spend
from credit.services.gift_cards import GiftCardError, gift_card_issue, gift_card_spend, gift_card_void
from inventory.models import Movement
from inventory.services import stock_reserve
from orders.models import Order, OrderStatus, PaymentStatus
from orders.services import OrderLineData, order_cancel, order_create, orders_cancel_unpaid
from payments.models import Provider, Refund
from payments.selectors import order_payments
from payments.services.attempts import payment_complete, payment_wait
from promotions.exceptions import CouponRefused
from promotions.models import Coupon, CouponRedemption
from promotions.services import coupon_redeem
from tests.factories import (
    GUEST_ADDRESS,
    UserFactory,
    VariantFactory,
    WarehouseFactory,
    coupon,
    make_order,
    make_payment,
    stock,
)
from tests.threads import run_in_threads

UNITS = 2
CARD_SPENT = Decimal("30.00")
CREDIT_SPENT = Decimal("20.00")


def place(customer, *, code: Coupon | None = None, credit: StoreCredit | None = None, card: GiftCard | None = None):
    """An order placed as checkout does: its units held, then the coupon use, credit and card spent."""
    variant = VariantFactory()
    stock(variant, WarehouseFactory(), UNITS + 3)
    with transaction.atomic():
        order = order_create(
            customer=customer,
            email=customer.email,
            lines=[OrderLineData.from_variant(variant, quantity=UNITS)],
            shipping_address=GUEST_ADDRESS,
            billing_address=GUEST_ADDRESS,
            shipping_method_id=None,
            shipping_method_name="Olva",
            shipping_total=Decimal("10.00"),
            idempotency_key=None,
            coupon_code=code.code if code else "",
        )
        if code is not None:
            coupon_redeem(coupon=code, order=order, customer=customer, email=customer.email, amount=Decimal("5.00"))
        stock_reserve(lines={variant.pk: UNITS}, order_id=order.pk, minutes=60)
        if credit is not None:
            store_credit_spend(credit_id=credit.pk, customer=customer, order=order, amount=CREDIT_SPENT)
        if card is not None:
            gift_card_spend(code=card.code, order=order, amount=CARD_SPENT)
    return order


def expire_waiting(order):
    """A CIP issued, then its expiry passed and the job cancelled the order (all it took given back)."""
    payment = make_payment(order, provider=Provider.CULQI, reference=f"ord_live_{order.pk}")
    payment_wait(payment=payment, code=f"{order.pk:08d}", expires_at=timezone.now() + timedelta(hours=24))
    Order.objects.filter(pk=order.pk).update(payment_due_at=timezone.now() - timedelta(seconds=1))
    assert orders_cancel_unpaid(older_than_minutes=60) >= 1
    order.refresh_from_db()
    assert order.expired_unpaid
    return payment


def late_notice(payment):
    payment.refresh_from_db()
    return payment_complete(
        payment=payment, amount=payment.amount, currency="PEN", gateway_reference=payment.gateway_reference
    )


def sold(order) -> int:
    return -sum(
        Movement.objects.filter(reference_id=order.pk, kind=Movement.Kind.SALE).values_list("quantity", flat=True)
    )


def assert_revived(order, payment):
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID and order.payment_status == PaymentStatus.PAID
    assert order.cancelled_at is None and not order.needs_attention
    assert sold(order) == UNITS
    assert not Refund.objects.filter(payment=payment).exists()


def assert_refunded(order, payment):
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED and order.payment_status == PaymentStatus.PAID
    assert order.needs_attention
    assert sold(order) == 0
    assert Refund.objects.get(payment=payment).status == Refund.Status.REQUESTED


def card_of(amount="100.00"):
    return gift_card_issue(
        actor=UserFactory(is_staff=True),
        amount=amount,
        recipient_name="Lucía",
        recipient_email="lucia@example.pe",
        sender_name="Kallpa",
        reason="Prueba",
        deliver_on=None,
    )


# --- one at a time -------------------------------------------------------------------------------


@pytest.mark.django_db
class TestCoupon:
    def test_revived_when_the_coupon_still_allows_the_use(self, customer):
        code = coupon(max_uses=5)
        order = place(customer, code=code)
        payment = expire_waiting(order)
        code.refresh_from_db()
        assert code.uses == 0

        late_notice(payment)

        assert_revived(order, payment)
        code.refresh_from_db()
        assert code.uses == 1
        assert CouponRedemption.objects.get(order=order).released_at is None

        late_notice(payment)  # the notice replayed takes nothing twice
        code.refresh_from_db()
        assert code.uses == 1 and sold(order) == UNITS

    def test_refunded_when_another_order_took_the_last_use(self, customer):
        code = coupon(max_uses=1, max_uses_per_customer=None)
        order = place(customer, code=code)
        payment = expire_waiting(order)
        place(UserFactory(), code=code)

        late_notice(payment)

        assert_refunded(order, payment)
        code.refresh_from_db()
        assert code.uses == 1
        assert CouponRedemption.objects.get(order=order).released_at is not None

    def test_refunded_when_the_customer_used_it_on_another_order(self, customer):
        code = coupon(max_uses_per_customer=1)
        order = place(customer, code=code)
        payment = expire_waiting(order)
        place(customer, code=code)

        late_notice(payment)

        assert_refunded(order, payment)
        code.refresh_from_db()
        assert code.uses == 1

    def test_refunded_when_the_coupon_ended_meanwhile(self, customer):
        code = coupon()
        order = place(customer, code=code)
        payment = expire_waiting(order)
        Coupon.objects.filter(pk=code.pk).update(ends_at=timezone.now() - timedelta(minutes=1))

        late_notice(payment)

        assert_refunded(order, payment)
        code.refresh_from_db()
        assert code.uses == 0

    def test_an_order_the_customer_cancelled_never_takes_it_again(self, customer):
        code = coupon()
        order = place(customer, code=code)
        payment = make_payment(order, provider=Provider.CULQI, reference="ord_live_1")
        payment_wait(payment=payment, code="12345678", expires_at=timezone.now() + timedelta(hours=24))
        order_cancel(order=order, actor=None, reason="Ya no lo quiero", by_customer=True)

        late_notice(payment)

        assert_refunded(order, payment)
        code.refresh_from_db()
        assert code.uses == 0


def ledger(model, order) -> list[tuple[str, int, Decimal]]:
    return list(model.objects.filter(order_id=order.pk).order_by("pk").values_list("kind", "spend_round", "amount"))


SPEND, RESTORE = CreditUseKind.SPEND, CreditUseKind.RESTORE


@pytest.mark.django_db
class TestCreditAndCards:
    """What the expiry gave back of store credit and gift cards is spent again as a second round of
    their ledgers (append-only: spend, restore, spend again), with checkout's checks."""

    def test_revived_spending_its_store_credit_again(self, customer, admin_client):
        code = coupon()
        credit = store_credit_issue(customer=customer, amount="100.00")
        order = place(customer, code=code, credit=credit)
        payment = expire_waiting(order)
        credit.refresh_from_db()
        assert credit.balance == Decimal("100.00")

        late_notice(payment)

        assert_revived(order, payment)
        code.refresh_from_db()
        credit.refresh_from_db()
        assert code.uses == 1 and credit.balance == Decimal("80.00")
        assert ledger(CreditUse, order) == [
            (SPEND, 1, -CREDIT_SPENT),
            (RESTORE, 1, CREDIT_SPENT),
            (SPEND, 2, -CREDIT_SPENT),
        ]
        paid = order_payments(order)
        assert [(means.kind, means.amount) for means in paid.means] == [
            ("store_credit", CREDIT_SPENT),
            ("gateway", order.total - CREDIT_SPENT),
        ]

        late_notice(payment)  # the notice replayed spends nothing twice
        credit.refresh_from_db()
        assert credit.balance == Decimal("80.00") and CreditUse.objects.filter(order=order).count() == 3
        # staff read the rounds in the credit's ledger
        page = admin_client.get(reverse("admin:credit_storecredit_change", args=[credit.pk])).content.decode()
        assert "Ronda" in page and "field-spend_round" in page

    def test_revived_spending_its_gift_card_again(self, customer):
        card = card_of()
        order = place(customer, card=card)
        payment = expire_waiting(order)

        late_notice(payment)

        assert_revived(order, payment)
        card.refresh_from_db()
        assert card.balance == Decimal("70.00")
        assert ledger(GiftCardUse, order) == [
            (SPEND, 1, -CARD_SPENT),
            (RESTORE, 1, CARD_SPENT),
            (SPEND, 2, -CARD_SPENT),
        ]

    def test_a_revived_order_cancelled_later_gives_the_second_round_back(self, customer):
        credit = store_credit_issue(customer=customer, amount="100.00")
        card = card_of()
        order = place(customer, credit=credit, card=card)
        payment = expire_waiting(order)
        late_notice(payment)
        assert_revived(order, payment)

        order_cancel(order=order, actor=UserFactory(is_staff=True), reason="Sin stock real", by_customer=False)

        credit.refresh_from_db()
        card.refresh_from_db()
        assert credit.balance == Decimal("100.00") and card.balance == Decimal("100.00")
        assert ledger(CreditUse, order)[-1] == (RESTORE, 2, CREDIT_SPENT)
        assert ledger(GiftCardUse, order)[-1] == (RESTORE, 2, CARD_SPENT)
        refund = Refund.objects.get(payment=payment)  # only what the gateway took goes back through it
        assert refund.amount == order.total - CREDIT_SPENT - CARD_SPENT

    def test_refunded_when_the_credit_was_spent_meanwhile(self, customer):
        code = coupon()
        credit = store_credit_issue(customer=customer, amount="100.00")
        order = place(customer, code=code, credit=credit)
        payment = expire_waiting(order)
        store_credit_spend(credit_id=credit.pk, customer=customer, order=make_order(customer=customer), amount="90.00")

        late_notice(payment)

        assert_refunded(order, payment)
        code.refresh_from_db()
        credit.refresh_from_db()
        assert code.uses == 0 and CouponRedemption.objects.get(order=order).released_at is not None
        assert credit.balance == Decimal("10.00")
        assert ledger(CreditUse, order) == [(SPEND, 1, -CREDIT_SPENT), (RESTORE, 1, CREDIT_SPENT)]

    def test_refunded_when_the_credit_expired_meanwhile(self, customer):
        credit = store_credit_issue(customer=customer, amount="100.00")
        order = place(customer, credit=credit)
        payment = expire_waiting(order)
        StoreCredit.objects.filter(pk=credit.pk).update(expires_at=timezone.now() - timedelta(minutes=1))

        late_notice(payment)

        assert_refunded(order, payment)
        assert len(ledger(CreditUse, order)) == 2

    def test_refunded_when_the_gift_card_was_voided_meanwhile(self, customer):
        card = card_of()
        order = place(customer, card=card)
        payment = expire_waiting(order)
        gift_card_void(card_id=card.pk, actor=UserFactory(is_staff=True), reason="Reportada como robada")

        late_notice(payment)

        assert_refunded(order, payment)
        assert ledger(GiftCardUse, order) == [(SPEND, 1, -CARD_SPENT), (RESTORE, 1, CARD_SPENT)]

    def test_all_or_nothing_when_the_card_was_spent_but_the_credit_is_there(self, customer):
        """The coupon use, the units and the credit taken first go back with the card refused (one savepoint)."""
        code = coupon()
        credit = store_credit_issue(customer=customer, amount="100.00")
        card = card_of()
        order = place(customer, code=code, credit=credit, card=card)
        payment = expire_waiting(order)
        gift_card_spend(code=card.code, order=make_order(), amount="80.00")

        late_notice(payment)

        assert_refunded(order, payment)
        code.refresh_from_db()
        credit.refresh_from_db()
        card.refresh_from_db()
        assert code.uses == 0 and credit.balance == Decimal("100.00") and card.balance == Decimal("20.00")
        assert len(ledger(CreditUse, order)) == 2 and len(ledger(GiftCardUse, order)) == 2


@pytest.mark.django_db
def test_the_coupon_use_goes_back_when_the_units_are_gone(customer):
    """All or nothing: the coupon use retaken first is given back with the sale refused (one savepoint)."""
    code = coupon()
    order = place(customer, code=code)
    payment = expire_waiting(order)
    stock_reserve(lines={order.lines.get().variant_id: UNITS + 3}, cart_key="another-shopper")

    late_notice(payment)

    assert_refunded(order, payment)
    code.refresh_from_db()
    assert code.uses == 0 and CouponRedemption.objects.get(order=order).released_at is not None


# --- races on PostgreSQL, real threads -----------------------------------------------------------

needs_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")


def _race(late_payment, checkout) -> dict[str, object]:
    """The late notice and another shopper's checkout start together (threads, own connections)."""
    outcomes: dict[str, object] = {}

    def act(index):
        if index == 0:
            outcomes["notice"] = late_payment()
        else:
            try:
                with transaction.atomic():
                    checkout()
                outcomes["checkout"] = "placed"
            except (CouponRefused, CreditError, GiftCardError) as refusal:
                outcomes["checkout"] = refusal

    _results, errors = run_in_threads(act, 2)
    assert not errors, errors
    return outcomes


@needs_postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(4))
def test_a_late_payment_racing_a_checkout_for_the_last_coupon_use(round_):
    customer = UserFactory()
    code = coupon(max_uses=1, max_uses_per_customer=None)
    order = place(customer, code=code)
    payment = expire_waiting(order)
    other_customer = UserFactory()
    other = place(other_customer)  # the other shopper's order, its coupon use taken in the race

    outcomes = _race(
        lambda: late_notice(payment),
        lambda: coupon_redeem(
            coupon=code, order=other, customer=other_customer, email=other_customer.email, amount=Decimal("5.00")
        ),
    )

    code.refresh_from_db()
    order.refresh_from_db()
    assert code.uses == 1  # exactly one of them has the use, never more than max_uses
    held = CouponRedemption.objects.filter(coupon=code, released_at__isnull=True)
    if order.status == OrderStatus.PAID:
        assert isinstance(outcomes["checkout"], CouponRefused)
        assert list(held.values_list("order_id", flat=True)) == [order.pk]
        assert_revived(order, payment)
    else:
        assert outcomes["checkout"] == "placed"
        assert list(held.values_list("order_id", flat=True)) == [other.pk]
        assert_refunded(order, payment)


@needs_postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(4))
def test_a_late_payment_racing_a_checkout_for_the_same_gift_card(round_):
    """The card had 100; the expired order spent 30 of it, another shopper's checkout wants 80: one of
    them gets it, the card never below zero, one spend of it per order and round."""
    card = card_of()
    order = place(UserFactory(), card=card)
    payment = expire_waiting(order)
    other = make_order(customer=UserFactory())

    outcomes = _race(lambda: late_notice(payment), lambda: gift_card_spend(code=card.code, order=other, amount="80.00"))

    card.refresh_from_db()
    order.refresh_from_db()
    if order.status == OrderStatus.PAID:
        assert isinstance(outcomes["checkout"], GiftCardError)
        assert card.balance == Decimal("70.00")
        assert not GiftCardUse.objects.filter(order=other).exists()
        assert_revived(order, payment)
    else:
        assert outcomes["checkout"] == "placed"
        assert card.balance == Decimal("20.00")
        assert ledger(GiftCardUse, order) == [(SPEND, 1, -CARD_SPENT), (RESTORE, 1, CARD_SPENT)]
        assert_refunded(order, payment)
    assert card.balance == card.amount + sum(GiftCardUse.objects.filter(card=card).values_list("amount", flat=True))


@needs_postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(4))
def test_a_late_payment_racing_a_checkout_for_the_same_customers_credit(round_):
    """The credit had 100; the expired order spent 20 of it, the same customer's new checkout wants
    90: one of them gets it, the balance never negative."""
    customer = UserFactory()
    credit = store_credit_issue(customer=customer, amount="100.00")
    order = place(customer, credit=credit)
    payment = expire_waiting(order)
    other = make_order(customer=customer)

    outcomes = _race(
        lambda: late_notice(payment),
        lambda: store_credit_spend(credit_id=credit.pk, customer=customer, order=other, amount="90.00"),
    )

    credit.refresh_from_db()
    order.refresh_from_db()
    if order.status == OrderStatus.PAID:
        assert isinstance(outcomes["checkout"], CreditError)
        assert credit.balance == Decimal("80.00")
        assert not CreditUse.objects.filter(order=other).exists()
        assert_revived(order, payment)
    else:
        assert outcomes["checkout"] == "placed"
        assert credit.balance == Decimal("10.00")
        assert ledger(CreditUse, order) == [(SPEND, 1, -CREDIT_SPENT), (RESTORE, 1, CREDIT_SPENT)]
        assert_refunded(order, payment)
    assert credit.balance == credit.amount + sum(
        CreditUse.objects.filter(credit=credit).values_list("amount", flat=True)
    )
