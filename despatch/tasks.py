"""Thin Celery wrappers around despatch's services."""

from celery import shared_task
from django.db import OperationalError

from . import services
from .gre import GreInProcess, GreUnavailable

SEND_MAX_RETRIES = 10


@shared_task(name="despatch.tasks.send_guia", bind=True, max_retries=SEND_MAX_RETRIES)
def send_guia(self, advice_id: int) -> str:
    """Send a guía to SUNAT and wait for its answer: a ticket still in process is asked again
    soon (20 s, 40 s, ...); an outage is retried with backoff (1 min, 2, 4 ... up to 2 h); then
    the guía is an exception for staff to resend."""
    try:
        return services.guia_send(advice_id=advice_id).status
    except (GreUnavailable, OperationalError) as error:
        if self.request.retries >= self.max_retries:
            services.guia_send_give_up(advice_id=advice_id, error=str(error))
            return "exception"
        base = 20 if isinstance(error, GreInProcess) else 60
        raise self.retry(exc=error, countdown=min(base * 2**self.request.retries, 2 * 60 * 60)) from error
