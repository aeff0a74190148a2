"""The consent boxes of sign-up and guest checkout: the terms and the privacy policy (required)
and marketing e-mails (optional, never ticked in advance). They are asked once staff have
published the terms or the privacy policy: a consent names the version accepted."""

from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from core.ratelimit import client_ip

from .selectors import policies_current
from .services import consent_record

ACCEPT_FIELD = "accept_terms"
MARKETING_FIELD = "accept_marketing"


def add_consent_fields(form: forms.Form, *, marketing: bool = True) -> bool:
    """Add the boxes to a form (at the end, where a shopper reads them last); False when no
    policy is published yet (nothing to accept)."""
    if not policies_current():
        return False
    label = format_html(
        _('I have read and accept the <a href="{terms}" target="_blank">terms and conditions</a> and the '
          '<a href="{privacy}" target="_blank">privacy policy</a> (processing of my personal data).'),
        terms=reverse("legal:terms"), privacy=reverse("legal:privacy"))
    form.fields[ACCEPT_FIELD] = forms.BooleanField(label=label, required=True, error_messages={
        "required": _("Accept the terms and conditions and the privacy policy to continue.")})
    if marketing:
        form.fields[MARKETING_FIELD] = forms.BooleanField(
            label=_("I want to receive offers and news by e-mail (optional; you can stop them at any time)."),
            required=False)
    return True


def record_form_consent(form: forms.Form, request, *, email: str, source: str, user=None) -> None:
    """Record what a valid form's boxes said (nothing when the form did not ask)."""
    if ACCEPT_FIELD not in form.cleaned_data:
        return
    consent_record(email=email, source=source, user=user, ip=client_ip(request),
                   marketing=bool(form.cleaned_data.get(MARKETING_FIELD)))
