"""Thin Celery wrapper: the nightly retention run."""

from celery import shared_task

from . import services


@shared_task(name="privacy.tasks.apply_retention")
def apply_retention() -> dict[str, int]:
    """Beat, every night: drop what is past its retention term (privacy.services.retention_apply)."""
    return services.retention_apply()
