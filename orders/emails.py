"""The order e-mails, rendered in the store's language (Spanish) from templates/orders/email/."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from . import selectors


def send_confirmation(*, order_id: int) -> None:
    order = selectors.order_with_details(pk=order_id)
    context = {
        "order": order,
        "lines": list(order.lines.all()),
        "store_name": settings.STORE_NAME,
        "support_email": settings.STORE_SUPPORT_EMAIL,
        "cancel_window": settings.ORDER_CANCEL_WINDOW_MINUTES,
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("orders/email/confirmation_subject.txt", context).strip()
        text = render_to_string("orders/email/confirmation.txt", context)
        html = render_to_string("orders/email/confirmation.html", context)
    message = EmailMultiAlternatives(
        subject=f"[{settings.STORE_NAME}] {subject}", body=text, to=[order.email]
    )
    message.attach_alternative(html, "text/html")
    message.send()
