"""Thin Celery wrappers around credit's services (the periodic one run by beat, see CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from .services.gift_cards import gift_cards_deliver_due


@shared_task(name="credit.tasks.deliver_due_gift_cards")
def deliver_due_gift_cards() -> int:
    """Every minute (and right after a card due today is paid or issued): e-mail the gift cards
    whose delivery date has come, each once."""
    return gift_cards_deliver_due()
