"""The order e-mails, one per event (orders.models.OrderEmailKind), rendered in the store's
language (Spanish) from templates/orders/email/: plain text and an HTML alternative laid out
in one narrow column so it reads well in a phone's mail app."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from core.mail import render_text
from core.site_settings import site_setting
from core.sites import site_url

from . import selectors
from .access import order_email_path
from .models import OrderEmail, OrderEmailKind


def _subject(kind: str, order, shipment) -> str:
    number = order.number
    subjects: dict[str, str] = {
        OrderEmailKind.PLACED: _("We received your order %(number)s: pending payment"),
        OrderEmailKind.PAID: _("Payment confirmed: order %(number)s"),
        OrderEmailKind.SHIPPED: _("Your order %(number)s is on its way"),
        OrderEmailKind.READY_FOR_PICKUP: _("Your order %(number)s is ready for pickup"),
        OrderEmailKind.DELIVERED: _("Your order %(number)s was delivered"),
        OrderEmailKind.CANCELLED_BY_CUSTOMER: _("You cancelled order %(number)s"),
        OrderEmailKind.CANCELLED_BY_STAFF: _("We cancelled your order %(number)s"),
        OrderEmailKind.CANCELLED_UNPAID: _("Order %(number)s cancelled: payment not received"),
        OrderEmailKind.REFUNDED: _("Refund of your order %(number)s"),
        OrderEmailKind.PAYMENT_LINK: _("Your order %(number)s is ready to pay"),
        OrderEmailKind.PAYMENT_CODE: _("Pay your order %(number)s with this code"),
    }
    return subjects[kind] % {"number": number}


def render_order_email(email: OrderEmail) -> tuple[str, str, str]:
    """(subject, plain text, HTML) of one order e-mail, in the store's language."""
    order = selectors.order_with_details(pk=email.order_id)
    shipment = None
    if email.kind in (OrderEmailKind.SHIPPED, OrderEmailKind.READY_FOR_PICKUP, OrderEmailKind.DELIVERED):
        shipment = next((s for s in order.shipments.all() if str(s.pk) == email.reference), None)
    context = {
        "order": order,
        "kind": email.kind,
        "email": email,
        "lines": list(order.lines.all()),
        "discount_sources": selectors.order_discount_sources(order),
        "shipment": shipment,
        "shipment_count": len(order.shipments.all()),
        "pickup": order.shipping_method if order.shipping_method and order.shipping_method.is_pickup else None,
        "refunded": email.reference if email.kind == OrderEmailKind.REFUNDED else "",
        "store_name": str(site_setting("STORE_NAME")),
        "support_email": str(site_setting("SUPPORT_EMAIL")),
        "support_phone": str(site_setting("SUPPORT_PHONE")).strip(),
        "cancel_window": site_setting("ORDER_CANCEL_WINDOW_MINUTES"),
        # A paid order cancelled: when its refund is approved and when the bank shows it.
        "refund_approval_days": site_setting("REFUND_APPROVAL_BUSINESS_DAYS"),
        "refund_bank_days": site_setting("REFUND_BANK_BUSINESS_DAYS"),
        # Every e-mail links to the order (a guest's through a signed link); while it waits for
        # payment, that page is where it is paid.
        "order_url": site_url(order_email_path(order)),
        "awaits_payment": order.awaits_payment(),
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = _subject(email.kind, order, shipment)
        context["subject"] = subject
        text = render_text("orders/email/event.txt", context)
        html = render_to_string("orders/email/event.html", context)
    return f"[{context['store_name']}] {subject}", text, html


def deliver_order_email(*, email_id: int) -> None:
    email = OrderEmail.objects.select_related("order").get(pk=email_id)
    subject, text, html = render_order_email(email)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[email.order.email])
    message.attach_alternative(html, "text/html")
    message.send()
