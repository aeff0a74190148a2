"""Thin Celery wrappers: the nightly retention run, and an ARCO answer e-mailed once."""

import logging

from celery import shared_task

from accounts.services import user_sessions_end
from core.once import send_once

from . import emails, services

logger = logging.getLogger(__name__)


@shared_task(name="privacy.tasks.apply_retention")
def apply_retention() -> dict[str, int]:
    """Beat, every night: drop what is past its retention term (privacy.services.retention_apply)."""
    dropped = services.retention_apply()
    logger.info("Retention: dropped %s", ", ".join(f"{kind} {count}" for kind, count in dropped.items()))
    return dropped


@shared_task(name="privacy.tasks.send_arco_answer", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_arco_answer(request_id: int) -> bool:
    """Staff's answer to an ARCO request, to the address it gave, once."""
    return send_once(
        claim=services.arco_answer_claim(request_id=request_id), send=lambda: emails.send_answer(request_id=request_id)
    )


@shared_task(name="privacy.tasks.end_sessions")
def end_sessions(user_id: int) -> int:
    """A closed account's stored sessions, deleted (they could no longer sign anyone in already)."""
    return user_sessions_end(user_id=user_id)
