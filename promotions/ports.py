"""What promotions asks of the apps above it (core.ports), plugged in by the app that provides
it in its AppConfig.ready() and called inside promotions' own reads."""

from django.contrib.auth.base_user import AbstractBaseUser

from core.ports import port


@port
def buyer_has_ordered(*, customer: AbstractBaseUser | None, email: str, exclude_order_id: int | None = None) -> bool:
    """Whether a buyer has an order that was not cancelled, one order aside: the first-order
    limit. Orders sit above promotions, so orders plugs its read in (orders.apps)."""
    raise NotImplementedError  # never runs: a call goes to the function plugged in
