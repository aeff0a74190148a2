"""Gift cards in Chromium: customer A buys a card for B (preset amount, message, today) and pays
with the test gateway; the delivery job e-mails B the code; B pays part of an order with it at
checkout's review step, the test gateway charges the rest, and the balance page shows what is
left. Staff see the card and its history in the admin."""

from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from credit.models import GiftCard, GiftCardStatus
from credit.services.gift_cards import gift_cards_deliver_due
from orders.models import Order, PaymentStatus
from tests.e2e.helpers import PHONE, add_variant, fill_details, screenshot, sign_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.shop("checkout_journey")]


def reads_as_gift_cards(buyer) -> None:
    """An order of gift cards reads so: nothing shipped, no IGV, not "0 productos"."""
    summary = buyer.locator(".order-section--summary").inner_text()
    assert "Tarjetas de regalo" in summary
    assert "Envío" not in summary and "IGV" not in summary
    buyer.goto("/account/orders/")
    row = buyer.locator(".order-row").first.inner_text()
    assert "Tarjeta de regalo" in row and "0 productos" not in row
    screenshot(buyer, "gift-card-order-list")


def summary_names_the_card_and_the_rest(page, card) -> None:
    """Checkout's side summary says what the button charges: the card's part, then the rest to pay."""
    side = page.locator(".checkout-summary").inner_text()
    rest = page.locator("#place-order").inner_text().rsplit("S/", 1)[1].strip().rstrip(")")
    assert f"Tarjeta de regalo •••• {card.code[-4:]}" in side and "−S/ 60.00" in side
    assert f"A pagar\nS/ {rest}" in side


def order_pages_name_what_paid(page, desktop, order, card) -> None:
    """The confirmation (the order's page) and the account's list keep the card among what paid it."""
    paid = page.locator(".order-section--summary").inner_text()
    assert "Pagado con" in paid and f"Tarjeta de regalo •••• {card.code[-4:]}" in paid and "S/ 60.00" in paid
    assert f"S/ {order.total - 60:,.2f}" in paid and "Visa •••• 4242" in paid
    screenshot(page, "gift-card-order-paid")
    sign_in(desktop, "/accounts/login/?next=/account/orders/", "luis@example.pe")
    desktop.wait_for_url("**/account/orders/")
    assert f"Tarjeta de regalo •••• {card.code[-4:]}: S/ 60.00" in desktop.locator(".order-row").first.inner_text()
    desktop.goto(f"/account/orders/{order.number}/")
    assert f"Tarjeta de regalo •••• {card.code[-4:]}" in desktop.locator(".order-section--summary").inner_text()
    screenshot(desktop, "gift-card-order-paid")


def test_a_card_bought_by_one_customer_pays_part_of_anothers_order(new_page, shop):
    UserFactory(email="ana@example.pe", first_name="Ana", last_name="Torres")
    UserFactory(email="luis@example.pe", first_name="Luis", last_name="Rojas")
    staff = UserFactory(email="staff@example.pe", is_staff=True, is_superuser=True)

    # A buys the card.
    buyer = new_page()
    sign_in(buyer, "/accounts/login/?next=/checkout/gift-cards/", "ana@example.pe")
    buyer.wait_for_url("**/checkout/gift-cards/")
    screenshot(buyer, "gift-card-buy")
    buyer.check("input[name=amount][value='100']")
    buyer.fill("#id_recipient_name", "Luis")
    buyer.fill("#id_recipient_email", "luis@example.pe")
    buyer.fill("#id_message", "¡Feliz cumpleaños, Luis! <3")
    buyer.fill("#id_deliver_on", timezone.localdate().isoformat())
    buyer.check("input[name=payment_method][value='tarjeta-prueba']")
    buyer.locator("#buy-gift-card").click()
    buyer.wait_for_url("**/payments/order/**")
    screenshot(buyer, "gift-card-pay")
    buyer.locator("#pay-approve").click()
    buyer.wait_for_url(lambda url: "/payments/" not in url)
    sold = Order.objects.get(customer__email="ana@example.pe")
    assert sold.payment_status == PaymentStatus.PAID and sold.total == sold.gift_cards_total == Decimal("100.00")
    assert not sold.receipts.exists()
    reads_as_gift_cards(buyer)

    # The delivery job (every minute under beat or `make run`'s scheduler) e-mails it, once.
    gift_cards_deliver_due()
    card = GiftCard.objects.get(order=sold)
    assert card.status == GiftCardStatus.ACTIVE and card.delivered_at is not None
    [delivery] = [message for message in mail.outbox if message.to == ["luis@example.pe"]]
    assert card.code in delivery.body and "¡Feliz cumpleaños, Luis! <3" in delivery.body

    # B spends S/ 60 of it on a S/ 149 hoodie; the test gateway charges the rest.
    page = new_page(PHONE)
    sign_in(page, "/accounts/login/", "luis@example.pe")
    add_variant(page, "hoodie-andino", "m")
    fill_details(page, email=None, recipient="Luis Rojas")
    page.locator("#to-review").click()
    page.wait_for_url("**/checkout/review/")
    page.fill("#gift-card-code", card.code.lower())
    page.fill("#gift-card-amount", "60")
    page.locator("#apply-gift-card").click()
    page.locator("[data-gift-card-applied]").wait_for()
    assert "S/ 60.00" in page.locator("[data-gift-card-applied]").inner_text()
    summary_names_the_card_and_the_rest(page, card)
    screenshot(page, "gift-card-review")
    page.locator("#place-order").click()
    page.wait_for_url("**/payments/order/**")
    order = Order.objects.get(customer__email="luis@example.pe")
    assert order.payments.get().amount == order.total - Decimal("60.00")
    paying = page.locator(".pay-summary").inner_text()
    assert f"Tarjeta de regalo •••• {card.code[-4:]}" in paying
    assert f"S/ {order.total - 60:,.2f}" in paying
    screenshot(page, "gift-card-pay-rest")
    page.locator("#pay-approve").click()
    page.wait_for_url(lambda url: "/payments/" not in url)
    order.refresh_from_db()
    card.refresh_from_db()
    assert order.payment_status == PaymentStatus.PAID and card.balance == Decimal("40.00")
    order_pages_name_what_paid(page, new_page(), order, card)

    # Anyone with the code sees the balance; nobody sees whose orders it paid.
    balance = new_page()
    balance.goto("/gift-cards/balance/")
    balance.fill("#id_code", card.code)
    balance.locator("#check-balance").click()
    balance.locator("[data-gift-card-balance]").wait_for()
    text = balance.locator("[data-gift-card-balance]").inner_text()
    assert "S/ 40.00" in text and order.number not in balance.content()
    screenshot(balance, "gift-card-balance")

    # Staff: the card, its masked code and its history.
    admin = new_page()
    sign_in(admin, "/admin/login/", staff.email, field="username")
    admin.goto(f"/admin/credit/giftcard/{card.pk}/change/")
    assert card.code not in admin.content() and card.code[-4:] in admin.content()
    assert order.number in admin.content()
    screenshot(admin, "gift-card-admin")
    # The admin order says what paid it: the card's part and the gateway's.
    admin.goto(f"/admin/orders/order/{order.pk}/change/")
    paid_with = admin.locator("#order-paid-with").inner_text()
    assert f"Tarjeta de regalo •••• {card.code[-4:]}: S/ 60.00" in paid_with
    assert "Visa •••• 4242" in paid_with
    screenshot(admin, "gift-card-order-admin")
