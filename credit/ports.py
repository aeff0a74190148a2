"""What credit asks of the apps above it (core.ports), plugged in by the app that provides it
in its AppConfig.ready() and called inside credit's own transaction."""

from core.ports import port


@port
def return_credit_note_issue(*, return_id: int) -> None:
    """Money went back for a return without a refund (store credit, or a gift card to a guest):
    the sale is reduced as a refund reduces it, so the return's nota de crédito is issued.
    Receipts plugs it in and issues the note after commit."""
