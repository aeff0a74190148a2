"""The demo's richest order timeline: the demo customer's second delivered order (paid, shipped in
transit and delivered, a return refunded through the test gateway with its nota de crédito) gets
two staff notes through orders.services, one shown to the customer. Once: a second run adds none."""

from django.contrib.auth import get_user_model

from demo.returns import SECOND_ORDER_SCENARIO
from demo.shipping import DEMO_KEY
from orders.models import Order, OrderNote
from orders.services import order_note_add

DEMO_NOTES = [
    ("La clienta llamó para preguntar por el reembolso: se le explicó que llega en 5 a 10 días hábiles.", False),
    (
        "Tu reembolso ya fue aprobado. Verás el abono en tu tarjeta en los próximos días. ¡Gracias por tu paciencia!",
        True,
    ),
]


def load_demo_order_notes() -> Order | None:
    """The order whose timeline the demo shows off, with its notes (None without that order)."""
    order = Order.objects.filter(idempotency_key=DEMO_KEY.format(SECOND_ORDER_SCENARIO)).first()
    staff = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    if order is None or OrderNote.objects.filter(order=order).exists():
        return order
    for text, visible in DEMO_NOTES:
        order_note_add(order=order, author=staff, text=text, visible_to_customer=visible)
    return order
