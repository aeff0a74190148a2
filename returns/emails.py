"""The customer's e-mail when a return changes status (plain text, in the store's language)."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import translation

from core.mail import render_subject, render_text
from core.site_settings import site_setting

from .models import ReturnEmail


def send_return_email(*, email_id: int) -> None:
    email = ReturnEmail.objects.select_related("request__order").get(pk=email_id)
    values = {key: site_setting(key) for key in ("STORE_NAME", "SUPPORT_EMAIL", "SUPPORT_PHONE")}
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "return_request": email.request,
            "status": email.get_status_display(),
            "store_name": str(values["STORE_NAME"]),
            "support_email": str(values["SUPPORT_EMAIL"]),
            "support_phone": str(values["SUPPORT_PHONE"]).strip(),
        }
        subject = render_subject("returns/email/subject.txt", context)
        body = render_text("returns/email/status.txt", context)
    EmailMessage(subject=subject, body=body, to=[email.request.email]).send()
