"""The sheet as the regulation's Anexo I lays it out: numbered sections of (label, value) rows.
The page, the e-mails and the PDF all print this one layout."""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.money import format_money

from .models import ComplaintSheet


def _when(value) -> str:
    return date_format(timezone.localtime(value), "DATETIME_FORMAT") if value else ""


def sheet_sections(sheet: ComplaintSheet) -> list[tuple[str, list[tuple[str, str]]]]:
    consumer = [
        (_("Name"), sheet.consumer_name),
        (sheet.get_document_type_display(), sheet.document_number),
        (_("Address"), sheet.address),
        (_("Phone"), sheet.phone or "—"),
        (_("E-mail"), sheet.email),
    ]
    if sheet.is_minor:
        consumer.append(
            (
                _("Parent or guardian (the consumer is a minor)"),
                " · ".join(filter(None, [sheet.guardian_name, sheet.guardian_document])),
            )
        )
    item = [
        (_("Product or service"), sheet.get_item_kind_display()),
        (_("Amount claimed"), format_money(sheet.amount) if sheet.amount is not None else "—"),
        (_("Description"), sheet.item_description),
    ]
    if sheet.order is not None:
        item.append((_("Order"), sheet.order.number))
    answer = (
        [(_("Observations and actions"), sheet.response), (_("Answer sent on"), _when(sheet.answered_at))]
        if sheet.is_answered
        else [(_("Answer due by"), date_format(sheet.due_on, "DATE_FORMAT"))]
    )
    return [
        (_("1. Identification of the consumer"), consumer),
        (_("2. Identification of the good contracted"), item),
        (
            _("3. Detail of the claim and the consumer's request"),
            [
                (_("Type"), f"{sheet.get_kind_display()}: {sheet.kind_definition}"),
                (_("Detail"), sheet.detail),
                (_("Consumer's request"), sheet.consumer_request),
            ],
        ),
        (_("4. Observations and actions of the provider"), answer),
    ]


def sheet_heading(sheet: ComplaintSheet) -> list[tuple[str, str]]:
    """The box at the top: the sheet's number and date, and the provider."""
    return [
        (_("Sheet number"), sheet.number),
        (_("Date"), _when(sheet.filed_at)),
        (_("Provider"), sheet.provider_name),
        ("RUC", sheet.provider_ruc),
        (_("Address"), sheet.provider_address),
    ]
