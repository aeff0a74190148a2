"""SUNAT's daily paperwork beyond the receipt, sent with sendSummary and answered on a ticket:

- the resumen diario (RC, SummaryDocuments-1): the boletas of one day and the notas that modify
  them, each line with its condition (1 add, 2 modify, 3 void);
- the comunicación de baja (RA, VoidedDocuments-1): facturas and their notas voided with a reason.

Built through sunat.services only; a summary, once built, is never edited (a correction is another
summary). Its lines point at the receipts they report, by a foreign key named as a string."""

from datetime import date

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from receipts.models import Receipt


class SummaryKind(models.TextChoices):
    DAILY = "RC", _("Daily summary (resumen diario)")
    VOIDED = "RA", _("Voiding notice (comunicación de baja)")


class SummaryStatus(models.TextChoices):
    PENDING = "pending", _("Pending to send")
    SENT = "sent", _("Sent, awaiting SUNAT's answer")
    ACCEPTED = "accepted", _("Accepted")
    OBSERVED = "observed", _("Accepted with observations")
    REJECTED = "rejected", _("Rejected")
    FAILED = "failed", _("Sending failed")
    # Sent again after a lost ticket and refused as already presented (2223): SUNAT has the first
    # sending but no service answers for it; staff check its boletas in SUNAT's portal.
    CHECK = "check", _("Needs a check in SUNAT's portal")


# Statuses whose lines count: SUNAT has, or may still accept, what they report.
LIVE_STATUSES = (
    SummaryStatus.PENDING,
    SummaryStatus.SENT,
    SummaryStatus.ACCEPTED,
    SummaryStatus.OBSERVED,
    SummaryStatus.FAILED,
    SummaryStatus.CHECK,
)
STATUS_TONES: dict[str, str] = {
    SummaryStatus.PENDING: "warning",
    SummaryStatus.SENT: "info",
    SummaryStatus.ACCEPTED: "success",
    SummaryStatus.OBSERVED: "info",
    SummaryStatus.REJECTED: "danger",
    SummaryStatus.FAILED: "danger",
    SummaryStatus.CHECK: "warning",
}


class Condition(models.TextChoices):
    """A resumen diario line's status (catálogo 19)."""

    ADD = "1", _("Add")
    MODIFY = "2", _("Modify")
    VOID = "3", _("Void")


class Summary(models.Model):
    kind = models.CharField(_("type"), max_length=2, choices=SummaryKind.choices)
    # The day it is generated (Lima) and its running number that day: its ID, RC-YYYYMMDD-N.
    issue_date = models.DateField(_("generated on"))
    correlative = models.PositiveIntegerField(_("correlative"))
    # The issue date of every document it reports (SUNAT's ReferenceDate: one day per summary).
    reference_date = models.DateField(_("documents of"))
    issuer_ruc = models.CharField(_("store RUC"), max_length=11)
    issuer_name = models.CharField(_("store legal name"), max_length=200)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    xml = models.TextField(_("XML"), blank=True)
    digest = models.CharField(_("hash"), max_length=100, blank=True)

    status = models.CharField(
        _("SUNAT status"), max_length=10, choices=SummaryStatus.choices, default=SummaryStatus.PENDING
    )
    ticket = models.CharField(_("ticket"), max_length=40, blank=True)
    send_attempts = models.PositiveIntegerField(_("send attempts"), default=0)
    poll_attempts = models.PositiveIntegerField(_("status queries"), default=0)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    cdr_code = models.CharField(_("CDR code"), max_length=10, blank=True)
    cdr_message = models.TextField(_("CDR message"), blank=True)
    cdr_xml = models.TextField(_("CDR"), blank=True)

    class Meta:
        verbose_name = _("SUNAT summary")
        verbose_name_plural = _("SUNAT summaries")
        ordering = ["-issue_date", "-correlative", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "issue_date", "correlative"], name="sunat_summary_kind_day_correlative_unique"
            ),
            models.CheckConstraint(
                condition=Q(reference_date__lte=models.F("issue_date")), name="sunat_summary_reference_not_after_issue"
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="sunat_summary_status_idx")]

    def __str__(self) -> str:
        return self.identifier

    @property
    def identifier(self) -> str:
        """Its cbc:ID: RC-YYYYMMDD-N or RA-YYYYMMDD-N."""
        return summary_identifier(self.kind, self.issue_date, self.correlative)

    @property
    def file_name(self) -> str:
        """SUNAT's name for it, without the extension: RUC-RC-YYYYMMDD-N."""
        return f"{self.issuer_ruc}-{self.identifier}"

    @property
    def status_tone(self) -> str:
        return STATUS_TONES.get(self.status, "muted")

    @property
    def is_signed(self) -> bool:
        return bool(self.digest)


def summary_identifier(kind: str, issue_date: date, correlative: int) -> str:
    return f"{kind}-{issue_date:%Y%m%d}-{correlative}"


class SummaryLine(models.Model):
    """One document a summary reports: a boleta or nota with its condition (RC), or a factura or
    nota voided with its reason (RA)."""

    summary = models.ForeignKey(Summary, on_delete=models.CASCADE, related_name="lines", verbose_name=_("summary"))
    position = models.PositiveIntegerField(_("line"))
    receipt = models.ForeignKey(
        "receipts.Receipt", on_delete=models.PROTECT, related_name="+", verbose_name=_("receipt")
    )
    condition = models.CharField(_("condition"), max_length=1, choices=Condition.choices, blank=True)
    reason = models.CharField(_("reason for voiding"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("summary line")
        verbose_name_plural = _("summary lines")
        ordering = ["summary", "position"]
        constraints = [
            models.UniqueConstraint(fields=["summary", "position"], name="sunat_line_position_unique"),
            models.UniqueConstraint(fields=["summary", "receipt", "condition"], name="sunat_line_receipt_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.summary_id}/{self.position}"

    @property
    def voids(self) -> bool:
        return self.condition == Condition.VOID or (not self.condition and bool(self.reason))


class ReceiptTerms(Receipt):
    """The receipts as SUNAT's terms see them (the admin's list of what must be reported by when,
    and its "Void receipt" action); the rows are receipts', never written here."""

    class Meta:
        proxy = True
        verbose_name = _("receipt (terms and voiding)")
        verbose_name_plural = _("receipts (terms and voiding)")
