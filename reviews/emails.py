"""The e-mail inviting a customer to review what was delivered, in the store's language."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from core.mail import render_subject, render_text
from core.site_settings import site_setting
from core.sites import site_url

from . import selectors


def send_invitation(*, order_id: int) -> None:
    order, items = selectors.invitation_lines(order_id=order_id)
    if not items:
        return  # everything in it is already reviewed: nothing to ask
    for item in items:
        item["url"] = site_url(reverse("reviews:write_for_variant", args=[item["variant_id"]]))
    store_name = str(site_setting("STORE_NAME"))
    context = {
        "order": order,
        "items": items,
        "store_name": store_name,
        "first_name": order.customer.first_name if order.customer else "",
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_subject("reviews/email/invitation_subject.txt", context)
        text = render_text("reviews/email/invitation.txt", context)
        html = render_to_string("reviews/email/invitation.html", context)
    message = EmailMultiAlternatives(subject=f"[{store_name}] {subject}", body=text, to=[order.email])
    message.attach_alternative(html, "text/html")
    message.send()
