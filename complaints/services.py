"""Writing the Libro de Reclamaciones: a consumer files a sheet, staff answer it. Each service is
one transaction and every refusal is a ComplaintError raised before anything is written; the
e-mails leave after the commit."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, TypedDict

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actors import signed_in
from core.counters import counter_next
from core.once import Stamp
from core.site_settings import site_settings
from orders.models import Order
from shipping.calendar import OFFICE_WEEKEND, add_business_days

from . import enqueue
from .models import (
    ANSWER_BUSINESS_DAYS,
    DESCRIPTION_MAX,
    DETAIL_MAX,
    REQUEST_MAX,
    RESPONSE_MAX,
    ComplaintKind,
    ComplaintSheet,
    ConsumerDocument,
    ItemKind,
)

if TYPE_CHECKING:
    from core.actors import AnyUser

MAX_AMOUNT = Decimal("9999999999.99")


class ComplaintError(Exception):
    """A refused step; str() is the message for the consumer or staff."""


@dataclass(frozen=True)
class ComplaintData:
    """What the consumer wrote on the sheet (the form has cleaned it)."""

    consumer_name: str
    document_type: str
    document_number: str
    address: str
    email: str
    item_kind: str
    item_description: str
    kind: str
    detail: str
    consumer_request: str
    phone: str = ""
    is_minor: bool = False
    guardian_name: str = ""
    guardian_document: str = ""
    amount: Decimal | None = None


def answer_due_on(filed_on: date) -> date:
    """15 business days (Monday to Friday, Peru's holidays excluded) counted from the day after
    filing; a sheet filed on a rest day counts from the next business day."""
    return add_business_days(filed_on, ANSWER_BUSINESS_DAYS, weekend=OFFICE_WEEKEND)


def _text(value: str, *, limit: int, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ComplaintError(_("Fill in every required field of the sheet."))
    if len(text) > limit:
        raise ComplaintError(_("A text of the sheet is too long (at most %(limit)s characters).") % {"limit": limit})
    return text


class SheetFields(TypedDict):
    """The consumer's part of a sheet, as its fields are named."""

    consumer_name: str
    document_type: str
    document_number: str
    address: str
    phone: str
    email: str
    is_minor: bool
    guardian_name: str
    guardian_document: str
    item_kind: str
    amount: Decimal | None
    item_description: str
    kind: str
    detail: str
    consumer_request: str


def _checked(data: ComplaintData) -> SheetFields:
    """The sheet's fields as stored; the form shows a message per field, this is the last guard."""
    if (
        data.kind not in ComplaintKind.values
        or data.item_kind not in ItemKind.values
        or data.document_type not in ConsumerDocument.values
    ):
        raise ComplaintError(_("Fill in every required field of the sheet."))
    if data.amount is not None and not (Decimal("0") <= data.amount <= MAX_AMOUNT):
        raise ComplaintError(_("Enter the amount claimed in soles, or leave it empty."))
    if data.is_minor and not (data.guardian_name or "").strip():
        raise ComplaintError(_("A minor files the sheet with the name of their parent or guardian."))
    return {
        "consumer_name": _text(data.consumer_name, limit=150),
        "document_type": data.document_type,
        "document_number": _text(data.document_number, limit=12),
        "address": _text(data.address, limit=255),
        "phone": _text(data.phone, limit=20, required=False),
        "email": _text(data.email, limit=254).lower(),
        "is_minor": bool(data.is_minor),
        "guardian_name": _text(data.guardian_name, limit=150, required=False) if data.is_minor else "",
        "guardian_document": _text(data.guardian_document, limit=12, required=False) if data.is_minor else "",
        "item_kind": data.item_kind,
        "amount": data.amount,
        "item_description": _text(data.item_description, limit=DESCRIPTION_MAX),
        "kind": data.kind,
        "detail": _text(data.detail, limit=DETAIL_MAX),
        "consumer_request": _text(data.consumer_request, limit=REQUEST_MAX),
    }


def complaint_file(
    *,
    data: ComplaintData,
    customer: "AnyUser | None" = None,
    order: Order | None = None,
    now: datetime | None = None,
) -> ComplaintSheet:
    """File a sheet: the year's next correlative, the answer's deadline, the provider's details as
    they are today. The consumer's copy is e-mailed once the sheet is saved. The caller has
    checked that `order` is the consumer's own."""
    fields = _checked(data)
    customer = signed_in(customer)
    if order is not None and customer is not None and order.customer_id not in (None, customer.pk):
        raise ComplaintError(_("Choose one of your own orders."))
    store = site_settings()
    with transaction.atomic():
        filed_at = now or timezone.now()
        year = timezone.localtime(filed_at).year
        # Last, so the counter's row lock is held for as short a time as possible.
        sequence = counter_next(scope="complaint", key=str(year))
        sheet = ComplaintSheet.objects.create(
            year=year,
            sequence=sequence,
            number=f"{sequence:06d}-{year}",
            filed_at=filed_at,
            due_on=answer_due_on(timezone.localtime(filed_at).date()),
            provider_name=str(store["RECEIPTS_ISSUER_NAME"]),
            provider_ruc=str(store["RECEIPTS_ISSUER_RUC"]),
            provider_address=str(store["RECEIPTS_ISSUER_ADDRESS"]),
            customer=customer,
            order=order,
            **fields,
        )
        enqueue.complaint_copy_send(sheet_id=sheet.pk)
    return sheet


@transaction.atomic
def complaint_answer(*, sheet: ComplaintSheet | int, response: str, actor: "AnyUser | None") -> ComplaintSheet:
    """Staff's observations and actions: written once, e-mailed to the consumer after the commit."""
    sheet = ComplaintSheet.objects.select_for_update().get(pk=getattr(sheet, "pk", sheet))
    if sheet.is_answered:
        raise ComplaintError(
            _("This sheet was already answered on %(date)s.")
            % {"date": timezone.localtime(sheet.answered_at).strftime("%d/%m/%Y")}
        )
    text = (response or "").strip()
    if not text:
        raise ComplaintError(_("Write the provider's observations and actions to answer the sheet."))
    if len(text) > RESPONSE_MAX:
        raise ComplaintError(
            _("A text of the sheet is too long (at most %(limit)s characters).") % {"limit": RESPONSE_MAX}
        )
    sheet.response = text
    sheet.answered_at = timezone.now()
    sheet.answered_by = signed_in(actor)
    sheet._history_user = sheet.answered_by  # type: ignore[attr-defined]  # simple-history's "who" of this change
    sheet.save(update_fields=["response", "answered_at", "answered_by"])
    enqueue.complaint_answer_send(sheet_id=sheet.pk)
    return sheet


# --- e-mails: each goes out once (a retried or redelivered task finds it claimed) ---------------


def complaint_copy_claim(*, sheet_id: int) -> Stamp:
    """The consumer's copy is claimed by stamping copy_sent_at (core.once.send_once)."""
    return Stamp(ComplaintSheet.objects.filter(pk=sheet_id), field="copy_sent_at")


def complaint_answer_claim(*, sheet_id: int) -> Stamp:
    """The answer is claimed by stamping answer_sent_at, and only once the sheet is answered."""
    return Stamp(ComplaintSheet.objects.filter(pk=sheet_id, answered_at__isnull=False), field="answer_sent_at")
