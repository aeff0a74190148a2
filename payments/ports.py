"""What payments asks of the apps above it (core.ports), plugged in by the app that provides it
in its AppConfig.ready() and called inside payments' own transaction."""

from core.ports import Port

# A refund succeeded (made by the gateway, or reported by its webhook): the sale is reduced, so
# its nota de crédito is issued. Called as (refund_id=); receipts plugs it in and issues it
# after commit.
refund_credit_note_issue: Port[[int], None] = Port("payments.refund_credit_note_issue")
