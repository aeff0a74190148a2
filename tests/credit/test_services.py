"""Store credit: issued, spent at most its balance, once per order, never another customer's or
an expired one, given back when the order that spent it is cancelled."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from credit.models import CreditUse, CreditUseKind, StoreCredit
from credit.selectors import credit_spent_on_order, order_amount_due, usable_credits
from credit.services import CreditError, store_credit_issue, store_credit_restore_for_order, store_credit_spend
from orders.services import order_cancel
from tests.factories import UserFactory, make_order

pytestmark = pytest.mark.django_db


def test_issue_numbers_and_expiry(customer):
    first = store_credit_issue(customer=customer, amount="50.00")
    second = store_credit_issue(customer=customer, amount=Decimal("20.10"))
    year = timezone.localtime().year
    assert (first.number, second.number) == (f"VC-{year}-00001", f"VC-{year}-00002")
    assert first.balance == first.amount == Decimal("50.00")
    assert timedelta(days=364) < first.expires_at - timezone.now() <= timedelta(days=365)


@pytest.mark.parametrize("amount", ["0", "-5", "abc", "1.234", "NaN", ""])
def test_issue_refuses_bad_amounts(customer, amount):
    with pytest.raises(CreditError):
        store_credit_issue(customer=customer, amount=amount)
    assert not StoreCredit.objects.exists()


def test_spend_keeps_a_ledger_and_the_balance(customer, credit):
    order = make_order(customer=customer)  # 2 × 199.90 + 15.00 = 414.80
    use = store_credit_spend(credit_id=credit.pk, customer=customer, order=order, amount="60.00")
    credit.refresh_from_db()
    assert (use.kind, use.amount, credit.balance) == (CreditUseKind.SPEND, Decimal("-60.00"), Decimal("40.00"))
    assert credit_spent_on_order(order_id=order.pk) == Decimal("60.00")
    assert order_amount_due(order) == order.total - Decimal("60.00")


def test_spending_again_on_the_same_order_is_the_same_use(customer, credit):
    order = make_order(customer=customer)
    first = store_credit_spend(credit_id=credit.pk, customer=customer, order=order, amount="30.00")
    again = store_credit_spend(credit_id=credit.pk, customer=customer, order=order, amount="30.00")
    credit.refresh_from_db()
    assert first.pk == again.pk and credit.balance == Decimal("70.00") and CreditUse.objects.count() == 1


def test_another_customers_credit_is_refused(customer, credit):
    thief = UserFactory()
    order = make_order(customer=thief)
    with pytest.raises(CreditError, match="no existe"):
        store_credit_spend(credit_id=credit.pk, customer=thief, order=order, amount="10.00")
    credit.refresh_from_db()
    assert credit.balance == Decimal("100.00") and not CreditUse.objects.exists()


@pytest.mark.parametrize("credit_id", ["999999", "abc", None, "1 OR 1=1"])
def test_unknown_credit_ids_are_refused(customer, credit, credit_id):
    with pytest.raises(CreditError):
        store_credit_spend(credit_id=credit_id, customer=customer, order=make_order(customer=customer), amount="1.00")


def test_over_spend_and_more_than_the_order_are_refused(customer, credit):
    order = make_order(customer=customer)
    with pytest.raises(CreditError, match="solo le quedan"):
        store_credit_spend(credit_id=credit.pk, customer=customer, order=order, amount="100.01")
    big = store_credit_issue(customer=customer, amount="1000.00")
    with pytest.raises(CreditError, match="total del pedido"):
        store_credit_spend(credit_id=big.pk, customer=customer, order=order, amount=order.total + Decimal("0.01"))
    assert not CreditUse.objects.exists()


def test_an_expired_credit_cannot_be_spent(customer, credit):
    StoreCredit.objects.filter(pk=credit.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(CreditError, match="venció"):
        store_credit_spend(credit_id=credit.pk, customer=customer, order=make_order(customer=customer), amount="5.00")
    assert usable_credits(user=customer) == []


def test_guests_cannot_spend_credit(credit):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(CreditError):
        store_credit_spend(credit_id=credit.pk, customer=AnonymousUser(), order=make_order(), amount="5.00")


def test_the_balance_can_never_go_negative_in_the_database(credit):
    with pytest.raises(IntegrityError), transaction.atomic():
        StoreCredit.objects.filter(pk=credit.pk).update(balance=Decimal("-0.01"))


def test_a_cancelled_order_gives_its_credit_back_once(customer, credit):
    order = make_order(customer=customer)
    store_credit_spend(credit_id=credit.pk, customer=customer, order=order, amount="45.50")
    order_cancel(order=order, actor=customer, reason="", by_customer=True)
    credit.refresh_from_db()
    assert credit.balance == Decimal("100.00")
    assert list(credit.uses.values_list("kind", "amount")) == [
        (CreditUseKind.SPEND, Decimal("-45.50")),
        (CreditUseKind.RESTORE, Decimal("45.50")),
    ]
    assert store_credit_restore_for_order(order=order) == Decimal("0.00")  # replayed: nothing more
    assert credit_spent_on_order(order_id=order.pk) == Decimal("0.00")


def test_the_unpaid_timeout_gives_credit_back(customer, credit):
    from orders.models import Order
    from orders.services import orders_cancel_unpaid

    order = make_order(customer=customer)
    store_credit_spend(credit_id=credit.pk, customer=customer, order=order, amount="20.00")
    Order.objects.filter(pk=order.pk).update(placed_at=timezone.now() - timedelta(days=1))
    assert orders_cancel_unpaid(older_than_minutes=60) == 1
    credit.refresh_from_db()
    assert credit.balance == Decimal("100.00")


def test_staff_cancel_of_an_order_paid_partly_with_credit(customer, credit, staff):
    from payments.models import Refund
    from payments.services import payment_method_ensure_test_gateway, payment_start, payment_test_gateway_pay
    from tests.factories import VariantFactory, WarehouseFactory, stock

    variant = VariantFactory()
    stock(variant, WarehouseFactory(), 5)
    order = make_order(customer=customer, variant=variant)
    store_credit_spend(credit_id=credit.pk, customer=customer, order=order, amount="60.00")
    payment = payment_start(order=order, method=payment_method_ensure_test_gateway())
    payment_test_gateway_pay(payment=payment)
    order = order_cancel(order=order, actor=staff, reason="Sin stock", by_customer=False)
    credit.refresh_from_db()
    refund = Refund.objects.get(payment=payment)
    assert credit.balance == Decimal("100.00") and refund.amount == order.total - Decimal("60.00")
    assert f"{order.total - Decimal('60.00'):.2f}" in order.attention_note
