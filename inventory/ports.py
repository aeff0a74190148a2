"""What inventory asks of the apps above it (core.ports), plugged in by the app that provides it
in its AppConfig.ready() and called inside inventory's own transaction."""

from core.ports import port


@port
def stock_replenished(*, variant_ids: list[int]) -> None:
    """Units of these variants became available again (a receipt, a return or a cancelled sale put
    back on the shelf, a transfer in, a cancelled order's holds released): whoever waits for them
    may be told. Alerts plugs it in and does its work after commit."""


@port
def order_numbers(*, order_ids: list[int]) -> dict[int, str]:
    """The numbers people know these orders by ({id: "PED-20261125-0007"}), in one query: the stock
    ledger and the reservations name the order a row belongs to with it, never by its id (inventory
    keeps a plain order id). Orders plugs it in."""
    raise NotImplementedError  # never runs: a call goes to the function plugged in


@port
def return_numbers(*, return_ids: list[int]) -> dict[int, str]:
    """The numbers of these return requests ({id: "DEV-…"}), in one query, for the stock ledger's
    return movements. Returns plugs it in."""
    raise NotImplementedError  # never runs: a call goes to the function plugged in
