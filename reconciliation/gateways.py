"""The gateways reconciliation reads: which are configured, and each one's listing function (in the
gateway's own client module, beside its auth and logging). The test gateway has nothing to list."""

from collections.abc import Callable
from datetime import datetime

from django.conf import settings

from payments.clients import culqi, mercadopago_checkout, paypal_orders, stripe_checkout
from payments.clients.listing import GatewayDay
from payments.models import Provider

DayList = Callable[..., GatewayDay]


def _listings() -> dict[str, tuple[Callable[[], bool], DayList]]:
    return {
        Provider.STRIPE: (lambda: bool(settings.STRIPE_SECRET_KEY), stripe_checkout.day_list),
        Provider.PAYPAL: (
            lambda: bool(settings.PAYPAL_CLIENT_ID and settings.PAYPAL_CLIENT_SECRET),
            paypal_orders.day_list,
        ),
        Provider.MERCADOPAGO: (lambda: bool(settings.MERCADOPAGO_ACCESS_TOKEN), mercadopago_checkout.day_list),
        Provider.CULQI: (lambda: bool(settings.CULQI_SECRET_KEY), culqi.day_list),
    }


def configured() -> dict[str, Callable[..., GatewayDay]]:
    """{provider: its day_list(start=, end=)} for every gateway whose API keys are set."""
    return {provider: listing for provider, (is_set, listing) in _listings().items() if is_set()}


def day_list(provider: str, *, start: datetime, end: datetime) -> GatewayDay:
    return configured()[provider](start=start, end=end)
