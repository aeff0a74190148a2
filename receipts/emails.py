"""The receipt e-mail: a short note with the PDF and the XML attached, in Spanish."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from core.site_settings import site_setting

from . import selectors
from .pdf import receipt_pdf


def deliver_receipt(*, receipt_id: int) -> None:
    receipt = selectors.receipt_with_details(pk=receipt_id)
    store_name = site_setting("STORE_NAME")
    with translation.override(settings.LANGUAGE_CODE):
        context = {"receipt": receipt, "order": receipt.order, "store_name": store_name}
        subject = render_to_string("receipts/email/receipt_subject.txt", context).strip()
        text = render_to_string("receipts/email/receipt.txt", context)
        pdf = receipt_pdf(receipt)
    message = EmailMultiAlternatives(subject=f"[{store_name}] {subject}", body=text, to=[receipt.order.email])
    message.attach(f"{receipt.file_name}.pdf", pdf, "application/pdf")
    if receipt.xml:
        message.attach(f"{receipt.file_name}.xml", receipt.xml.encode(), "application/xml")
    message.send()
