"""Alerts' e-mails, in the store's language: the confirmation of a guest's alert, back in stock,
launched, and the forgotten-cart reminder. Every one carries its signed links, made here."""

from urllib.parse import urlencode

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from core.mail import render_subject, render_text
from core.site_settings import site_setting
from core.sites import site_url

from . import tokens


def variant_url(variant) -> str:
    """The product's page with this option chosen (?talla=m&color=negro), as its picker links it."""
    options = {value.option.code: value.slug for value in variant.option_values.select_related("option")}
    return variant.product.get_absolute_url() + (f"?{urlencode(sorted(options.items()))}" if options else "")


def _send(name: str, *, to: str, context: dict, unsubscribe_url: str = "") -> None:
    store_name = str(site_setting("STORE_NAME"))
    context = {**context, "store_name": store_name, "unsubscribe_url": unsubscribe_url}
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_subject(f"alerts/email/{name}_subject.txt", context)
        text = render_text(f"alerts/email/{name}.txt", context)
        html = render_to_string(f"alerts/email/{name}.html", context)
    headers = {}
    if unsubscribe_url:  # one click from the mail client too (RFC 8058)
        headers = {"List-Unsubscribe": f"<{unsubscribe_url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    message = EmailMultiAlternatives(subject=f"[{store_name}] {subject}", body=text, to=[to], headers=headers)
    message.attach_alternative(html, "text/html")
    message.send()


def _alert_links(alert) -> dict:
    return {
        "unsubscribe_url": site_url(
            reverse("alerts:unsubscribe", args=[tokens.token_make(tokens.UNSUBSCRIBE, pk=alert.pk, email=alert.email)])
        )
    }


def send_confirmation(*, alert) -> None:
    confirm = site_url(
        reverse("alerts:confirm", args=[tokens.token_make(tokens.CONFIRM, pk=alert.pk, email=alert.email)])
    )
    links = _alert_links(alert)
    _send("confirm", to=alert.email, context={"alert": alert, "name": alert.item_name, "confirm_url": confirm}, **links)


def send_back_in_stock(*, alert, variant) -> None:
    _send(
        "back_in_stock",
        to=alert.email,
        context={"alert": alert, "name": alert.item_name, "product_url": site_url(variant_url(variant))},
        **_alert_links(alert),
    )


def send_launched(*, alert, variant) -> None:
    _send(
        "launched",
        to=alert.email,
        context={"alert": alert, "name": alert.item_name, "product_url": site_url(variant_url(variant))},
        **_alert_links(alert),
    )


def send_cart_reminder(*, reminder) -> None:
    restore = site_url(
        reverse("alerts:cart_restore", args=[tokens.token_make(tokens.CART, pk=reminder.pk, email=reminder.email)])
    )
    lines = [{**line, "url": site_url(line["url"])} for line in reminder.lines]
    _send(
        "cart_reminder",
        to=reminder.email,
        context={
            "reminder": reminder,
            "lines": lines,
            "restore_url": restore,
            "privacy_url": site_url(reverse("storefront:privacy")),
        },
    )
