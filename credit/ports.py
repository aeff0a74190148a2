"""What credit asks of the apps above it (core.ports), plugged in by the app that provides it
in its AppConfig.ready() and called inside credit's own transaction."""

from core.ports import Port

# A store credit was issued for a return: the sale is reduced as a refund reduces it, so its
# nota de crédito is issued. Called as (credit_id=); receipts plugs it in and issues it after
# commit.
store_credit_credit_note_issue: Port[[int], None] = Port("credit.store_credit_credit_note_issue")
