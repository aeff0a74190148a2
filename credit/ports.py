"""What credit asks of the apps above it (core.ports), plugged in by the app that provides it
in its AppConfig.ready() and called inside credit's own transaction."""

from core.ports import port


@port
def store_credit_credit_note_issue(*, credit_id: int) -> None:
    """A store credit was issued for a return: the sale is reduced as a refund reduces it, so its
    nota de crédito is issued. Receipts plugs it in and issues the note after commit."""
