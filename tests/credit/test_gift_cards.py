"""Gift cards: selling (pending until paid), activation, spending under the card's lock, giving
back on cancel, voiding, delivery once on its date, and the inputs refused."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from credit.models import GiftCard, GiftCardStatus, GiftCardUse, GiftCardUseKind
from credit.selectors import gift_cards_spent_on_order, order_amount_due
from credit.services.gift_cards import (
    GiftCardError,
    gift_card_code_new,
    gift_card_code_normalize,
    gift_card_deliver,
    gift_card_details_clean,
    gift_card_issue,
    gift_card_restore_for_order,
    gift_card_spend,
    gift_card_void,
    gift_cards_deliver_due,
)
from orders.models import OrderStatus, PaymentStatus
from orders.services import order_cancel, order_create_for_gift_cards, order_payment_record
from tests.factories import UserFactory, make_order

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def details(**changes):
    data = {
        "amount": "100",
        "recipient_name": "Lucía",
        "recipient_email": "lucia@example.pe",
        "sender_name": "Rosa",
        "message": "¡Feliz cumpleaños!",
        "deliver_on": TODAY(),
    }
    return gift_card_details_clean(**{**data, **changes})


def issued(staff, amount="100", **changes):
    data = {
        "amount": amount,
        "recipient_name": "Lucía",
        "recipient_email": "lucia@example.pe",
        "sender_name": "Kallpa",
        "reason": "Cortesía por demora",
    }
    return gift_card_issue(actor=staff, **{**data, **changes})


def test_codes_are_long_grouped_and_normalised():
    code = gift_card_code_new()
    assert len(code) == 19 and code.count("-") == 3
    assert gift_card_code_normalize(code.lower().replace("-", " ")) == code
    assert gift_card_code_normalize("ABCD") is None
    assert gift_card_code_normalize("OOOO-IIII-0000-1111") is None  # letters the alphabet leaves out
    assert len({gift_card_code_new() for _ in range(200)}) == 200


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"amount": "49"}, "S/"),
        ({"amount": "1001"}, "S/"),
        ({"amount": "75.50"}, "soles enteros"),
        ({"amount": "abc"}, "soles enteros"),
        ({"amount": "NaN"}, "soles enteros"),
        ({"amount": "-100"}, "S/"),
        ({"recipient_email": "not-an-email"}, "correo"),
        ({"recipient_name": "  "}, "nombre"),
        ({"message": "x" * 301}, "300"),
        ({"deliver_on": "2020-01-01"}, "pasado"),
        ({"deliver_on": "mañana"}, "fecha"),
    ],
)
def test_bad_details_are_refused(changes, message):
    if changes.get("deliver_on") == "2020-01-01":
        changes["deliver_on"] = (TODAY() - timedelta(days=1)).isoformat()
    with pytest.raises(GiftCardError, match=message):
        details(**changes)


def test_delivery_at_most_a_year_ahead_and_amount_bounds_accepted():
    assert details(amount="50").amount == Decimal("50.00")
    assert details(amount="1000").amount == Decimal("1000.00")
    assert details(deliver_on=TODAY() + timedelta(days=365)).deliver_on == TODAY() + timedelta(days=365)
    with pytest.raises(GiftCardError, match="un año"):
        details(deliver_on=TODAY() + timedelta(days=366))


def test_a_sold_card_is_pending_until_paid_then_spendable_and_delivered(customer, django_capture_on_commit_callbacks):
    order = order_create_for_gift_cards(
        customer=customer, email=customer.email, cards=[details(amount="200")], idempotency_key="k1"
    )
    assert (order.total, order.gift_cards_total, order.subtotal, order.lines.count()) == (
        Decimal("200.00"),
        Decimal("200.00"),
        Decimal("0.00"),
        0,
    )
    card = GiftCard.objects.get(order=order)
    assert (card.status, card.balance) == (GiftCardStatus.PENDING, Decimal("0.00"))
    with pytest.raises(GiftCardError, match="no existe"):  # not paid yet: not spendable
        gift_card_spend(code=card.code, order=make_order(), amount="10.00")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        order_payment_record(order=order)
    card.refresh_from_db()
    assert (card.status, card.balance) == (GiftCardStatus.ACTIVE, Decimal("200.00"))
    assert card.delivered_at is not None  # due today: e-mailed at once (tasks run inline here)
    recipient = [m for m in mail.outbox if m.to == ["lucia@example.pe"]]
    buyer = [m for m in mail.outbox if m.to == [customer.email] and "Lucía" in m.subject]
    assert len(recipient) == 1 and card.code in recipient[0].body and "¡Feliz cumpleaños!" in recipient[0].body
    assert len(buyer) == 1 and card.code not in buyer[0].body  # the buyer's copy does not carry the code
    order.refresh_from_db()
    assert not order.receipts.exists()  # a card's sale is no sale of goods (SUNAT Informe 097-2010)


def test_the_same_key_places_one_gift_card_order(customer):
    first = order_create_for_gift_cards(customer=customer, email=customer.email, cards=[details()], idempotency_key="k")
    again = order_create_for_gift_cards(customer=customer, email=customer.email, cards=[details()], idempotency_key="k")
    assert again.pk == first.pk and again.replayed and GiftCard.objects.count() == 1


def test_a_card_for_a_later_date_waits_for_it(customer):
    order = order_create_for_gift_cards(
        customer=customer,
        email=customer.email,
        cards=[details(deliver_on=TODAY() + timedelta(days=3))],
        idempotency_key="k",
    )
    order_payment_record(order=order)
    card = GiftCard.objects.get()
    mail.outbox.clear()
    assert gift_cards_deliver_due() == 0 and card.delivered_at is None
    assert gift_cards_deliver_due(today=TODAY() + timedelta(days=3)) == 0  # the service reads the real date
    GiftCard.objects.filter(pk=card.pk).update(deliver_on=TODAY())
    assert gift_cards_deliver_due() == 1
    assert gift_cards_deliver_due() == 0 and gift_card_deliver(card_id=card.pk) is False  # once
    assert len([m for m in mail.outbox if m.to == ["lucia@example.pe"]]) == 1


def test_spending_part_keeps_the_balance_and_a_replay_spends_once(staff):
    card = issued(staff, amount="100")
    order = make_order()
    use = gift_card_spend(code=card.code, order=order, amount="60.00")
    again = gift_card_spend(code=card.code.lower(), order=order, amount="60.00")
    assert again.pk == use.pk
    card.refresh_from_db()
    assert card.balance == Decimal("40.00")
    assert gift_cards_spent_on_order(order_id=order.pk) == Decimal("60.00")
    assert order_amount_due(order) == order.total - Decimal("60.00")
    with pytest.raises(GiftCardError, match="solo le quedan"):
        gift_card_spend(code=card.code, order=make_order(), amount="40.01")


def test_a_card_cannot_pay_more_than_the_order_owes(staff):
    card = issued(staff, amount="1000")
    order = make_order()
    with pytest.raises(GiftCardError, match="no puede superar"):
        gift_card_spend(code=card.code, order=order, amount=str(order.total + Decimal("0.01")))
    assert GiftCardUse.objects.count() == 0


@pytest.mark.parametrize("amount", ["0", "-5", "1.001", "abc", "inf"])
def test_tampered_amounts_are_refused(staff, amount):
    card = issued(staff)
    with pytest.raises(GiftCardError):
        gift_card_spend(code=card.code, order=make_order(), amount=amount)
    card.refresh_from_db()
    assert card.balance == card.amount


def test_unknown_expired_voided_and_empty_cards_say_so(staff):
    order = make_order()
    with pytest.raises(GiftCardError, match="no existe"):
        gift_card_spend(code="ABCD-EFGH-JKLM-NPQR", order=order, amount="1.00")
    expired = issued(staff)
    GiftCard.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(days=1))
    with pytest.raises(GiftCardError, match="venció"):
        gift_card_spend(code=expired.code, order=order, amount="1.00")
    voided = gift_card_void(card_id=issued(staff).pk, actor=staff, reason="Fraude")
    with pytest.raises(GiftCardError, match="anulada"):
        gift_card_spend(code=voided.code, order=order, amount="1.00")
    empty = issued(staff, amount="50")
    gift_card_spend(code=empty.code, order=make_order(), amount="50.00")
    with pytest.raises(GiftCardError, match="no le queda saldo"):
        gift_card_spend(code=empty.code, order=order, amount="1.00")


def test_cancelling_an_unpaid_order_gives_the_card_back_once(staff, customer):
    card = issued(staff)
    order = make_order(customer=customer)
    gift_card_spend(code=card.code, order=order, amount="70.00")
    order_cancel(order=order, actor=customer, reason="", by_customer=True)
    assert gift_card_restore_for_order(order=order) == Decimal("0.00")  # a second time gives nothing
    card.refresh_from_db()
    assert card.balance == Decimal("100.00")
    assert list(card.uses.values_list("kind", flat=True)) == [GiftCardUseKind.SPEND, GiftCardUseKind.RESTORE]


def test_voiding_writes_off_the_balance_in_the_history_once(staff):
    card = issued(staff)
    gift_card_spend(code=card.code, order=make_order(), amount="30.00")
    gift_card_void(card_id=card.pk, actor=staff, reason="Reportada como robada")
    gift_card_void(card_id=card.pk, actor=staff, reason="otra vez")
    card.refresh_from_db()
    assert (card.status, card.balance, card.void_reason) == (
        GiftCardStatus.VOIDED,
        Decimal("0.00"),
        "Reportada como robada",
    )
    void = card.uses.get(kind=GiftCardUseKind.VOID)
    assert (void.amount, void.actor) == (Decimal("-70.00"), staff)


def test_only_staff_with_a_reason_issue_or_void(staff, customer):
    with pytest.raises(GiftCardError, match="Solo el personal"):
        issued(customer)
    with pytest.raises(GiftCardError, match="Indica por qué"):
        issued(staff, reason=" ")
    card = issued(staff)
    with pytest.raises(GiftCardError, match="Solo el personal"):
        gift_card_void(card_id=card.pk, actor=customer, reason="x")
    with pytest.raises(GiftCardError, match="Indica por qué"):
        gift_card_void(card_id=card.pk, actor=staff, reason="")
    with pytest.raises(GiftCardError, match="no existe"):
        gift_card_void(card_id=999999, actor=staff, reason="x")


def test_cancelling_an_unpaid_gift_card_order_voids_its_pending_cards(customer):
    order = order_create_for_gift_cards(customer=customer, email=customer.email, cards=[details()], idempotency_key="k")
    order_cancel(order=order, actor=customer, reason="", by_customer=True)
    card = GiftCard.objects.get()
    assert card.status == GiftCardStatus.VOIDED and not card.uses.exists()  # it never held money
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED and order.payment_status == PaymentStatus.UNPAID


def test_a_paid_gift_card_order_whose_card_was_used_cannot_be_cancelled(customer, staff):
    from orders.exceptions import CancelNotAllowed

    order = order_create_for_gift_cards(customer=customer, email=customer.email, cards=[details()], idempotency_key="k")
    order_payment_record(order=order)
    card = GiftCard.objects.get()
    gift_card_spend(code=card.code, order=make_order(), amount="10.00")
    with pytest.raises(CancelNotAllowed, match="tarjeta de regalo"):
        order_cancel(order=order, actor=staff, reason="", by_customer=False)


def test_the_database_refuses_a_negative_balance(staff):
    card = issued(staff)
    with pytest.raises(IntegrityError), transaction.atomic():
        GiftCard.objects.filter(pk=card.pk).update(balance=Decimal("-1.00"))
    with pytest.raises(IntegrityError), transaction.atomic():
        GiftCard.objects.filter(pk=card.pk).update(balance=Decimal("100.01"))


def test_other_customers_may_spend_a_card_with_its_code(staff):
    card = issued(staff)
    someone = UserFactory()
    gift_card_spend(code=card.code, order=make_order(customer=someone), amount="10.00")
    card.refresh_from_db()
    assert card.balance == Decimal("90.00")
