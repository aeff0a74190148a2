"""The consumer's e-mails (the filed sheet, then the answer, each with the sheet's PDF) and the
staff's deadline alert. Plain text, in the store's language."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import timezone, translation

from core.mail import render_subject, render_text
from core.setting_fields import email_list
from core.site_settings import site_settings
from core.sites import site_url

from . import selectors
from .layout import sheet_sections
from .models import ANSWER_DEADLINE_NOTE, NOT_A_PREREQUISITE
from .pdf import sheet_pdf


def _send_to_consumer(*, sheet_id: int, template: str) -> None:
    sheet = selectors.sheets().get(pk=sheet_id)
    store = site_settings()
    support_email = str(store["SUPPORT_EMAIL"])
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "sheet": sheet,
            "sections": sheet_sections(sheet),
            "store_name": str(store["STORE_NAME"]),
            "support_email": support_email,
            "not_a_prerequisite": NOT_A_PREREQUISITE,
            "deadline_note": ANSWER_DEADLINE_NOTE,
        }
        subject = render_subject(f"complaints/email/{template}_subject.txt", context)
        body = render_text(f"complaints/email/{template}.txt", context)
        pdf = sheet_pdf(sheet)
    message = EmailMessage(
        subject=f"[{context['store_name']}] {subject}",
        body=body,
        to=[sheet.email],
        reply_to=[support_email] if support_email else None,
    )
    message.attach(f"hoja-de-reclamacion-{sheet.number}.pdf", pdf, "application/pdf")
    message.send()


def send_copy(*, sheet_id: int) -> None:
    _send_to_consumer(sheet_id=sheet_id, template="copy")


def send_answer(*, sheet_id: int) -> None:
    _send_to_consumer(sheet_id=sheet_id, template="answer")


def alert_recipients() -> list[str]:
    """The COMPLAINTS_ALERT_EMAILS site setting, or the store's support address."""
    store = site_settings()
    return email_list(store["COMPLAINTS_ALERT_EMAILS"]) or email_list(store["SUPPORT_EMAIL"])


def send_due_alert(*, today=None) -> int:
    """One e-mail listing the open sheets overdue or near their deadline; returns how many (0:
    nothing sent)."""
    today = today or timezone.localdate()
    due = list(selectors.sheets_due(today=today))
    recipients = alert_recipients()
    if not due or not recipients:
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        rows = [
            (
                sheet,
                *selectors.deadline_state(sheet, today=today),
                site_url(reverse("admin:complaints_complaintsheet_change", args=[sheet.pk])),
            )
            for sheet in due
        ]
        context = {
            "rows": rows,
            "store_name": str(site_settings()["STORE_NAME"]),
        }
        subject = render_subject("complaints/email/due_alert_subject.txt", {**context, "count": len(rows)})
        body = render_text("complaints/email/due_alert.txt", context)
    EmailMessage(subject=subject, body=body, to=recipients).send()
    return len(due)
