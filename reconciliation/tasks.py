"""Thin Celery wrapper around reconciliation's service."""

from datetime import date

from celery import shared_task

from . import selectors, services


@shared_task(name="reconciliation.tasks.reconcile_due_days")
def reconcile_due_days() -> int:
    """Beat (hourly; the in-process scheduler under `make run`): yesterday's reconciliation once it is
    due and not run yet (or an hour after a run a gateway failed), so a scheduler that was down at the
    hour catches up on its next tick."""
    days = selectors.reconciliation_due_days()
    for day in days:
        services.reconciliation_run(day=day)
    return len(days)


@shared_task(name="reconciliation.tasks.reconcile_day")
def reconcile_day(day: str) -> int:
    """A day staff asked to reconcile again from the admin (idempotent): its open findings."""
    return services.reconciliation_run(day=date.fromisoformat(day)).open_findings
