"""Issuing receipts (keyword-only services, one transaction each).

receipt_issue_for_order: the boleta or factura of a paid order, once (the order's row lock
serialises callers; a unique constraint per order is the backstop). credit_note_issue: a nota
de crédito against a receipt, never beyond what the receipt still holds. debit_note_issue: a
nota de débito, an amount charged after the sale. receipt_reissue: a document SUNAT rejected,
issued again under a new number. receipt_send: the send to SUNAT that a crash cannot make
twice (the claim commits before the call; recovery asks SUNAT first). Correlatives come from
a counter row incremented in the same transaction as the insert (core.counters.counter_next),
so a rollback takes the number back: no gaps, no repeats."""

import logging
import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, TypedDict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, F, Sum, When
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.validators import normalize_identity, validate_dni, validate_ruc
from core.counters import counter_next
from core.once import Stamp
from core.site_settings import site_setting
from orders.models import DocumentType, Order, OrderStatus, PaymentStatus

from . import amounts, enqueue, signing, ubl
from .models import (
    CREDIT_SERIES,
    DEBIT_SERIES,
    LIMA,
    SERIES,
    UNANSWERED_STATUSES,
    BuyerDocument,
    CreditReason,
    DebitReason,
    Receipt,
    ReceiptKind,
    ReceiptLine,
    SendStatus,
)
from .ports import ReturnedGoods, receipt_voided, return_goods
from .summary_mode import sent_in_daily_summary
from .words import amount_in_words

if TYPE_CHECKING:
    from accounts.models import User
    from payments.models import Refund

    from .sending import SendAnswer

logger = logging.getLogger(__name__)
CENT = Decimal("0.01")
PAID_STATUSES = (PaymentStatus.PAID, PaymentStatus.PARTIALLY_REFUNDED, PaymentStatus.REFUNDED)


class ReceiptError(Exception):
    """The receipt cannot be issued as asked; nothing was written."""


# --- who issues, who buys --------------------------------------------------------------------


ISSUER_KEYS = ["RECEIPTS_ISSUER_RUC", "RECEIPTS_ISSUER_NAME", "RECEIPTS_ISSUER_ADDRESS"]


class Issuer(TypedDict):
    """Who issues a receipt, as its fields name it."""

    issuer_ruc: str
    issuer_name: str
    issuer_address: str


class Buyer(TypedDict):
    """Who a receipt is made out to, as its fields name it."""

    buyer_document_type: str
    buyer_document: str
    buyer_name: str
    buyer_address: str


class OrderBuyer(Buyer):
    kind: str  # the receipt the order asked for: a boleta or a factura


def _issuer() -> Issuer:
    values = {key: site_setting(key) for key in ISSUER_KEYS}
    ruc = normalize_identity(str(values["RECEIPTS_ISSUER_RUC"]))
    try:
        validate_ruc(ruc)
    except ValidationError:
        raise ReceiptError(_("The store's RUC in the site settings is not valid.")) from None
    name = str(values["RECEIPTS_ISSUER_NAME"]).strip()
    if not name:
        raise ReceiptError(_("The store's legal name is missing in the site settings."))
    return {
        "issuer_ruc": ruc,
        "issuer_name": name[:200],
        "issuer_address": str(values["RECEIPTS_ISSUER_ADDRESS"]).strip()[:250],
    }


def _address_line(address: Mapping[str, object]) -> str:
    parts = [
        address.get("street"),
        address.get("district"),
        address.get("province"),
        address.get("department_name") or "",
    ]
    return " - ".join(str(part).strip() for part in parts if part and str(part).strip())[:250]


def buyer_for_order(order: Order) -> OrderBuyer:
    """The receipt kind and the buyer an order asked for at checkout. A factura needs a valid
    RUC and the company's name (razón social) given with it at checkout, never a person's; a
    boleta names the billing address's recipient, with a valid DNI or none."""
    billing = order.billing_address or order.shipping_address or {}
    name = str(billing.get("recipient") or "").strip()
    document = normalize_identity(order.customer_document)
    if order.customer_document_type == DocumentType.RUC:
        try:
            validate_ruc(document)
        except ValidationError:
            raise ReceiptError(
                _("A factura needs a valid RUC; order %(number)s has none.") % {"number": order.number}
            ) from None
        name = " ".join(order.customer_legal_name.split())
        if len(name) < 3:  # SUNAT refuses a shorter RegistrationName (error 2022)
            raise ReceiptError(
                _("A factura needs the business name; order %(number)s has none.") % {"number": order.number}
            )
        kind, document_type = ReceiptKind.FACTURA, BuyerDocument.RUC
    elif order.customer_document_type == DocumentType.DNI:
        try:
            validate_dni(document)
        except ValidationError:
            raise ReceiptError(_("Order %(number)s has an invalid DNI.") % {"number": order.number}) from None
        kind, document_type = ReceiptKind.BOLETA, BuyerDocument.DNI
    else:
        kind, document_type, document = ReceiptKind.BOLETA, BuyerDocument.NONE, ""
    return {
        "kind": kind,
        "buyer_document_type": document_type,
        "buyer_document": document,
        "buyer_name": name[:200],
        "buyer_address": _address_line(billing),
    }


# --- issuing ---------------------------------------------------------------------------------


def _create(
    *,
    order: Order,
    kind: str,
    series: str,
    buyer: Buyer,
    lines: list[amounts.LineAmounts],
    original: Receipt | None = None,
    reason_code: str = "",
    reason: str = "",
    source: str | None = None,
    notify: bool = True,
    issued_by: "User | None" = None,
    reissue_of: Receipt | None = None,
) -> Receipt:
    """Insert the receipt, its lines and its XML (signed when a certificate is configured).
    Must run inside the caller's transaction: the counter's increment commits with it."""
    totals = amounts.totals_of(lines)
    now = timezone.now()
    number = counter_next(scope="receipt", key=series)
    receipt = Receipt.objects.create(
        order=order,
        kind=kind,
        series=series,
        number=number,
        original=original,
        reason_code=reason_code,
        reason=reason[:250],
        source=source,
        issued_by=issued_by,
        reissue_of=reissue_of,
        issued_at=now,
        issue_date=timezone.localtime(now, LIMA).date(),
        **_issuer(),
        buyer_document_type=buyer["buyer_document_type"],
        buyer_document=buyer["buyer_document"],
        buyer_name=buyer["buyer_name"],
        buyer_address=buyer["buyer_address"],
        currency=order.currency,
        taxable_total=totals.taxable,
        igv_total=totals.igv,
        discount_total=totals.discount,
        total=totals.total,
        amount_in_words=amount_in_words(totals.total),
    )
    rows = ReceiptLine.objects.bulk_create(
        [
            ReceiptLine(
                receipt=receipt,
                position=position,
                order_line_id=line.order_line_id,
                sku=line.sku,
                description=line.description,
                unit_code=line.unit_code,
                quantity=line.quantity,
                unit_value=line.unit_value,
                unit_price=line.unit_price,
                discount=line.discount,
                taxable_amount=line.taxable_amount,
                igv=line.igv,
                total=line.total,
            )
            for position, line in enumerate(lines, start=1)
        ]
    )
    receipt.xml, receipt.digest = _document(receipt, rows)
    receipt.save(update_fields=["xml", "digest"])
    enqueue.receipt_send(receipt_id=receipt.pk)
    if notify:
        enqueue.receipt_email(receipt_id=receipt.pk)
    return receipt


def _document(receipt: Receipt, lines: list[ReceiptLine]) -> tuple[str, str]:
    xml = ubl.receipt_xml(receipt, lines)
    if not signing.certificate_configured():
        return xml.decode(), ""
    try:
        signed, digest = signing.xml_sign(xml, signing.certificate_load())
    except signing.CertificateMissing as error:
        logger.warning("Receipt %s left unsigned: %s", receipt.full_number, error)
        return xml.decode(), ""
    return signed.decode(), digest


def receipt_issue_for_order(*, order_id: int, notify: bool = True) -> Receipt:
    """The boleta or factura of a paid order, issued once: calling again (a replayed task, the
    self-healing sweep) returns the same receipt. Raises ReceiptError when the order is not
    paid or its buyer data cannot make the receipt it asked for."""
    with transaction.atomic():
        order = Order.objects.select_for_update().filter(pk=order_id).first()
        if order is None:
            raise ReceiptError(_("There is no order %(id)s.") % {"id": order_id})
        existing = _sale_receipt(order)
        if existing is not None:
            # One SUNAT rejected is not re-issued here: staff re-issue it (receipt_reissue).
            return existing
        if order.payment_status not in PAID_STATUSES:
            raise ReceiptError(_("Order %(number)s is not paid.") % {"number": order.number})
        if order.total <= order.gift_cards_total:
            # Gift cards only: money paid in advance, no sale of goods yet (credit/models.py).
            raise ReceiptError(
                _("Order %(number)s sold only gift cards: it has no receipt.") % {"number": order.number}
            )
        buyer = buyer_for_order(order)
        lines = amounts.order_line_amounts(order, order.lines.order_by("pk"))
        if amounts.totals_of(lines).total != order.total:
            raise ReceiptError(
                _("The lines of order %(number)s do not add up to its total.") % {"number": order.number}
            )
        return _create(
            order=order, kind=buyer["kind"], series=SERIES[buyer["kind"]], buyer=buyer, lines=lines, notify=notify
        )


def _sale_receipt(order: Order) -> Receipt | None:
    """The order's boleta or factura: the live one, else the last one voided to correct it, else
    the last one SUNAT rejected."""
    return (
        Receipt.objects.filter(order=order, kind__in=[ReceiptKind.FACTURA, ReceiptKind.BOLETA])
        .order_by(
            Case(When(send_status=SendStatus.REJECTED, then=2), When(voided_at__isnull=False, then=1), default=0),
            "-pk",
        )
        .first()
    )


def _amount(raw: object) -> Decimal:
    try:
        amount = Decimal(str(raw))
    except (InvalidOperation, ValueError):
        raise ReceiptError(_("Enter an amount such as 59.90.")) from None
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(CENT):
        raise ReceiptError(_("The amount must be more than zero, in soles with at most two decimals."))
    return amount


def credited_total(receipt: Receipt) -> Decimal:
    live = receipt.credit_notes.exclude(send_status=SendStatus.REJECTED)  # a rejected note credited nothing
    return live.aggregate(total=Sum("total"))["total"] or Decimal("0.00")


def credit_note_issue(
    *,
    receipt: Receipt,
    amount: object,
    reason_code: str,
    reason: str = "",
    source: str | None = None,
    goods: dict[int | None, int] | None = None,
) -> Receipt:
    """A nota de crédito for `amount` (with IGV) of `receipt`, with its SUNAT reason (catálogo
    09). The notes of a receipt never add up to more than it; the same `source` ("refund:12",
    "return:5") always gets the same note. It carries the lines it credits, each with its
    discount as sold: all of them for the whole remaining amount; `goods` (order line id →
    units, None for the shipping line) for returned goods worth exactly `amount`. An amount
    that is neither is one line that names the reason."""
    amount = _amount(amount)
    if reason_code not in CreditReason.values:
        raise ReceiptError(_("Unknown credit note reason."))
    with transaction.atomic():
        original = Receipt.objects.select_for_update(of=("self",)).select_related("order").filter(pk=receipt.pk).first()
        if original is None or original.is_note:
            raise ReceiptError(_("A credit note needs a boleta or factura to refer to."))
        if original.send_status == SendStatus.REJECTED:
            raise ReceiptError(
                _("%(number)s was rejected by SUNAT: it cannot be modified by a note.")
                % {"number": original.full_number}
            )
        if source:
            existing = Receipt.objects.filter(source=source).first()
            if existing is not None:
                if existing.original_id != original.pk:
                    raise ReceiptError(_("That cause already has a credit note on another receipt."))
                return existing
        already = credited_total(original)
        if already + amount > original.total:
            raise ReceiptError(
                _("A credit note cannot exceed its receipt: %(room)s of %(number)s can still be credited.")
                % {"room": original.total - already, "number": original.full_number}
            )
        label = reason.strip() or str(CreditReason(reason_code).label)
        lines = _credited_lines(original, amount=amount, whole=already == 0 and amount == original.total, goods=goods)
        if lines is None:
            lines = [
                amounts.LineAmounts(
                    sku="",
                    description=f"{label} ({original.full_number})"[:500],
                    quantity=1,
                    unit_price=amount,
                    discount=Decimal("0.00"),
                    total=amount,
                    unit_code="ZZ",
                )
            ]
        buyer = Buyer(
            buyer_document_type=original.buyer_document_type,
            buyer_document=original.buyer_document,
            buyer_name=original.buyer_name,
            buyer_address=original.buyer_address,
        )
        return _create(
            order=original.order,
            kind=ReceiptKind.CREDIT_NOTE,
            series=CREDIT_SERIES[original.kind],
            buyer=buyer,
            lines=lines,
            original=original,
            reason_code=reason_code,
            reason=label,
            source=source,
        )


def _credited_lines(
    original: Receipt, *, amount: Decimal, whole: bool, goods: dict[int | None, int] | None
) -> list[amounts.LineAmounts] | None:
    # A unit given free was not paid for: nothing of it is credited (its line has no value to give back).
    sold = [line for line in original.lines.order_by("position") if not line.is_free]
    if whole:
        return [amounts.credited_part(line, line.quantity) for line in sold]
    if not goods:
        return None
    lines = [
        amounts.credited_part(line, min(goods[line.order_line_id], line.quantity))
        for line in sold
        if goods.get(line.order_line_id)
    ]
    # Goods worth more than the amount (an earlier refund left less to give back) are credited as an amount.
    return lines if lines and amounts.totals_of(lines).total == amount else None


def _credit_reason(original: Receipt, amount: Decimal) -> str:
    whole = credited_total(original) == 0 and amount == original.total
    return CreditReason.TOTAL_RETURN if whole else CreditReason.ITEM_RETURN


def credit_note_for_return(*, return_id: int) -> Receipt | None:
    """The one nota de crédito of a resolved return, whatever gave the money back (refunds on one
    or more payments, store credit): it credits the returned units, and the shipping when the
    whole order came back. None while the return is not resolved."""
    goods = return_goods(return_id=return_id)
    if goods is None or goods.amount <= 0:
        return None
    original = receipt_issue_for_order(order_id=goods.order_id)
    units: dict[int | None, int] = dict(goods.units.items())
    if goods.shipping:
        units[None] = 1
    return credit_note_issue(
        receipt=original,
        amount=goods.amount,
        reason_code=_credit_reason(original, goods.amount),
        reason=_return_reason(goods),
        source=f"return:{return_id}",
        goods=units,
    )


def _return_reason(goods: ReturnedGoods) -> str:
    """The note's reason: the return, and why it credits less than its units when it does."""
    reason = _("Return %(number)s") % {"number": goods.number}
    return f"{reason} ({goods.note})"[:250] if goods.note else reason


# Returns opens its refunds with this key ("return-<return id>-<payment id>").
_RETURN_REFUND_KEY = re.compile(r"^return-(\d+)-\d+$")


def _return_of_refund(refund: "Refund") -> int | None:
    match = _RETURN_REFUND_KEY.match(refund.idempotency_key or "")
    return int(match.group(1)) if match else None


def _is_cancellation_refund(refund: "Refund") -> bool:
    """A cancelled order's refund: one payments opened on cancelling it (key "cancel-<payment
    id>"), or any refund of an order now cancelled (a whole refund at the gateway cancels an
    unshipped order): the note that annuls the order covers it."""
    return (refund.idempotency_key or "").startswith("cancel-") or refund.payment.order.status == OrderStatus.CANCELLED


def _refund_cause(refund: "Refund") -> str:
    """The source of the note that covers a refund."""
    if (return_id := _return_of_refund(refund)) is not None:
        return f"return:{return_id}"
    if _is_cancellation_refund(refund):
        return f"cancel:{refund.payment.order_id}"
    return f"refund:{refund.pk}"


def credit_note_for_refund(*, refund_id: int) -> Receipt | None:
    """The nota de crédito of a succeeded refund (issuing the order's receipt first if it was
    missed); a return's refund gets the return's note. None when the refund has not succeeded."""
    from payments.models import Refund

    refund = Refund.objects.select_related("payment__order").filter(pk=refund_id).first()
    if refund is None or refund.status != Refund.Status.SUCCEEDED:
        return None
    if refund.payment.order.total <= refund.payment.order.gift_cards_total:
        return None  # gift cards only: no receipt was issued, so none is reduced (credit/models.py)
    if (return_id := _return_of_refund(refund)) is not None:
        return credit_note_for_return(return_id=return_id)
    if (
        _is_cancellation_refund(refund)
        and (note := credit_note_for_cancelled_order(order_id=refund.payment.order_id)) is not None
    ):
        return note
    original = receipt_issue_for_order(order_id=refund.payment.order_id)
    whole = credited_total(original) == 0 and refund.amount == original.total
    # Money given back that no goods came back for lowers the sale's value (code 09).
    return credit_note_issue(
        receipt=original,
        amount=refund.amount,
        reason_code=CreditReason.TOTAL_RETURN if whole else CreditReason.DECREASE,
        reason=refund.reason or "",
        source=f"refund:{refund.pk}",
    )


def credit_note_for_store_credit(*, store_credit_id: int) -> Receipt | None:
    """The nota de crédito of store credit given for a return: the return's note (the returned
    lines leave the sale as with a refund). None for credit not given for a return."""
    from credit.models import StoreCredit

    credit = StoreCredit.objects.filter(pk=store_credit_id).values("return_request_id").first()
    if credit is None or credit["return_request_id"] is None:
        return None
    return credit_note_for_return(return_id=credit["return_request_id"])


def credit_note_for_cancelled_order(*, order_id: int) -> Receipt | None:
    """The nota de crédito that annuls a paid order once it is cancelled (catálogo 09, code 01):
    the whole sale, or what earlier notes left of it, with its lines. The refunds of its payments
    and the store credit it gave back are covered by this one note. None when the order was never
    paid or nothing is left to credit."""
    order = Order.objects.filter(pk=order_id, status=OrderStatus.CANCELLED, payment_status__in=PAID_STATUSES).first()
    if order is None:
        return None
    source = f"cancel:{order_id}"
    if (existing := Receipt.objects.filter(source=source).first()) is not None:
        return existing
    original = receipt_issue_for_order(order_id=order_id)
    if receipt_voided(receipt_id=original.pk):  # a baja or resumen line 3 annuls it already
        return None
    remaining = original.total - credited_total(original)
    if remaining <= 0:
        return None
    return credit_note_issue(
        receipt=original,
        amount=remaining,
        reason_code=CreditReason.CANCELLATION,
        reason=_("Order %(number)s cancelled") % {"number": order.number},
        source=source,
    )


def receipts_issue_missing(*, notify: bool = True) -> tuple[int, list[str]]:
    """Self-healing: receipts for paid orders without one and credit notes for succeeded refunds
    without one (a lost task). (issued, problems). notify=False issues without e-mailing the
    buyers (the demo data)."""
    from payments.models import Refund

    issued, problems = 0, []
    orders = (
        Order.objects.filter(payment_status__in=PAID_STATUSES, total__gt=F("gift_cards_total"))  # not gift cards only
        .exclude(receipts__kind__in=[ReceiptKind.FACTURA, ReceiptKind.BOLETA])
        .order_by("pk")
        .values_list("pk", "number")
    )
    for order_id, number in orders:
        try:
            receipt_issue_for_order(order_id=order_id, notify=notify)
            issued += 1
        except ReceiptError as error:
            problems.append(f"{number}: {error}")
    noted = set(Receipt.objects.exclude(source=None).values_list("source", flat=True))
    refunds = (
        Refund.objects.filter(status=Refund.Status.SUCCEEDED)
        .select_related("payment__order")
        .order_by("pk")
        .only("pk", "idempotency_key", "payment__order_id", "payment__order__status")
    )
    for refund in refunds:
        # Before notes were issued per return and per cancellation, each refund and store credit
        # had its own ("refund:<id>", "credit:<id>"): those causes are noted already.
        if _refund_cause(refund) in noted or f"refund:{refund.pk}" in noted:
            continue
        try:
            if (note := credit_note_for_refund(refund_id=refund.pk)) is not None:
                noted.add(note.source)
                issued += 1
        except ReceiptError as error:
            problems.append(f"refund {refund.pk}: {error}")
    from credit.models import StoreCredit

    for credit_id, return_id in (
        StoreCredit.objects.filter(return_request__isnull=False).order_by("pk").values_list("pk", "return_request_id")
    ):
        if f"return:{return_id}" in noted or f"credit:{credit_id}" in noted:
            continue
        try:
            if (note := credit_note_for_store_credit(store_credit_id=credit_id)) is not None:
                noted.add(note.source)
                issued += 1
        except ReceiptError as error:
            problems.append(f"store credit {credit_id}: {error}")
    cancelled = (
        Order.objects.filter(status=OrderStatus.CANCELLED, payment_status__in=PAID_STATUSES)
        .order_by("pk")
        .values_list("pk", "number")
    )
    for order_id, number in cancelled:
        # "cancel-credit:" marks the store-credit part of a cancellation noted before whole-sale notes.
        if f"cancel:{order_id}" in noted or f"cancel-credit:{order_id}" in noted:
            continue
        try:
            if (note := credit_note_for_cancelled_order(order_id=order_id)) is not None:
                noted.add(note.source)
                issued += 1
        except ReceiptError as error:
            problems.append(f"{number} (cancelled): {error}")
    return issued, problems


def receipt_email_claim(*, receipt_id: int) -> Stamp:
    """The one e-mail of a receipt is claimed by stamping its emailed_at (core.once.send_once);
    never one SUNAT rejected (it was never issued: its re-issue is e-mailed)."""
    return Stamp(Receipt.objects.filter(pk=receipt_id).exclude(send_status=SendStatus.REJECTED), field="emailed_at")


# --- sending -----------------------------------------------------------------------------------


def receipt_sign(*, receipt_id: int) -> Receipt:
    """Sign a receipt issued before a certificate was configured (its XML is rebuilt as issued)."""
    with transaction.atomic():
        receipt = Receipt.objects.select_for_update().get(pk=receipt_id)
        if receipt.digest:
            return receipt
        receipt.xml, receipt.digest = _document(receipt, list(receipt.lines.order_by("position")))
        receipt.save(update_fields=["xml", "digest"])
        return receipt


def _claim_expired(receipt: Receipt) -> bool:
    """A claim older than two timeouts: its worker died (or gave up) without recording an answer."""
    stale = timezone.now() - timedelta(seconds=2 * settings.SUNAT_SEND_TIMEOUT)  # receipts.pending.claim_span
    return receipt.send_claimed_at is None or receipt.send_claimed_at < stale


def receipt_send(*, receipt_id: int) -> Receipt:
    """Send a receipt and record SUNAT's answer (its CDR). Accepted, observed or rejected ones are
    left alone; without a configured service or certificate it stays pending.

    A crash loses nothing and sends nothing twice: the claim (status "sent", the attempt counted)
    commits before the HTTP call, and a receipt found "sent" by a later attempt (its worker died, or
    the answer was lost on the way back) is first asked about (getStatusCdr): SUNAT's CDR is
    recorded if it has the document, and only if it does not is the document sent again. Raises
    sending.SendUnavailable when the service must be tried again later (an outage, SUNAT saying
    it did not receive it: status "exception", or a claim still in flight elsewhere)."""
    from . import sending

    receipt = Receipt.objects.get(pk=receipt_id)
    if receipt.send_status not in UNANSWERED_STATUSES or not sending.sending_configured():
        return receipt
    if sent_in_daily_summary(series=receipt.series):  # the sunat app's resumen diario reports it
        return receipt
    if not receipt.digest:
        receipt = receipt_sign(receipt_id=receipt_id)
        if not receipt.digest:
            return receipt  # no certificate yet: stays pending
    if receipt.send_status == SendStatus.SENT:
        if not _claim_expired(receipt):
            raise sending.SendUnavailable("another attempt is waiting for SUNAT's answer")
        found = sending.status_cdr(
            ruc=receipt.issuer_ruc, kind=receipt.kind, series=receipt.series, number=receipt.number
        )
        if found is not None:
            return _send_answer_record(receipt_id=receipt_id, answer=found)
    claimed = _send_claim(receipt_id=receipt_id, seen_claim=receipt.send_claimed_at)
    if claimed is None:  # another worker claimed it meanwhile, or an answer came
        return Receipt.objects.get(pk=receipt_id)
    try:
        answer = sending.send_bill(claimed)  # no transaction or lock held over the network call
    except sending.NotReceived as error:
        _send_exception(receipt_id=receipt_id, code=error.code, message=str(error))
        raise
    except sending.SendUnavailable as error:
        # Maybe received (a timeout, a cut connection), or SUNAT says it already has this number
        # (AlreadyReceived): it stays "sent"; the next attempt asks first and never sends it again
        # unless SUNAT answers that it does not have it.
        Receipt.objects.filter(pk=receipt_id, send_status=SendStatus.SENT).update(cdr_message=str(error)[:2000])
        raise
    return _send_answer_record(receipt_id=receipt_id, answer=answer)


def _send_claim(*, receipt_id: int, seen_claim: datetime | None) -> Receipt | None:
    """Commit the claim before the call: "sent", one more attempt, when. None when the receipt
    changed since it was read (another worker claimed it, or an answer was recorded)."""
    with transaction.atomic():
        receipt = Receipt.objects.select_for_update().get(pk=receipt_id)
        if receipt.send_status not in UNANSWERED_STATUSES or receipt.send_claimed_at != seen_claim:
            return None
        receipt.send_status, receipt.send_claimed_at = SendStatus.SENT, timezone.now()
        receipt.send_attempts += 1
        receipt.save(update_fields=["send_status", "send_claimed_at", "send_attempts"])
        return receipt


def _send_exception(*, receipt_id: int, code: str, message: str) -> None:
    """SUNAT said it did not receive the document (a SOAP fault 0100–1999): send it again later."""
    Receipt.objects.filter(pk=receipt_id, send_status=SendStatus.SENT).update(
        send_status=SendStatus.EXCEPTION, cdr_code=code[:10], cdr_message=message[:2000]
    )


def _send_answer_record(*, receipt_id: int, answer: "SendAnswer") -> Receipt:
    """SUNAT's answer, whole: status, code, message, observations and the CDR itself."""
    with transaction.atomic():
        receipt = Receipt.objects.select_for_update().get(pk=receipt_id)
        if receipt.send_status in UNANSWERED_STATUSES:
            receipt.send_status, receipt.cdr_code, receipt.cdr_message = (
                answer.status,
                answer.code,
                answer.message[:2000],
            )
            receipt.cdr_observations = list(answer.observations)
            receipt.cdr_xml, receipt.sent_at = answer.cdr_xml, timezone.now()
            receipt.save(
                update_fields=["send_status", "cdr_code", "cdr_message", "cdr_observations", "cdr_xml", "sent_at"]
            )
        return receipt


def receipts_resend(*, receipt_ids: list[int]) -> int:
    """Staff's resend: receipts SUNAT has not answered (pending, sent, exception) are enqueued
    (after commit); a "sent" one is asked about before it is sent again (receipt_send). A rejected
    one is never sent again under its number: it is re-issued (receipt_reissue)."""
    with transaction.atomic():
        ids = list(
            Receipt.objects.filter(pk__in=receipt_ids, send_status__in=UNANSWERED_STATUSES).values_list("pk", flat=True)
        )
        for pk in ids:
            enqueue.receipt_send(receipt_id=pk)
    return len(ids)


# --- notas de débito and re-issues ------------------------------------------------------------

# Notas de débito above this share of their original are refused: a store charges interest,
# shipping or a price error after the sale, never more than the sale itself.
DEBIT_NOTES_MAX_SHARE = Decimal("1.00")


def debited_total(receipt: Receipt) -> Decimal:
    live = receipt.debit_notes.exclude(send_status=SendStatus.REJECTED)
    return live.aggregate(total=Sum("total"))["total"] or Decimal("0.00")


def debit_note_issue(
    *,
    original_id: int,
    amount: object,
    reason_code: str,
    reason: str,
    actor: "User | None",
    source: str | None = None,
) -> Receipt:
    """A nota de débito for `amount` (with IGV) charged after the sale of boleta or factura
    `original_id`, with its SUNAT reason (catálogo 10). One line, the amount that names the
    reason; series FD01 for a factura's, BD01 for a boleta's. Refused for a note, a document
    SUNAT rejected, or debit notes that would add up to more than their original. The same
    `source` (the admin form's token: a double submit) always gets the same note."""
    amount = _amount(amount)
    if reason_code not in DebitReason.values:
        raise ReceiptError(_("Unknown debit note reason."))
    reason = " ".join(str(reason or "").split())
    if len(reason) < 3:
        raise ReceiptError(_("Say why the customer is charged (at least three characters)."))
    with transaction.atomic():
        original = (
            Receipt.objects.select_for_update(of=("self",)).select_related("order").filter(pk=original_id).first()
        )
        if original is None or original.is_note:
            raise ReceiptError(_("A debit note needs a boleta or factura to refer to."))
        if source and (existing := Receipt.objects.filter(source=source).first()) is not None:
            if existing.original_id != original.pk or existing.kind != ReceiptKind.DEBIT_NOTE:
                raise ReceiptError(_("That form was already used for another document."))
            return existing
        if original.send_status == SendStatus.REJECTED:
            raise ReceiptError(
                _("%(number)s was rejected by SUNAT: it cannot be modified by a note.")
                % {"number": original.full_number}
            )
        room = original.total * DEBIT_NOTES_MAX_SHARE - debited_total(original)
        if amount > room:
            raise ReceiptError(
                _("Debit notes cannot add up to more than %(number)s: at most %(room)s can still be charged.")
                % {"number": original.full_number, "room": max(room, Decimal("0.00"))}
            )
        line = amounts.LineAmounts(
            sku="",
            description=f"{reason} ({original.full_number})"[:500],
            quantity=1,
            unit_price=amount,
            discount=Decimal("0.00"),
            total=amount,
            unit_code="ZZ",
        )
        return _create(
            order=original.order,
            kind=ReceiptKind.DEBIT_NOTE,
            series=DEBIT_SERIES[original.kind],
            buyer=_buyer_of(original),
            lines=[line],
            original=original,
            reason_code=reason_code,
            reason=reason,
            source=source,
            issued_by=actor,
        )


def _buyer_of(receipt: Receipt) -> Buyer:
    return Buyer(
        buyer_document_type=receipt.buyer_document_type,
        buyer_document=receipt.buyer_document,
        buyer_name=receipt.buyer_name,
        buyer_address=receipt.buyer_address,
    )


def receipt_reissue(*, receipt_id: int, actor: "User | None") -> Receipt:
    """A document SUNAT rejected, issued again under a new number (the rejected number is never
    used again): a boleta or factura as the order's sale, with the buyer as the order now has it
    (staff fix what SUNAT refused first); a nota as it was, against the same original, taking over
    its cause. Once: a second call gives the same re-issue."""
    with transaction.atomic():
        rejected = Receipt.objects.select_for_update(of=("self",)).select_related("order").filter(pk=receipt_id).first()
        if rejected is None:
            raise ReceiptError(_("There is no receipt %(id)s.") % {"id": receipt_id})
        if rejected.send_status != SendStatus.REJECTED:
            raise ReceiptError(
                _("%(number)s was not rejected by SUNAT: only a rejected document is re-issued.")
                % {"number": rejected.full_number}
            )
        if (existing := Receipt.objects.filter(reissue_of=rejected).first()) is not None:
            return existing
        if rejected.is_note:
            return _note_reissue(rejected, actor)
        order = Order.objects.select_for_update().get(pk=rejected.order_id)
        if _sale_receipt(order) != rejected:
            raise ReceiptError(_("Order %(number)s already has a live receipt.") % {"number": order.number})
        return _sale_issued_again(order, buyer=buyer_for_order(order), actor=actor, replacing=rejected)


def buyer_corrected(*, document_type: str, document: str, name: str, address: str = "") -> OrderBuyer:
    """The buyer staff typed to correct a receipt, checked as checkout checks it: a RUC (11 digits
    with its check digit) and the business name make a factura; a DNI (8 digits), or no document,
    a boleta."""
    document = normalize_identity(document)
    name = " ".join(str(name or "").split())[:200]
    address = " ".join(str(address or "").split())[:300]
    if document_type == BuyerDocument.RUC:
        try:
            validate_ruc(document)
        except ValidationError:
            raise ReceiptError(_("Enter a valid RUC: 11 digits with its check digit.")) from None
        if len(name) < 3:
            raise ReceiptError(_("A factura needs the business name (razón social)."))
        kind = ReceiptKind.FACTURA
    elif document_type == BuyerDocument.DNI:
        try:
            validate_dni(document)
        except ValidationError:
            raise ReceiptError(_("Enter a valid DNI: 8 digits.")) from None
        kind = ReceiptKind.BOLETA
    elif document_type == BuyerDocument.NONE:
        kind, document = ReceiptKind.BOLETA, ""
    else:
        raise ReceiptError(_("Choose the buyer's document type."))
    return {
        "kind": kind,
        "buyer_document_type": document_type,
        "buyer_document": document,
        "buyer_name": name,
        "buyer_address": address,
    }


def receipt_reissue_corrected(*, receipt_id: int, buyer: OrderBuyer, actor: "User | None") -> Receipt:
    """A boleta or factura voided to correct it (by the sunat app, in its transaction: a baja, a
    resumen line 3 or a nota de crédito 01 annuls it) issued again for the same order under a new
    number, made out to `buyer` (buyer_corrected), a factura or a boleta as the buyer is; the voided
    one is marked (voided_at) so the order's one live sale is the new one."""
    with transaction.atomic():
        voided = Receipt.objects.select_for_update(of=("self",)).filter(pk=receipt_id).first()
        if voided is None or voided.kind not in (ReceiptKind.FACTURA, ReceiptKind.BOLETA):
            raise ReceiptError(_("Only a boleta or factura is re-issued corrected."))
        if voided.voided_at is not None or voided.send_status == SendStatus.REJECTED:
            raise ReceiptError(_("%(number)s was already replaced.") % {"number": voided.full_number})
        order = Order.objects.select_for_update().get(pk=voided.order_id)
        voided.voided_at = timezone.now()  # first: the order's one live sale is then the new one
        voided.save(update_fields=["voided_at"])
        return _sale_issued_again(order, buyer=buyer, actor=actor, replacing=voided)


def _sale_issued_again(order: Order, *, buyer: OrderBuyer, actor: "User | None", replacing: Receipt) -> Receipt:
    """The order's sale under a new number to `buyer`, in place of `replacing` (rejected or voided);
    refused when the order's lines no longer add up to its total."""
    lines = amounts.order_line_amounts(order, order.lines.order_by("pk"))
    if amounts.totals_of(lines).total != order.total:
        raise ReceiptError(_("The lines of order %(number)s do not add up to its total.") % {"number": order.number})
    return _create(
        order=order,
        kind=buyer["kind"],
        series=SERIES[buyer["kind"]],
        buyer=buyer,
        lines=lines,
        issued_by=actor,
        reissue_of=replacing,
    )


def _note_reissue(rejected: Receipt, actor: "User | None") -> Receipt:
    original = rejected.original
    assert original is not None  # a note has one (receipts_receipt_note_has_original)
    if original.send_status == SendStatus.REJECTED:
        raise ReceiptError(
            _("%(number)s was rejected by SUNAT: it cannot be modified by a note.") % {"number": original.full_number}
        )
    source, rejected.source = rejected.source, None  # the cause's note is the re-issue from now on
    rejected.save(update_fields=["source"])
    lines = [
        amounts.LineAmounts(
            sku=line.sku,
            description=line.description,
            quantity=line.quantity,
            unit_price=line.unit_price,
            discount=line.discount,
            total=line.total,
            unit_code=line.unit_code,
            order_line_id=line.order_line_id,
        )
        for line in rejected.lines.order_by("position")
    ]
    series = (CREDIT_SERIES if rejected.is_credit_note else DEBIT_SERIES)[original.kind]
    return _create(
        order=rejected.order,
        kind=rejected.kind,
        series=series,
        buyer=_buyer_of(original),
        lines=lines,
        original=original,
        reason_code=rejected.reason_code,
        reason=rejected.reason,
        source=source,
        issued_by=actor,
        reissue_of=rejected,
    )


# --- the resumen diario's answer (the sunat app) -----------------------------------------------


def receipts_summary_answer(*, receipt_ids: list[int], status: str, code: str, message: str) -> int:
    """SUNAT's answer to the resumen diario that reported these boletas and notas (sunat.services):
    each one SUNAT had not yet answered takes it (accepted, observed or rejected, with the code).
    Runs in the caller's transaction; how many it changed."""
    if status not in (SendStatus.ACCEPTED, SendStatus.OBSERVED, SendStatus.REJECTED):
        raise ReceiptError(_("Unknown SUNAT answer."))
    with transaction.atomic():
        unanswered = Receipt.objects.filter(pk__in=receipt_ids).exclude(
            send_status__in=[SendStatus.ACCEPTED, SendStatus.OBSERVED, SendStatus.REJECTED]
        )
        return unanswered.update(send_status=status, cdr_code=code, cdr_message=message[:2000], sent_at=timezone.now())
