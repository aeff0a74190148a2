"""The consent boxes of sign-up and guest checkout: the terms and the privacy policy (required)
and marketing e-mails (optional, never ticked in advance). They are asked once staff have
published the terms or the privacy policy: a consent names the version accepted."""

from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from .selectors import policies_current

ACCEPT_FIELD = "accept_terms"
MARKETING_FIELD = "accept_marketing"


def add_consent_fields(form: forms.Form, *, marketing: bool = True) -> bool:
    """Add the boxes to a form (at the end, where a shopper reads them last); False when no
    policy is published yet (nothing to accept)."""
    if not policies_current():
        return False
    label = format_html(
        _(
            'I have read and accept the <a href="{terms}" target="_blank">terms and conditions</a> and the '
            '<a href="{privacy}" target="_blank">privacy policy</a> (processing of my personal data).'
        ),
        terms=reverse("legal:terms"),
        privacy=reverse("legal:privacy"),
    )
    form.fields[ACCEPT_FIELD] = forms.BooleanField(
        label=label,
        required=True,
        error_messages={"required": _("Accept the terms and conditions and the privacy policy to continue.")},
    )
    if marketing:
        form.fields[MARKETING_FIELD] = forms.BooleanField(
            label=_("I want to receive offers and news by e-mail (optional; you can stop them at any time)."),
            required=False,
        )
    return True
