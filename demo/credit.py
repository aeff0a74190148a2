"""Demo gift cards, made through the services: the demo customer buys one for a friend (an order
of its own, paid through the test gateway, e-mailed on its date by the delivery job), and staff
issue one to the demo customer, who spends part of it on an order whose rest the test gateway
pays. Found again by their order's key or their reason, so a second run changes nothing."""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from cart.services import CartError
from checkout.services import CheckoutError
from credit.models import GiftCard
from credit.services.gift_cards import gift_card_details_clean, gift_card_issue, gift_cards_deliver_due
from orders.models import Order
from orders.services import order_create_for_gift_cards

BOUGHT_KEY = "demo-tarjeta-de-regalo"
ISSUED_REASON = "Demo: cortesía de bienvenida"
SPENT_SCENARIO = "pagado-con-tarjeta-de-regalo"
SPENT_AMOUNT = Decimal("40.00")


def load_demo_gift_cards(*, customer_email: str) -> dict[str, str]:
    """{what: card number} of the demo cards after the run."""
    from demo.shipping import DEMO_KEY, _demo_variants, _pay, _place
    from shipping.models import ShippingMethod

    customer = get_user_model().objects.filter(email=customer_email).first()
    staff = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    if customer is None or staff is None:
        return {}
    today = timezone.localdate()
    with transaction.atomic():
        bought = Order.objects.filter(idempotency_key=BOUGHT_KEY).first()
        if bought is None:
            details = gift_card_details_clean(
                amount="150",
                recipient_name="Lucía Rojas",
                recipient_email="lucia.rojas@example.pe",
                sender_name=customer.get_full_name() or "Cliente",
                deliver_on=today,
                message="¡Feliz cumpleaños, Lucía! Elige lo que más te guste.",
            )
            bought = _pay(
                order_create_for_gift_cards(
                    customer=customer, email=customer.email, cards=[details], idempotency_key=BOUGHT_KEY
                )
            )
        issued = GiftCard.objects.filter(issue_reason=ISSUED_REASON).first()
        if issued is None:
            issued = gift_card_issue(
                actor=staff,
                amount="100",
                recipient_name=customer.get_full_name() or "Cliente",
                recipient_email=customer.email,
                sender_name="Kallpa",
                deliver_on=today,
                message="Gracias por comprar con nosotros.",
                reason=ISSUED_REASON,
            )
        if (
            not Order.objects.filter(idempotency_key=DEMO_KEY.format(SPENT_SCENARIO)).exists()
            and issued.is_usable
            and customer.addresses.exists()
        ):
            # A product the demo customer may still buy (other demo orders hold some up to their limit).
            for variant in _demo_variants(10, warehouse_code="LIM-CENTRAL", skip=30):
                try:
                    with transaction.atomic():
                        order = _place(
                            customer=customer,
                            scenario=SPENT_SCENARIO,
                            method=ShippingMethod.objects.get(code="olva-lima"),
                            variants=[variant],
                            gift_card_code=issued.code,
                            gift_card_amount=SPENT_AMOUNT,
                        )
                except (CartError, CheckoutError):
                    continue
                if order.payment_status != "paid":
                    _pay(order)
                break
    gift_cards_deliver_due()  # what the periodic job does on `make run`: the cards due today are e-mailed
    return {"bought": bought.gift_cards_sold.get().number, "issued": issued.number}
