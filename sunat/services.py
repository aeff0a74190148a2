"""Writes of the sunat app (keyword-only services, one transaction each).

daily_summary_build: the resumen diario of one closed day's boletas and notas. receipt_void: a
receipt voided the way the law allows today (comunicación de baja, resumen line 3, or a nota de
crédito 01). summary_send / summary_poll: sendSummary, then getStatus on the ticket until SUNAT
answers; the answer reaches the boletas through receipts.services.receipts_summary_answer.

A summary's correlative comes from core.counters (scope "sunat", key RC/RA + the day): its upsert
holds the counter's row lock until the transaction ends, so two workers building the same day's
summary run one after the other, and the second finds nothing left to report (its increment rolls
back: no gap, no second summary)."""

import logging
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.counters import counter_next
from receipts import signing
from receipts.models import CreditReason, Receipt, ReceiptKind, SendStatus
from receipts.pending import claim_span
from receipts.sending import ALREADY_PRESENTED, NotReceived, SendAnswer, SendUnavailable, sending_configured
from receipts.services import (
    ReceiptError,
    buyer_corrected,
    credit_note_issue,
    credited_total,
    receipt_reissue_corrected,
    receipts_summary_answer,
)

from . import documents, enqueue, selectors
from .models import Condition, Summary, SummaryKind, SummaryLine, SummaryStatus

if TYPE_CHECKING:
    from accounts.models import User
    from orders.models import Order

logger = logging.getLogger(__name__)
# getStatus is asked again after 1 min, 2, 4 ... up to an hour; after this many, the summary fails
# and staff send it again (SUNAT's ticket answers within minutes when it is up).
POLL_MAX_ATTEMPTS = 12
REASON_MIN, REASON_MAX = 3, 100


class SunatError(Exception):
    """The summary or baja cannot be made as asked; nothing was written."""


def _sign(xml: bytes, file_name: str) -> tuple[str, str]:
    if not signing.certificate_configured():
        return xml.decode(), ""
    try:
        signed, digest = signing.xml_sign(xml, signing.certificate_load())
    except signing.CertificateMissing as error:
        logger.warning("Summary %s left unsigned: %s", file_name, error)
        return xml.decode(), ""
    return signed.decode(), digest


def _create(*, kind: str, today: date, correlative: int, reference_date: date, lines: list[SummaryLine]) -> Summary:
    """Insert a summary, its lines and its XML; sending is enqueued after commit. Runs inside the
    caller's transaction (which holds the day's counter)."""
    first = lines[0].receipt
    summary = Summary.objects.create(
        kind=kind,
        issue_date=today,
        correlative=correlative,
        reference_date=reference_date,
        issuer_ruc=first.issuer_ruc,
        issuer_name=first.issuer_name,
    )
    for position, line in enumerate(lines, start=1):
        line.summary, line.position = summary, position
    rows = SummaryLine.objects.bulk_create(lines)
    for row, line in zip(rows, lines, strict=True):
        row.receipt = line.receipt
    summary.xml, summary.digest = _sign(documents.summary_xml(summary, rows), summary.file_name)
    summary.save(update_fields=["xml", "digest"])
    enqueue.summary_send(summary_id=summary.pk)
    return summary


def _correlative(kind: str, today: date) -> int:
    return counter_next(scope="sunat", key=f"{kind}{today:%Y%m%d}")


def daily_summary_build(*, reference_date: date) -> Summary | None:
    """The resumen diario of the boletas and notas issued on `reference_date` that no live summary
    reports yet, at most MAX_LINES of them; None when there are none (or the store sends boletas one
    by one). Beat asks only for closed days; today's, asked for explicitly, holds those issued so
    far (a later one goes in the next summary of the day)."""
    today = selectors.lima_today()
    if reference_date > today:
        raise SunatError(_("A day is summarized once it has ended."))
    with transaction.atomic():
        correlative = _correlative(SummaryKind.DAILY, today)  # waits for another builder of today
        receipts = list(
            selectors.documents_to_summarize(reference_date=reference_date)
            .select_related("original")
            .prefetch_related("lines")[: selectors.MAX_LINES]
        )
        if not receipts:
            transaction.set_rollback(True)  # the correlative goes back: no gap
            return None
        lines = [SummaryLine(receipt=receipt, condition=Condition.ADD) for receipt in receipts]
        return _create(
            kind=SummaryKind.DAILY, today=today, correlative=correlative, reference_date=reference_date, lines=lines
        )


def daily_summaries_build() -> list[Summary]:
    """Every closed day's resúmenes still owed (one transaction each)."""
    built = []
    for day in selectors.days_to_summarize():
        while (summary := daily_summary_build(reference_date=day)) is not None:
            built.append(summary)
    return built


# --- voiding -------------------------------------------------------------------------------------


def _clean_reason(reason: object) -> str:
    text = " ".join(str(reason or "").split())
    if not REASON_MIN <= len(text) <= REASON_MAX:
        raise SunatError(
            _("Say why it is voided in %(min)s to %(max)s characters.") % {"min": REASON_MIN, "max": REASON_MAX}
        )
    return text


def receipt_void(*, receipt_id: int, reason: str) -> Summary | Receipt:
    """Void a receipt the way selectors.void_route allows today: a comunicación de baja (the RA
    summary), a resumen line 3 (the RC summary; with its line 1 when SUNAT has not heard of the
    boleta yet) or a nota de crédito 01 for what is left of it. The receipt's row lock serialises
    two staff doing it at once: the second is told it is already voided."""
    text = _clean_reason(reason)
    with transaction.atomic():
        receipt = Receipt.objects.select_for_update(of=("self",)).filter(pk=receipt_id).first()
        if receipt is None:
            raise SunatError(_("That receipt does not exist."))
        route = selectors.void_route(receipt)
        if route.way == selectors.VoidWay.NONE:
            raise SunatError(str(route.why))
        if route.way == selectors.VoidWay.CREDIT_NOTE:
            return _void_by_credit_note(receipt, text)
        return _void_by_summary(receipt, route, text)


def _void_by_summary(receipt: Receipt, route: selectors.VoidRoute, reason: str) -> Summary:
    """The baja (RA) or resumen line 3 (RC; with its line 1 when SUNAT has not heard of the boleta
    yet) that voids `receipt`, in the caller's transaction."""
    today = selectors.lima_today()
    if route.way == selectors.VoidWay.VOIDED:
        lines = [SummaryLine(receipt=receipt, reason=reason)]
        kind = SummaryKind.VOIDED
    else:
        lines = [SummaryLine(receipt=receipt, condition=Condition.VOID, reason=reason)]
        if selectors.unsummarized().filter(pk=receipt.pk).exists():
            lines.insert(0, SummaryLine(receipt=receipt, condition=Condition.ADD))
        kind = SummaryKind.DAILY
    return _create(
        kind=kind,
        today=today,
        correlative=_correlative(kind, today),
        reference_date=receipt.issue_date,
        lines=lines,
    )


def receipt_void_sale(*, receipt_id: int, reason: str, actor: "User | None") -> "Summary | Order":
    """The sale is cancelled: the order is cancelled through the store's own cancellation (its
    stock back, its refund proposed, the shopper told) and its boleta or factura annulled by ONE
    document, chosen by the term and the goods as receipt_void chooses: a baja or resumen line 3
    here (the cancellation's nota de crédito is then not issued: receipts.ports.receipt_voided), or,
    past the term or once goods left, the cancellation's own nota de crédito 01 (issued after
    commit). One transaction: an order that cannot be cancelled (shipped, already cancelled) is
    refused with why, and nothing is written. The Summary, or the cancelled Order."""
    from orders.exceptions import InvalidTransition
    from orders.models import Order
    from orders.services import order_cancel

    text = _clean_reason(reason)
    with transaction.atomic():
        receipt, route = _sale_to_void(receipt_id)
        summary = None if route.way == selectors.VoidWay.CREDIT_NOTE else _void_by_summary(receipt, route, text)
        try:
            order = order_cancel(
                order=Order.objects.get(pk=receipt.order_id), actor=actor, reason=text, by_customer=False
            )
        except InvalidTransition as error:
            # The baja just built goes with the rest: this transaction writes nothing.
            raise SunatError(
                _("Order %(number)s cannot be cancelled: %(why)s") % {"number": receipt.order.number, "why": error}
            ) from None
        return summary if summary is not None else order


def receipt_void_correct(
    *, receipt_id: int, reason: str, document_type: str, document: str, name: str, address: str, actor: "User | None"
) -> Receipt:
    """The receipt has an error (the buyer's name or document, boleta instead of factura or the
    reverse): it is voided the way the law allows today (receipt_void's baja or resumen line 3, or
    past the term or once goods left a nota de crédito 01 for what is left of it) and the sale
    re-issued for the same order under a new number, made out to the corrected buyer (checked as
    checkout checks it). One transaction: a bad buyer or a receipt that cannot be voided writes
    nothing. The corrected receipt."""
    text = _clean_reason(reason)
    try:
        buyer = buyer_corrected(document_type=document_type, document=document, name=name, address=address)
    except ReceiptError as error:
        raise SunatError(str(error)) from None
    with transaction.atomic():
        receipt, route = _sale_to_void(receipt_id)
        if route.way == selectors.VoidWay.CREDIT_NOTE:
            _void_by_credit_note(receipt, text)
        else:
            _void_by_summary(receipt, route, text)
        try:
            return receipt_reissue_corrected(receipt_id=receipt.pk, buyer=buyer, actor=actor)
        except ReceiptError as error:
            raise SunatError(str(error)) from None


def _sale_to_void(receipt_id: int) -> tuple[Receipt, selectors.VoidRoute]:
    """The boleta or factura locked (in the caller's transaction) and how it is voided today;
    SunatError when it does not exist, is a nota, or cannot be voided."""
    receipt = Receipt.objects.select_for_update(of=("self",)).filter(pk=receipt_id).first()
    if receipt is None:
        raise SunatError(_("That receipt does not exist."))
    if receipt.kind not in (ReceiptKind.FACTURA, ReceiptKind.BOLETA):
        raise SunatError(_("Only a boleta or factura stands for a sale: void a note by itself."))
    route = selectors.void_route(receipt)
    if route.way == selectors.VoidWay.NONE:
        raise SunatError(str(route.why))
    return receipt, route


def _void_by_credit_note(receipt: Receipt, reason: str) -> Receipt:
    remaining = receipt.total - credited_total(receipt)
    if remaining <= 0:
        raise SunatError(_("Its credit notes already annul all of it."))
    try:
        return credit_note_issue(
            receipt=receipt,
            amount=remaining,
            reason_code=CreditReason.CANCELLATION,
            reason=reason,
            source=f"void:{receipt.pk}",
        )
    except ReceiptError as error:
        raise SunatError(str(error)) from None


# --- sending -------------------------------------------------------------------------------------


def _record_answer(summary: Summary, answer: SendAnswer) -> None:
    """SUNAT's final answer on the summary and, for the documents it added, on them. "Already
    presented" (2223) is no answer about the documents: SUNAT holds an earlier sending of this ID
    whose ticket was lost, so the summary waits for staff's check and its documents keep theirs."""
    if answer.status == SendStatus.REJECTED and answer.code == ALREADY_PRESENTED:
        summary.status, summary.cdr_code = SummaryStatus.CHECK, answer.code
        summary.cdr_message, summary.answered_at = answer.message[:2000], timezone.now()
        summary.save(update_fields=["status", "cdr_code", "cdr_message", "answered_at"])
        return
    summary.status = answer.status  # receipts' accepted/observed/rejected are the same words
    summary.cdr_code, summary.cdr_message = answer.code, answer.message[:2000]
    summary.cdr_xml, summary.answered_at = answer.cdr_xml, timezone.now()
    summary.save(update_fields=["status", "cdr_code", "cdr_message", "cdr_xml", "answered_at"])
    added = list(summary.lines.filter(condition=Condition.ADD).values_list("receipt_id", flat=True))
    if added:
        receipts_summary_answer(
            receipt_ids=added,
            status=answer.status,
            code=answer.code,
            message=f"{summary.identifier}: {answer.message}"[:2000],
        )


def summary_send(*, summary_id: int) -> Summary:
    """Send a pending summary (sendSummary) and keep its ticket; poll it later. Without a service
    or a certificate it stays pending. Raises receipts.sending.SendUnavailable to try again.

    A crash sends nothing twice: the claim ("sent", no ticket yet, the attempt counted) commits
    before the call. A claim found abandoned (its worker died between SUNAT taking the file and the
    ticket being kept: SUNAT has no service that finds a summary's ticket again) is sent again with
    the same ID, which SUNAT refuses as already presented (2223) if it has the first: the summary
    then waits for staff's check (CHECK), never a second summary of the same documents."""
    from . import sending

    summary = Summary.objects.get(pk=summary_id)
    if not _sendable(summary) or not sending_configured():
        return summary
    if summary.status == SummaryStatus.SENT and not _claim_abandoned(summary):
        raise SendUnavailable("another attempt is waiting for SUNAT's ticket")
    if not summary.digest:
        summary = summary_sign(summary_id=summary_id)
        if not summary.digest:
            return summary
    claimed = _send_claim(summary_id=summary_id, seen_claim=summary.sent_at)
    if claimed is None:  # another worker claimed it meanwhile, or it was answered
        return Summary.objects.get(pk=summary_id)
    try:
        answer = sending.send_summary(claimed)  # no transaction or lock held over the network call
    except NotReceived:
        # SUNAT said it did not take it: nothing to check, the next attempt sends it.
        Summary.objects.filter(pk=summary_id, status=SummaryStatus.SENT, ticket="").update(status=SummaryStatus.PENDING)
        raise
    with transaction.atomic():
        summary = Summary.objects.select_for_update().get(pk=summary_id)
        if summary.status != SummaryStatus.SENT or summary.ticket:
            return summary
        if isinstance(answer, SendAnswer):
            _record_answer(summary, answer)
            return summary
        summary.ticket = answer.number
        summary.save(update_fields=["ticket"])
        enqueue.summary_poll(summary_id=summary.pk)
        return summary


def _sendable(summary: Summary) -> bool:
    """Pending or failed without a ticket, or claimed ("sent") and still without one."""
    if summary.ticket:
        return False
    return summary.status in (SummaryStatus.PENDING, SummaryStatus.FAILED, SummaryStatus.SENT)


def _claim_abandoned(summary: Summary) -> bool:
    """A claim older than two timeouts: its worker died or gave up before keeping the ticket."""
    return summary.sent_at is None or summary.sent_at < timezone.now() - claim_span()


def _send_claim(*, summary_id: int, seen_claim: datetime | None) -> Summary | None:
    """Commit the claim before the call: "sent" without a ticket, one more attempt, when. None
    when the summary changed since it was read (another worker's claim, a ticket, an answer)."""
    with transaction.atomic():
        summary = Summary.objects.select_for_update().get(pk=summary_id)
        if not _sendable(summary) or (summary.status == SummaryStatus.SENT and summary.sent_at != seen_claim):
            return None
        summary.status, summary.sent_at = SummaryStatus.SENT, timezone.now()
        summary.send_attempts += 1
        summary.save(update_fields=["status", "sent_at", "send_attempts"])
        return summary


def summary_sign(*, summary_id: int) -> Summary:
    """Sign a summary built before a certificate was configured (its XML rebuilt as built)."""
    with transaction.atomic():
        summary = Summary.objects.select_for_update().get(pk=summary_id)
        if summary.digest:
            return summary
        lines = list(summary.lines.select_related("receipt__original").prefetch_related("receipt__lines"))
        summary.xml, summary.digest = _sign(documents.summary_xml(summary, lines), summary.file_name)
        summary.save(update_fields=["xml", "digest"])
        return summary


def summary_poll(*, summary_id: int) -> Summary:
    """Ask SUNAT (getStatus) how a sent summary's ticket went. Still in process (98): it stays
    sent, to be asked again (sunat.tasks retries). Raises SendUnavailable to ask again later."""
    from . import sending

    summary = Summary.objects.get(pk=summary_id)
    if summary.status != SummaryStatus.SENT or not summary.ticket or not sending_configured():
        return summary
    Summary.objects.filter(pk=summary_id).update(poll_attempts=F("poll_attempts") + 1)
    answer = sending.summary_status(summary.ticket)
    if answer is None:
        return summary
    with transaction.atomic():
        summary = Summary.objects.select_for_update().get(pk=summary_id)
        if summary.status == SummaryStatus.SENT:
            _record_answer(summary, answer)
        return summary


def summary_give_up(*, summary_id: int, error: str) -> None:
    """Retries ran out (sending, or asking on the ticket): failed, for staff to send again (a
    summary claimed without a ticket is sent again with its ID: see summary_send)."""
    Summary.objects.filter(pk=summary_id, status__in=[SummaryStatus.PENDING, SummaryStatus.SENT]).update(
        status=SummaryStatus.FAILED, cdr_message=error[:2000]
    )


def summaries_resend(*, summary_ids: list[int]) -> int:
    """Staff's resend: failed summaries become pending again (a ticket they had is asked about
    instead of sending twice) and are enqueued after commit."""
    with transaction.atomic():
        failed = list(
            Summary.objects.select_for_update()
            .filter(pk__in=summary_ids, status=SummaryStatus.FAILED)
            .values_list("pk", "ticket")
        )
        for pk, ticket in failed:
            if ticket:
                Summary.objects.filter(pk=pk).update(status=SummaryStatus.SENT)
                enqueue.summary_poll(summary_id=pk)
            else:
                Summary.objects.filter(pk=pk).update(status=SummaryStatus.PENDING)
                enqueue.summary_send(summary_id=pk)
    return len(failed)
