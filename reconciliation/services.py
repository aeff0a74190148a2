"""Reconciliation's writes: a Lima day compared gateway by gateway, its findings recorded; and staff's
review of a finding. The job never changes a payment or a refund."""

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from accounts.models import User

from . import gateways
from .compare import Day, Finding, compare, references
from .models import Discrepancy, Run
from .selectors import store_rows

logger = logging.getLogger(__name__)


class ReconciliationError(ValueError):
    """The day cannot be reconciled (not over yet); a finding cannot be reviewed as asked."""


@dataclass(frozen=True)
class RunOutcome:
    run: Run
    failed: dict[str, str]  # {provider: why its list could not be read}
    open_findings: int


def lima_day(day: date) -> Day:
    """[00:00, 24:00) of `day` in Lima (the store's TIME_ZONE)."""
    zone = timezone.get_default_timezone()
    start = datetime.combine(day, time.min, tzinfo=zone)
    return Day(start=start, end=datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone))


def _fetch(provider: str, day: Day, now: datetime) -> tuple[list[Finding] | None, str]:
    """The provider's findings for the day, or None and why its list could not be read. The list is
    asked with a margin around the day: a payment taken just before midnight may be recorded after."""
    margin = timedelta(hours=settings.RECONCILIATION_MARGIN_HOURS)
    span = Day(start=day.start - margin, end=min(day.end + margin, now))
    try:
        listed = gateways.day_list(provider, start=span.start, end=span.end)
    except Exception as error:  # any gateway failure: reported, and the other gateways still compared
        logger.warning("Reconciliation: %s's list could not be read", provider, exc_info=True)
        return None, f"{type(error).__name__}: {error}"[:500]
    payment_refs, attempt_ids, refund_refs = references(listed)
    store = store_rows(
        provider=provider,
        start=span.start,
        end=span.end,
        payment_references=payment_refs,
        attempt_ids=attempt_ids,
        refund_references=refund_refs,
    )
    return compare(day=day, listed=listed, store=store), ""


def reconciliation_run(*, day: date, now: datetime | None = None) -> RunOutcome:
    """Compare every configured gateway's list of `day` (Lima) with the store and record what differs.
    The gateways are read first, outside any transaction; the findings are then written in one.
    Idempotent: a day run again updates its open findings (those no longer found go), adds the new,
    and leaves the reviewed ones as staff left them; two runs at once write one after the other."""
    now = now or timezone.now()
    if day >= timezone.localdate(now):
        raise ReconciliationError(
            _("%(day)s has not ended yet in Lima: only a past day can be reconciled.") % {"day": day.isoformat()}
        )
    window = lima_day(day)
    found: dict[str, list[Finding]] = {}
    failed: dict[str, str] = {}
    with override(settings.LANGUAGE_CODE):  # the findings' details are read by staff, in Spanish
        for provider in sorted(gateways.configured()):
            findings, error = _fetch(provider, window, now)
            if findings is None:
                failed[provider] = error
            else:
                found[provider] = findings
    run = _record(day=day, found=found, failed=failed, started_at=now)
    return RunOutcome(
        run=run,
        failed=failed,
        open_findings=run.discrepancies.filter(status=Discrepancy.Status.OPEN).count(),
    )


def _record(*, day: date, found: dict[str, list[Finding]], failed: dict[str, str], started_at: datetime) -> Run:
    with transaction.atomic():
        Run.objects.get_or_create(day=day)
        run = Run.objects.select_for_update().get(day=day)  # a second run of the day waits here
        for provider, findings in found.items():
            _replace_findings(run, provider, findings)
        # A gateway that could not be read keeps the findings of its last good run.
        run.gateways = {**dict.fromkeys(found, ""), **failed}
        run.started_at, run.finished_at, run.times_run = started_at, timezone.now(), run.times_run + 1
        run.save(update_fields=["gateways", "started_at", "finished_at", "times_run"])
    return run


def _replace_findings(run: Run, provider: str, findings: list[Finding]) -> None:
    existing = {(row.kind, row.key): row for row in run.discrepancies.filter(provider=provider)}
    fresh = {(finding.kind, finding.key): finding for finding in findings}
    gone = [row.pk for key, row in existing.items() if key not in fresh and row.status == Discrepancy.Status.OPEN]
    Discrepancy.objects.filter(pk__in=gone).delete()
    for key, finding in fresh.items():
        row = existing.get(key)
        values = {
            "order_id": finding.order_id,
            "gateway_reference": finding.gateway_reference[:120],
            "gateway_amount": finding.gateway_amount,
            "store_amount": finding.store_amount,
            "currency": finding.currency,
            "detail": finding.detail,
        }
        if row is None:
            Discrepancy.objects.create(run=run, provider=provider, kind=finding.kind, key=finding.key, **values)
        elif row.status == Discrepancy.Status.OPEN and any(getattr(row, f) != v for f, v in values.items()):
            Discrepancy.objects.filter(pk=row.pk).update(**values)


def discrepancy_review(*, discrepancy_id: int, user: User, note: str) -> Discrepancy:
    """Staff looked into a finding and say what they found (or did, elsewhere): the note is required,
    and a finding is reviewed once (a second review, a replay, changes nothing)."""
    note = (note or "").strip()
    if not note:
        raise ReconciliationError(_("Write what you found or did: a review needs a note."))
    with transaction.atomic():
        row = Discrepancy.objects.select_for_update().get(pk=discrepancy_id)
        if row.status == Discrepancy.Status.REVIEWED:
            raise ReconciliationError(_("This finding was already reviewed."))
        row.status, row.review_note = Discrepancy.Status.REVIEWED, note
        row.reviewed_by, row.reviewed_at = user, timezone.now()
        row.save(update_fields=["status", "review_note", "reviewed_by", "reviewed_at"])
    return row
