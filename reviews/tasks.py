"""Thin Celery wrappers around reviews.services (run by beat, see CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from core.site_settings import site_setting

from . import services


@shared_task(name="reviews.tasks.send_review_invitations")
def send_review_invitations() -> int:
    """Hourly: invite customers whose order was delivered REVIEWS_INVITE_AFTER_DAYS ago."""
    return services.review_invitations_send_due(after_days=site_setting("REVIEWS_INVITE_AFTER_DAYS"))


@shared_task(name="reviews.tasks.compute_seller_reputations")
def compute_seller_reputations() -> int:
    """Nightly: every approved seller's reputation over the last 90 days."""
    return services.seller_reputations_compute_all()
