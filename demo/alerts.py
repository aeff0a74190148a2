"""Demo alerts, made through alerts' services (idempotent: a second run writes nothing new).

Shoppers wait for a few sold-out sizes (the demo customer and the demo reviewers, active; one
guest still to confirm), one waits for an upcoming drop's launch when the demo has one, so
purchasing's "Demanda por variante" list has rows; and the demo customer's cart, left with a
jacket, was reminded and recovered (the reminder list's totals).
"""

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef

from alerts import services
from alerts.models import CartReminder
from cart.services import ClientId, cart_add, user_cart
from catalog.models import Product, Variant, awaiting_launch
from demo.constants import CUSTOMER_EMAIL
from inventory.selectors import variant_in_stock
from legal.selectors import marketing_opted_in
from legal.services import consent_marketing_set

SOLD_OUT_SIZES = 4
GUEST_EMAIL = "invitada.demo@example.pe"
DEMO_IP = "127.0.0.1"


def _sold_out_sizes() -> list[Variant]:
    """Sold-out options of products whose other options are in stock: what "Avísame" is for."""
    others_in_stock = (
        Variant.objects.filter(product_id=OuterRef("product_id"), is_active=True)
        .exclude(pk=OuterRef("pk"))
        .filter(variant_in_stock())
    )
    return list(
        Variant.objects.filter(
            is_active=True,
            product__status=Product.Status.ACTIVE,
            product__product_type=Product.Type.PHYSICAL,
            option_values__isnull=False,
        )
        .exclude(variant_in_stock())
        .filter(Exists(others_in_stock))
        .distinct()
        .order_by("pk")[:SOLD_OUT_SIZES]
    )


def _waiting_shoppers(customer_email: str) -> list:
    User = get_user_model()
    return list(User.objects.filter(email__endswith="@demo.kallpa.pe").order_by("pk")[:3]) + list(
        User.objects.filter(email=customer_email)
    )


def _recovered_cart(customer) -> None:
    cart = user_cart(customer)
    if CartReminder.objects.filter(cart_key=cart.id).exists():
        return
    if not marketing_opted_in(user=customer):
        consent_marketing_set(user=customer, granted=True)
    in_stock = Variant.objects.filter(
        is_active=True, product__status=Product.Status.ACTIVE, product__product_type=Product.Type.PHYSICAL
    ).filter(variant_in_stock())
    variant = in_stock.exclude(product_id__in=awaiting_launch()).order_by("pk").first()
    if variant is None:
        return
    cart_add(cart=cart, sku=variant.sku, quantity=1, client=ClientId(ip=DEMO_IP))
    services.cart_reminders_send_due(idle_hours=0)
    reminder = CartReminder.objects.filter(cart_key=cart.id).first()
    if reminder is not None:
        services.cart_reminder_recover(reminder=reminder, cart=cart)


def load_demo_alerts(*, customer_email: str) -> None:
    shoppers = _waiting_shoppers(customer_email)
    for index, variant in enumerate(_sold_out_sizes()):
        for shopper in shoppers[index % 2 :]:  # a different number waits for each size
            services.stock_alert_request(variant_id=variant.pk, email=shopper.email, user=shopper)
        if index == 0:
            services.stock_alert_request(variant_id=variant.pk, email=GUEST_EMAIL)
    upcoming = Variant.objects.filter(is_active=True, product_id__in=awaiting_launch()).order_by("pk").first()
    if upcoming is not None and shoppers:
        services.stock_alert_request(variant_id=upcoming.pk, email=shoppers[-1].email, user=shoppers[-1])
    customer = get_user_model().objects.filter(email=customer_email).first()
    if customer is not None:
        _recovered_cart(customer)


def ensure_demo_alerts() -> None:
    """demo_data's step (before the receipts): the demo customer is one of those waiting."""
    load_demo_alerts(customer_email=CUSTOMER_EMAIL)
