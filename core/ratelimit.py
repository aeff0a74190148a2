"""Rate limits of our own endpoints, with allauth's limiter and rate format ("10/m/ip,5/m/key").

While Redis (where the counters live) is away a limit either fails closed, where it guards money
or accounts (order look-up, coupon guessing), or open, where refusing would only turn shoppers
away (add-to-cart)."""

from allauth.core.internal import ratelimit as _allauth_ratelimit
from django.utils.translation import gettext_lazy as _

from .resilience import ServiceUnavailable, redis_outage

APP = "tienda"


class LimiterUnavailable(ServiceUnavailable):
    def __init__(self):
        super().__init__(_("We cannot check this request right now. Please try again in a minute."), retry_after=60)


def consume(
    request, *, action: str, rates: str, key: str | None = None, fail_closed: bool, dry_run: bool = False
) -> bool:
    """True when the request is within the limit (and, unless dry_run, counts it). Raises
    LimiterUnavailable when Redis is away and the limit fails closed."""
    if not redis_outage.should_try():
        return _unavailable(fail_closed)
    usage = _allauth_ratelimit.consume(
        request, app=APP, action=action, config={action: rates}, key=key, dry_run=dry_run, limit_get=True
    )
    if usage is None and redis_outage.is_down:
        return _unavailable(fail_closed)
    return usage is not None


def _unavailable(fail_closed: bool) -> bool:
    if fail_closed:
        raise LimiterUnavailable
    return True


def client_ip(request) -> str:
    return _allauth_ratelimit.get_ip(request)
