"""What inventory asks of the apps above it (core.ports), plugged in by the app that provides it
in its AppConfig.ready() and called inside inventory's own transaction."""

from core.ports import port


@port
def stock_replenished(*, variant_ids: list[int]) -> None:
    """Units of these variants became available again (a receipt, a return or a cancelled sale put
    back on the shelf, a transfer in, a cancelled order's holds released): whoever waits for them
    may be told. Alerts plugs it in and does its work after commit."""
