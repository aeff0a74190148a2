"""The receipt e-mail: a short note with the PDF and the XML attached, in Spanish."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import translation

from core.mail import render_subject, render_text
from core.site_settings import site_setting
from core.sites import site_url
from orders.access import order_email_path

from . import selectors
from .models import SendStatus
from .pdf import receipt_pdf


def deliver_receipt(*, receipt_id: int) -> None:
    receipt = selectors.receipt_with_details(pk=receipt_id)
    if receipt.send_status == SendStatus.REJECTED:
        return  # SUNAT rejected it before it was e-mailed: its re-issue is e-mailed instead
    store_name = site_setting("STORE_NAME")
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "receipt": receipt,
            "order": receipt.order,
            "store_name": store_name,
            "order_url": site_url(order_email_path(receipt.order)),
        }
        subject = render_subject("receipts/email/receipt_subject.txt", context)
        text = render_text("receipts/email/receipt.txt", context)
        pdf = receipt_pdf(receipt)
    message = EmailMultiAlternatives(subject=f"[{store_name}] {subject}", body=text, to=[receipt.order.email])
    message.attach(f"{receipt.file_name}.pdf", pdf, "application/pdf")
    if receipt.xml:
        message.attach(f"{receipt.file_name}.xml", receipt.xml.encode(), "application/xml")
    message.send()
