"""Reads of the sunat app shared by the admin, the services, the reports and the commands.

Terms (docs/sunat.md says where they come from):

- a boleta and its notas reach SUNAT within RC_TERM_DAYS calendar days counted from the day after
  their issue (R.S. N.° 000193-2020/SUNAT): the resumen diario of day D is due by D + 3;
- a factura (or nota) is voided by comunicación de baja, and a boleta by a resumen line 3, within
  VOID_TERM_DAYS calendar days after its issue, and only while its goods have not left; past that
  (or once they left), by a nota de crédito 01."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from receipts.models import LIMA, Receipt, ReceiptKind, SendStatus
from receipts.summary_mode import BOLETA_SERIES_PREFIX, boletas_by_summary
from shipping.models import LEFT_WAREHOUSE, Shipment

from .models import LIVE_STATUSES, Condition, SummaryKind, SummaryLine

RC_TERM_DAYS = 3
VOID_TERM_DAYS = 7
# SUNAT takes at most 500 documents in one summary.
MAX_LINES = 500
# Receipts SUNAT has heard of: handed over one by one (sent, awaiting its answer) or answered.
REPORTED = (SendStatus.SENT, SendStatus.ACCEPTED, SendStatus.OBSERVED, SendStatus.REJECTED)


def lima_today() -> date:
    return timezone.localtime(timezone.now(), LIMA).date()


def rc_deadline(issue_date: date) -> date:
    """The last day a boleta (or nota) issued on `issue_date` may reach SUNAT."""
    return issue_date + timedelta(days=RC_TERM_DAYS)


def void_deadline(issue_date: date) -> date:
    return issue_date + timedelta(days=VOID_TERM_DAYS)


def _live_line(condition: str | None = None, **lookup: object) -> QuerySet[SummaryLine]:
    lines = SummaryLine.objects.filter(receipt=OuterRef("pk"), summary__status__in=LIVE_STATUSES, **lookup)
    return lines.filter(condition=condition) if condition is not None else lines


def boleta_family() -> QuerySet[Receipt]:
    """Boletas and the notas that modify them (series B…)."""
    return Receipt.objects.filter(series__startswith=BOLETA_SERIES_PREFIX)


def unsummarized() -> QuerySet[Receipt]:
    """Boletas and their notas SUNAT has not heard of and no live resumen reports."""
    return boleta_family().exclude(send_status__in=REPORTED).exclude(Exists(_live_line(Condition.ADD)))


def documents_to_summarize(*, reference_date: date) -> QuerySet[Receipt]:
    """The boletas and notas of one closed day a resumen diario must add (none when the store
    sends them one by one)."""
    if not boletas_by_summary():
        return Receipt.objects.none()
    return unsummarized().filter(issue_date=reference_date).order_by("series", "number")


def days_to_summarize() -> list[date]:
    """The closed days (before today, Lima) with boletas or notas still to report, oldest first."""
    if not boletas_by_summary():
        return []
    days = unsummarized().filter(issue_date__lt=lima_today()).values_list("issue_date", flat=True)
    return sorted(set(days))


def boletas_due(*, today: date | None = None) -> QuerySet[Receipt]:
    """Boletas and notas not yet reported whose term ends today or tomorrow, or has passed: what
    the admin flags before it is late (in either way of sending)."""
    today = today or lima_today()
    return unsummarized().filter(issue_date__lte=today + timedelta(days=1) - timedelta(days=RC_TERM_DAYS))


def voided_receipt_ids() -> "QuerySet[Receipt, int]":
    """The ids of the receipts voided by a comunicación de baja or a resumen line 3 that SUNAT has
    or may still accept (a rejected baja brings the document back): reports leave them out
    (`.exclude(pk__in=voided_receipt_ids())`)."""
    voiding = SummaryLine.objects.filter(summary__status__in=LIVE_STATUSES).filter(
        Q(summary__kind=SummaryKind.VOIDED) | Q(condition=Condition.VOID)
    )
    return Receipt.objects.filter(pk__in=voiding.values("receipt_id")).values_list("pk", flat=True)


def receipt_voided(*, receipt_id: int) -> bool:
    """receipts.ports.receipt_voided: a live baja or resumen line 3 voids this receipt."""
    return voided_receipt_ids().filter(pk=receipt_id).exists()


# --- voiding -------------------------------------------------------------------------------------


class VoidWay:
    VOIDED = "RA"  # comunicación de baja
    DAILY = "RC"  # resumen diario, line 3
    CREDIT_NOTE = "NC"  # nota de crédito 01, anulación de la operación
    NONE = ""


@dataclass(frozen=True)
class VoidRoute:
    way: str
    why: str | Promise

    @property
    def possible(self) -> bool:
        return self.way != VoidWay.NONE


def _goods_left(receipt: Receipt) -> bool:
    return Shipment.objects.filter(order_id=receipt.order_id, status__in=LEFT_WAREHOUSE).exists()


def void_route(receipt: Receipt, *, today: date | None = None) -> VoidRoute:
    """How `receipt` is voided today, and why: by comunicación de baja (a factura or its nota),
    by a resumen line 3 (a boleta or its nota), or by a nota de crédito 01; or not at all."""
    today = today or lima_today()
    if (
        SummaryLine.objects.filter(receipt=receipt, summary__status__in=LIVE_STATUSES)
        .filter(Q(summary__kind=SummaryKind.VOIDED) | Q(condition=Condition.VOID))
        .exists()
    ):
        return VoidRoute(VoidWay.NONE, _("It is already voided."))
    if receipt.send_status == SendStatus.REJECTED:
        return VoidRoute(VoidWay.NONE, _("SUNAT rejected it: it never took effect, there is nothing to void."))
    boleta = receipt.series.startswith(BOLETA_SERIES_PREFIX)
    notes_alive = Receipt.objects.filter(original=receipt).exclude(pk__in=voided_receipt_ids()).exists()
    in_term = today <= void_deadline(receipt.issue_date)
    if in_term and not _goods_left(receipt) and not notes_alive:
        told_by_summary = boleta and boletas_by_summary()
        if not told_by_summary and receipt.send_status not in (SendStatus.ACCEPTED, SendStatus.OBSERVED):
            return VoidRoute(VoidWay.NONE, _("SUNAT has not accepted it yet: void it once it answers."))
        if boleta:
            return VoidRoute(
                VoidWay.DAILY,
                _(
                    "Issued %(date)s, within the %(days)s days SUNAT allows and before its goods left: a daily summary line 3."
                )
                % {"date": receipt.issue_date.strftime("%d/%m/%Y"), "days": VOID_TERM_DAYS},
            )
        return VoidRoute(
            VoidWay.VOIDED,
            _("Issued %(date)s, within the %(days)s days SUNAT allows and before its goods left: a voiding notice.")
            % {"date": receipt.issue_date.strftime("%d/%m/%Y"), "days": VOID_TERM_DAYS},
        )
    if receipt.kind == ReceiptKind.CREDIT_NOTE:
        return VoidRoute(VoidWay.NONE, _("A credit note past its voiding term cannot be voided."))
    why: str | Promise
    if in_term and not _goods_left(receipt):
        why = _("It has credit notes that are not voided: a credit note 01 annuls what is left.")
    elif in_term:
        why = _("Its goods have left the warehouse: a credit note 01 (cancellation of the operation).")
    else:
        why = _("Issued %(date)s, past the %(days)s days SUNAT allows for voiding: a credit note 01.") % {
            "date": receipt.issue_date.strftime("%d/%m/%Y"),
            "days": VOID_TERM_DAYS,
        }
    return VoidRoute(VoidWay.CREDIT_NOTE, why)
