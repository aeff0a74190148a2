"""The answer to an ARCO request, e-mailed to the address the request gave. Plain text, in the
store's language."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import translation

from core.mail import render_subject, render_text
from core.site_settings import site_settings

from .models import ArcoRequest


def send_answer(*, request_id: int) -> None:
    arco = ArcoRequest.objects.get(pk=request_id)
    store = site_settings()
    support_email = str(store["SUPPORT_EMAIL"])
    with translation.override(settings.LANGUAGE_CODE):
        context = {"arco": arco, "store_name": str(store["STORE_NAME"]), "support_email": support_email}
        subject = render_subject("privacy/email/answer_subject.txt", context)
        body = render_text("privacy/email/answer.txt", context)
    EmailMessage(
        subject=f"[{context['store_name']}] {subject}",
        body=body,
        to=[arco.email],
        reply_to=[support_email] if support_email else None,
    ).send()
