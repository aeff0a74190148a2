"""What payments asks of the apps above it (core.ports), plugged in by the app that provides it
in its AppConfig.ready() and called inside payments' own transaction."""

from core.ports import port


@port
def refund_credit_note_issue(*, refund_id: int) -> None:
    """A refund succeeded (made by the gateway, or reported by its webhook): the sale is reduced,
    so its nota de crédito is issued. Receipts plugs it in and issues the note after commit."""
