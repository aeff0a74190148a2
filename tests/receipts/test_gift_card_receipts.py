"""Gift cards and SUNAT (SUNAT Informe N.° 097-2010-SUNAT/2B0000, see credit/models.py): selling a
card issues no receipt; goods paid partly with a card get a boleta for their full price (the card
is a means of payment, not a discount), which SUNAT's rules accept."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from credit.services.gift_cards import gift_card_details_clean, gift_card_issue
from orders.services import order_create_for_gift_cards
from receipts.models import Receipt, ReceiptKind
from receipts.pending import orders_without_receipt
from tests.factories import UserFactory, checkout_order, pay
from tests.receipts.judge import judge_all

pytestmark = [pytest.mark.django_db, pytest.mark.shop("sunat")]


def test_goods_paid_partly_with_a_gift_card_get_a_boleta_of_their_full_price(
    shop, certificate, django_capture_on_commit_callbacks
):
    method, variant = shop
    staff = UserFactory(is_staff=True)
    card = gift_card_issue(
        actor=staff,
        amount="50",
        recipient_name="Luis",
        recipient_email="luis@example.pe",
        sender_name="Rosa",
        reason="Prueba",
    )
    customer = UserFactory(email="luis@example.pe")
    with django_capture_on_commit_callbacks(execute=True):
        order = checkout_order(
            customer=customer,
            variants=[(variant("129.00"), 1)],
            method=method,
            key="g",
            gift_card_code=card.code,
            gift_card_amount="50.00",
        )
        payment = pay(order)
    order.refresh_from_db()
    assert order.payment_status == "paid" and payment.amount == order.total - Decimal("50.00")
    boleta = Receipt.objects.get(order=order)
    assert boleta.kind == ReceiptKind.BOLETA
    # The card paid S/ 50 of it, yet the boleta is of the goods' whole price: the IGV base is theirs.
    assert boleta.total == order.total
    assert boleta.taxable_total + boleta.igv_total == order.total and boleta.discount_total == Decimal("0.00")
    judge_all([boleta], certificate)


def test_a_gift_card_sale_issues_no_receipt_now_nor_in_the_sweep(django_capture_on_commit_callbacks):
    buyer = UserFactory()
    details = gift_card_details_clean(
        amount="300",
        recipient_name="Ana",
        recipient_email="ana@example.pe",
        sender_name="Rosa",
        deliver_on=timezone.localdate(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        order = order_create_for_gift_cards(customer=buyer, email=buyer.email, cards=[details], idempotency_key="s")
        pay(order)
    order.refresh_from_db()
    assert order.payment_status == "paid"
    assert not Receipt.objects.exists()
    assert not orders_without_receipt(timezone.now() + timedelta(days=1)).exists()
