"""The one rate limit on trying gift card codes, shared by the balance page and checkout."""

from django.conf import settings

from core import ratelimit

GIFT_CARD_ACTION = "gift_card"


def gift_card_attempt_allowed(request, *, record: bool) -> bool:
    """Codes that do not work are limited per client IP and per device (GIFT_CARD_RATE_LIMIT), so
    gift card codes cannot be guessed; the balance page and checkout count against the same limit.
    Fails closed (a 503 page) while Redis is away."""
    return ratelimit.consume(
        request,
        action=GIFT_CARD_ACTION,
        rates=settings.GIFT_CARD_RATE_LIMIT,
        key=getattr(request, "device_id", ""),
        fail_closed=True,
        dry_run=not record,
    )
