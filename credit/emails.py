"""The gift card e-mail: to the recipient (the code, the amount, the sender's message), with a
copy to the buyer that does not show the code (the buyer paid; the recipient holds the card)."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from core.mail import render_text
from core.site_settings import site_setting
from core.sites import site_url


def gift_card_email_send(card) -> None:
    store_name = site_setting("STORE_NAME")
    context = {"card": card, "store_name": store_name, "balance_url": site_url(reverse("credit:gift_card_balance"))}
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("%(sender)s sent you a gift card of %(store)s") % {"sender": card.sender_name, "store": store_name}
        messages = [(card.recipient_email, subject, {**context, "for_buyer": False})]
        if card.buyer_email and card.buyer_email != card.recipient_email:
            messages.append(
                (
                    card.buyer_email,
                    _("Your gift card for %(name)s was delivered") % {"name": card.recipient_name},
                    {**context, "for_buyer": True},
                )
            )
        rendered = [
            (
                to,
                subject,
                render_text("credit/email/gift_card.txt", ctx),
                render_to_string("credit/email/gift_card.html", ctx),
            )
            for to, subject, ctx in messages
        ]
    for to, subject, text, html in rendered:
        message = EmailMultiAlternatives(subject=f"[{store_name}] {subject}", body=text, to=[to])
        message.attach_alternative(html, "text/html")
        message.send()
