"""What paid an order, everywhere it is shown (issue 45, item 2): a gift card and store credit used at
checkout stay on the order's page, its confirmation, the e-mails, the payment page, the account's list
and the admin, each means with its amount beside the total (payments.selectors.orders_payments)."""

import re
from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from credit.services import store_credit_issue
from credit.services.gift_cards import gift_card_issue
from orders.emails import render_order_email
from orders.models import Order, OrderEmail, OrderEmailKind
from receipts.models import Receipt
from tests.factories import UserFactory, delivery, details, fill_cart, place, review_key
from tests.harness import clear_cache

pytestmark = [pytest.mark.django_db, pytest.mark.shop("checkout")]


@pytest.fixture(autouse=True)
def _fresh_limits():
    clear_cache()  # the gift card look-up's rate limit
    yield
    clear_cache()


def money(amount) -> str:
    return f"S/ {Decimal(amount):,.2f}"


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def to_review(client):
    fill_cart(client, ("HOOD-M", 1))
    assert details(client, email="").status_code == 302
    assert delivery(client).status_code == 302


@pytest.fixture
def order_paid_three_ways(shop, shopper, customer, card, django_capture_on_commit_callbacks):
    """Paid 60.00 with the gift card, 30.00 with store credit and the rest with the test gateway's card."""
    credit = store_credit_issue(customer=customer, amount="30.00")
    to_review(shopper)
    shopper.post(reverse("checkout:credit"), {"credit": credit.pk, "amount": "30.00"})
    shopper.post(reverse("checkout:gift_card"), {"code": card.code, "amount": "60.00"})
    review = shopper.get(reverse("checkout:review"))
    total = review.context["total"]
    summary = text(review.content.decode().split('class="checkout-summary', 1)[1])
    # The side summary says what the button charges: the total, each means, the rest.
    assert f"Tarjeta de regalo •••• {card.code[-4:]} −{money('60.00')}" in summary
    assert f"Vale de compra {credit.number} −{money('30.00')}" in summary
    assert f"A pagar {money(total - 90)}" in summary
    assert f"Realizar pedido y pagar {money(total - 90)}" in review.content.decode()
    place(shopper, review_key(shopper))
    order = Order.objects.get()
    pay_page = text(shopper.get(reverse("payments:pay", args=[order.number])).content.decode())
    assert f"Total {money(total)}" in pay_page and f"A pagar {money(total - 90)}" in pay_page
    assert f"Tarjeta de regalo •••• {card.code[-4:]} {money('60.00')}" in pay_page
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        shopper.post(reverse("payments:test_gateway", args=[order.number]), {"action": "pay"})
    order.refresh_from_db()
    return {"order": order, "card": card, "credit": credit, "rest": total - 90}


def test_the_one_selector_lists_each_means_and_nothing_left_to_pay(order_paid_three_ways):
    from payments.selectors import order_payments

    order, card = order_paid_three_ways["order"], order_paid_three_ways["card"]
    paid = order_payments(order)
    assert [(means.kind, means.amount) for means in paid.means] == [
        ("store_credit", Decimal("30.00")),
        ("gift_card", Decimal("60.00")),
        ("gateway", order_paid_three_ways["rest"]),
    ]
    assert paid.paid == order.total and paid.due == 0
    assert paid.means[1].label == f"Tarjeta de regalo •••• {card.code[-4:]}"
    assert "Visa •••• 4242" in paid.means[2].label


def test_the_means_are_read_by_a_query_compiled_once(order_paid_three_ways, monkeypatch):
    """The UNION of gift cards, store credit and gateway payments was built and compiled on every order and
    payment page: compiled once per process now, each read binding its own orders."""
    from django.db.models.sql.compiler import SQLCompiler

    from payments.selectors import orders_payments

    order = order_paid_three_ways["order"]
    first = orders_payments([order])[order.pk]
    compiled = []
    original = SQLCompiler.as_sql
    monkeypatch.setattr(SQLCompiler, "as_sql", lambda self, *a, **k: compiled.append(1) or original(self, *a, **k))
    again = orders_payments([order])[order.pk]
    assert compiled == []
    assert again == first and len(again.means) == 3
    assert orders_payments([Order(pk=order.pk + 1000, total=Decimal("1.00"))])[order.pk + 1000].means == ()


def test_the_order_page_shows_every_means_and_the_total(shopper, order_paid_three_ways):
    order, card, credit = order_paid_three_ways["order"], order_paid_three_ways["card"], order_paid_three_ways["credit"]
    page = text(shopper.get(order.get_absolute_url()).content.decode())
    assert f"Total {money(order.total)} Pagado con" in page
    assert f"Vale de compra {credit.number} {money('30.00')}" in page
    assert f"Tarjeta de regalo •••• {card.code[-4:]} {money('60.00')}" in page
    assert f"Visa •••• 4242 {money(order_paid_three_ways['rest'])}" in page
    # The timeline says the card paid too, not only the gateway.
    assert f"Pagado {money('60.00')} con la tarjeta de regalo •••• {card.code[-4:]}" in page


def test_the_payment_e_mail_lists_the_means_not_the_whole_total_as_a_card_payment(order_paid_three_ways):
    order, card = order_paid_three_ways["order"], order_paid_three_ways["card"]
    _subject, body, html = render_order_email(OrderEmail.objects.get(order=order, kind=OrderEmailKind.PAID))
    assert f"Confirmamos tu pago de {money(order.total)}" not in body
    assert "Confirmamos tu pago." in body
    assert f"Tarjeta de regalo •••• {card.code[-4:]}: {money('60.00')}" in body
    assert f"Visa •••• 4242: {money(order_paid_three_ways['rest'])}" in body
    assert f"Total: {money(order.total)}" in body
    assert f"Tarjeta de regalo •••• {card.code[-4:]} {money('60.00')}" in text(html)


def test_the_receipt_e_mail_says_what_paid_the_receipts_total(
    order_paid_three_ways, django_capture_on_commit_callbacks
):
    from receipts.emails import deliver_receipt

    order, card = order_paid_three_ways["order"], order_paid_three_ways["card"]
    receipt = Receipt.objects.filter(order=order).first()
    if receipt is None:  # issued after commit by its task
        from receipts.services import receipt_issue_for_order

        receipt = receipt_issue_for_order(order_id=order.pk)
    mail.outbox.clear()
    deliver_receipt(receipt_id=receipt.pk)
    body = mail.outbox[-1].body
    assert f"Tarjeta de regalo •••• {card.code[-4:]}: {money('60.00')}" in body
    assert f"Visa •••• 4242: {money(order_paid_three_ways['rest'])}" in body


def test_the_accounts_list_names_the_means_with_a_flat_query_count(
    shopper, order_paid_three_ways, django_assert_num_queries
):
    order, card = order_paid_three_ways["order"], order_paid_three_ways["card"]
    shopper.get(reverse("orders:list"))  # warm the session
    with django_assert_num_queries(3):  # the page's count, its orders, what paid them
        page = text(shopper.get(reverse("orders:list")).content.decode())
    assert f"Tarjeta de regalo •••• {card.code[-4:]}: {money('60.00')}" in page
    assert f"{money(order.total)}" in page


def test_the_admin_order_page_shows_what_paid_it(order_paid_three_ways):
    order, card, credit = order_paid_three_ways["order"], order_paid_three_ways["card"], order_paid_three_ways["credit"]
    staff = Client()
    staff.force_login(UserFactory(is_staff=True, is_superuser=True))
    page = text(staff.get(reverse("admin:orders_order_change", args=[order.pk])).content.decode())
    assert f"Tarjeta de regalo •••• {card.code[-4:]}: {money('60.00')}" in page
    assert f"Vale de compra {credit.number}: {money('30.00')}" in page
    assert f"Visa •••• 4242: {money(order_paid_three_ways['rest'])}" in page


def test_a_gift_card_order_reads_gift_card_without_shipping_or_igv(shop, shopper, customer):
    from django.utils import timezone

    from credit.services.gift_cards import gift_card_details_clean
    from orders.services import order_create_for_gift_cards, order_payment_record

    cards = [
        gift_card_details_clean(
            amount="150",
            recipient_name="Lucía",
            recipient_email="lucia@example.pe",
            sender_name="Rosa",
            deliver_on=timezone.localdate(),
        )
    ]
    order = order_create_for_gift_cards(customer=customer, email=customer.email, cards=cards, idempotency_key="k")
    paying = shopper.get(reverse("payments:pay", args=[order.number])).content.decode()
    paying = text(paying.split('class="pay-page"', 1)[1].split('class="pay-back"', 1)[0])
    assert "IGV" not in paying  # no IGV on money paid in advance (credit/models.py)
    order_payment_record(order=order)
    listing = text(shopper.get(reverse("orders:list")).content.decode())
    assert "Tarjeta de regalo" in listing and "0 productos" not in listing
    page = shopper.get(order.get_absolute_url()).content.decode()
    summary = text(page.split('id="order-summary-title"', 1)[1].split("</section>", 1)[0])
    assert "Envío" not in summary and "IGV" not in summary and "Subtotal" not in summary
    assert f"Tarjetas de regalo {money('150.00')}" in summary and f"Total {money('150.00')}" in summary
    _subject, body, _html = render_order_email(OrderEmail.objects.get(order=order, kind=OrderEmailKind.PLACED))
    assert "Envío" not in body and "IGV" not in body and "Dirección de entrega" not in body
    assert f"Tarjeta de regalo para Lucía: {money('150.00')}" in body
    staff = Client()
    staff.force_login(UserFactory(is_staff=True, is_superuser=True))
    admin = text(staff.get(reverse("admin:orders_order_change", args=[order.pk])).content.decode())
    assert "IGV incluido: Ninguno: las tarjetas de regalo son dinero adelantado" in admin


def test_an_order_paid_by_store_credit_and_a_gift_card_says_both(shop, shopper, customer):
    credit = store_credit_issue(customer=customer, amount="100.00")
    big = gift_card_issue(
        actor=UserFactory(is_staff=True),
        amount="500",
        recipient_name="Rosa",
        recipient_email="rosa@example.pe",
        sender_name="Lucía",
        reason="Prueba",
    )
    to_review(shopper)
    shopper.post(reverse("checkout:credit"), {"credit": credit.pk, "amount": "100.00"})
    shopper.post(reverse("checkout:gift_card"), {"code": big.code})
    response = place(shopper, review_key(shopper))
    order = Order.objects.get()
    page = text(shopper.get(response.url).content.decode())
    assert "está pagado con tu vale de compra y tu tarjeta de regalo" in page
    assert f"Vale de compra {credit.number} {money('100.00')}" in page
    assert f"Tarjeta de regalo •••• {big.code[-4:]} {money(order.total - 100)}" in page
