"""What promotions asks of the apps above it (core.ports), plugged in by the app that provides
it in its AppConfig.ready() and called inside promotions' own reads."""

from typing import TYPE_CHECKING

from core.ports import port

if TYPE_CHECKING:
    from core.actors import AuthUser


@port
def buyer_has_ordered(*, customer: "AuthUser | None", email: str, exclude_order_id: int | None = None) -> bool:
    """Whether a buyer has an order that was not cancelled, one order aside: the first-order
    limit. Orders sit above promotions, so orders plugs its read in (orders.apps)."""
    raise NotImplementedError  # never runs: a call goes to the function plugged in
