"""What receipts asks of the apps above it (core.ports), plugged in by the app that provides it
in its AppConfig.ready() and called inside receipts' own transaction."""

from dataclasses import dataclass
from decimal import Decimal

from core.ports import port


@dataclass(frozen=True, kw_only=True)
class ReturnedGoods:
    """What a resolved return took back from its order, for the return's nota de crédito."""

    order_id: int
    number: str
    units: dict[int, int]  # order line id → units returned
    shipping: bool  # the order's shipping goes back with this return (the whole order came back)
    amount: Decimal  # what the return gives back (refund and store credit together)
    note: str = ""  # why it is less than the units' share (a quantity offer the units kept no longer earn)


@port
def return_goods(*, return_id: int) -> ReturnedGoods | None:
    """A return gives money back: the goods and the amount its nota de crédito credits, or None
    when the return has not been resolved. Returns plugs it in."""


@port
def receipt_voided(*, receipt_id: int) -> bool:
    """Whether a comunicación de baja or a resumen line 3 that SUNAT has or may still accept voids
    the receipt: a cancelled order's nota de crédito is then not issued (one document annuls a
    receipt, never two). The sunat app plugs it in."""
    raise NotImplementedError
