"""The comparison on its own (no database, no network): the rules that decide what is a finding."""

from datetime import timedelta
from decimal import Decimal

from payments.clients.listing import GatewayDay, ListedPayment, ListedRefund
from reconciliation.compare import Day, StorePayment, StoreRefund, StoreRows, compare
from reconciliation.models import Discrepancy

from .store_rows import lima

Kind = Discrepancy.Kind
DAY = Day(start=lima(20, 0), end=lima(21, 0))
AT = lima(20, 12)


def paid(pk: int, reference: str, amount: str, *, order_id: int | None = None, succeeded=True) -> StorePayment:
    return StorePayment(
        pk=pk,
        order_id=order_id or pk,
        reference=reference,
        amount=Decimal(amount),
        currency="PEN",
        succeeded=succeeded,
        status="Exitoso" if succeeded else "Fallido",
        completed_at=AT,
    )


def taken(reference: str, amount: str, *, at=AT, attempt: int | None = None) -> ListedPayment:
    return ListedPayment(reference, Decimal(amount), "PEN", at, attempt)


def given(reference: str, payment: str, amount: str, *, at=AT) -> ListedRefund:
    return ListedRefund(reference, payment, Decimal(amount), "PEN", at)


def kinds(findings) -> set[tuple[str, str]]:
    return {(finding.kind, finding.key) for finding in findings}


def test_a_payment_taken_and_refunded_in_full_at_the_gateway_is_not_a_finding():
    listed = GatewayDay(payments=(taken("pi_back", "50.00"),), refunds=(given("re_back", "pi_back", "50.00"),))
    store = StoreRows(refunds=())
    # The refund itself is still one: the store never recorded it.
    assert kinds(compare(day=DAY, listed=listed, store=store)) == {(Kind.REFUND_MISSING_IN_STORE, "re_back")}


def test_paid_twice_once_the_second_is_refunded_in_full_is_settled():
    store = StoreRows(
        payments=(paid(1, "pi_1", "80.00", order_id=7), paid(2, "pi_2", "80.00", order_id=7, succeeded=False))
    )
    twice = GatewayDay(payments=(taken("pi_1", "80.00"), taken("pi_2", "80.00", at=AT + timedelta(minutes=3))))
    assert kinds(compare(day=DAY, listed=twice, store=store)) == {(Kind.PAID_TWICE, "order:7")}
    settled = GatewayDay(payments=twice.payments, refunds=(given("re_2", "pi_2", "80.00"),))
    store_with_refund = StoreRows(
        payments=store.payments,
        refunds=(StoreRefund(9, 7, "re_2", Decimal("80.00"), True, "Exitoso", AT),),
    )
    assert compare(day=DAY, listed=settled, store=store_with_refund) == []


def test_a_refund_the_store_has_not_finished_or_with_another_amount():
    store = StoreRows(
        payments=(paid(1, "pi_1", "80.00"),),
        refunds=(
            StoreRefund(3, 1, "re_waiting", Decimal("10.00"), False, "Aprobado", AT),
            StoreRefund(4, 1, "re_other", Decimal("12.00"), True, "Exitoso", AT),
        ),
    )
    listed = GatewayDay(
        payments=(taken("pi_1", "80.00"),),
        refunds=(given("re_waiting", "pi_1", "10.00"), given("re_other", "pi_1", "15.00")),
    )
    found = {finding.key: finding for finding in compare(day=DAY, listed=listed, store=store)}
    assert (found["re_waiting"].kind, found["re_other"].kind) == (Kind.REFUND_MISSING_IN_STORE, Kind.AMOUNT_DIFFERS)
    assert "Aprobado" in found["re_waiting"].detail and found["re_waiting"].order_id == 1
    assert (found["re_other"].gateway_amount, found["re_other"].store_amount) == (Decimal("15.00"), Decimal("12.00"))


def test_rows_outside_the_day_are_context_not_findings():
    before, after = DAY.start - timedelta(minutes=10), DAY.end + timedelta(minutes=10)
    listed = GatewayDay(payments=(taken("pi_before", "5.00", at=before), taken("pi_after", "6.00", at=after)))
    store = StoreRows(payments=(paid(1, "pi_before", "5.00"),))  # recorded on the day, taken the day before
    assert compare(day=DAY, listed=listed, store=store) == []


def test_an_attempt_found_by_the_id_the_store_sent_links_its_order():
    store = StoreRows(payments=(paid(5, "5O190127TN364715T", "30.00", order_id=42, succeeded=False),))
    listed = GatewayDay(payments=(taken("8MC585209K746392H", "30.00", attempt=5),))
    (finding,) = compare(day=DAY, listed=listed, store=store)
    assert (finding.kind, finding.order_id, finding.gateway_amount) == (Kind.MISSING_IN_STORE, 42, Decimal("30.00"))
