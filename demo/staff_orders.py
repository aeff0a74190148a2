"""A demo order staff took on WhatsApp: the support user (atencion@kallpa.pe) took it for a new
customer (a guest) on "Tomar pedido", and the customer paid it from the link with the test gateway.
A second run finds it by its key and changes nothing."""

from django.contrib.auth import get_user_model
from django.db import transaction

DEMO_KEY = "demo-pedido-whatsapp"
DEMO_STAFF_EMAIL = "atencion@kallpa.pe"
DEMO_GUEST = {"email": "marisol.condori@example.pe", "phone": "987 654 321"}
DEMO_ADDRESS = {
    "recipient": "Marisol Condori",
    "phone": "987654321",
    "street": "Av. Benavides 1580, dpto. 302",
    "reference": "Frente al parque",
    "department": "15",
    "province": "1501",
    "district": "150140",
    "postal_code": "15038",
}  # Santiago de Surco


def load_demo_staff_order(*, staff_email: str = DEMO_STAFF_EMAIL) -> str | None:
    """The demo WhatsApp order's number (placed and paid now, or found); None when the staff user,
    the shipping method or a product in stock is missing."""
    from checkout.staff_orders import staff_order_place
    from orders.models import Order, OrderChannel
    from shipping.models import ShippingMethod

    from .shipping import _demo_variants, _pay

    existing = Order.objects.filter(idempotency_key=DEMO_KEY).first()
    if existing is not None:
        return existing.number
    staff = get_user_model().objects.filter(email=staff_email, is_staff=True).first()
    method = ShippingMethod.objects.filter(code="olva-lima", is_active=True).first()
    variants = _demo_variants(2, warehouse_code="LIM-CENTRAL", skip=20)
    if staff is None or method is None or not variants:
        return None
    with transaction.atomic():
        order = staff_order_place(
            taken_by=staff,
            channel=OrderChannel.WHATSAPP,
            lines=[(variant.sku, "1") for variant in variants],
            address_data=DEMO_ADDRESS,
            shipping_method_id=method.pk,
            key=DEMO_KEY,
            **DEMO_GUEST,
        )
        order = _pay(order)
    return order.number
