"""The demo gift cards: one bought by the demo customer and delivered, one issued by staff and
partly spent on an order the test gateway finishes paying; a second run changes nothing."""

from decimal import Decimal

import pytest
from django.core import mail

from credit.models import GiftCard, GiftCardStatus, GiftCardUse
from demo.credit import SPENT_AMOUNT, load_demo_gift_cards
from orders.models import PaymentStatus
from receipts.models import Receipt

pytestmark = pytest.mark.django_db


def test_demo_gift_cards_bought_delivered_and_partly_spent_and_load_once(django_capture_on_commit_callbacks):
    from demo.catalog.loader import load_demo_catalog
    from demo.inventory import load_demo_inventory
    from demo.management.commands.demo_data import (
        DEMO_STEPS,
        ensure_demo_customer,
        ensure_demo_gift_cards,
        ensure_demo_receipts,
    )
    from demo.shipping import load_demo_shipping

    assert DEMO_STEPS.index(ensure_demo_gift_cards) < DEMO_STEPS.index(ensure_demo_receipts)
    ensure_demo_customer({})
    from tests.factories import UserFactory

    UserFactory(is_staff=True, is_superuser=True)
    load_demo_catalog(products=60, seed=7, progress=False)
    load_demo_inventory(progress=False)
    load_demo_shipping()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        numbers = load_demo_gift_cards(customer_email="cliente@kallpa.pe")
    bought, issued = GiftCard.objects.get(number=numbers["bought"]), GiftCard.objects.get(number=numbers["issued"])
    assert bought.order.payment_status == PaymentStatus.PAID and bought.status == GiftCardStatus.ACTIVE
    assert bought.delivered_at is not None and any(bought.code in m.body for m in mail.outbox)
    assert issued.balance == issued.amount - SPENT_AMOUNT
    spent = GiftCardUse.objects.get(card=issued)
    assert spent.order.payment_status == PaymentStatus.PAID and spent.amount == -SPENT_AMOUNT
    assert spent.order.total > SPENT_AMOUNT  # the test gateway paid the rest
    ensure_demo_receipts()
    assert Receipt.objects.filter(order=spent.order, total=spent.order.total).exists()  # goods' full price
    assert not Receipt.objects.filter(order=bought.order).exists()  # a card's sale: no receipt

    snapshot = list(GiftCard.objects.order_by("pk").values_list("pk", "balance", "status"))
    sent = len(mail.outbox)
    assert load_demo_gift_cards(customer_email="cliente@kallpa.pe") == numbers
    assert list(GiftCard.objects.order_by("pk").values_list("pk", "balance", "status")) == snapshot
    assert GiftCardUse.objects.count() == 1 and len(mail.outbox) == sent
    assert Decimal(issued.amount) == Decimal("100.00")
