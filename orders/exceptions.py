"""What orders.services refuse, with a message a customer or staff member can read."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class OrderError(Exception):
    default_message: str | Promise = _("This order cannot be changed that way.")

    def __init__(self, message: str | Promise | None = None) -> None:
        self.message = message or self.default_message
        super().__init__(str(self.message))

    def __str__(self) -> str:
        return str(self.message)


class InvalidTransition(OrderError):
    """A status change the allowed-transitions table does not have."""


class CancelNotAllowed(InvalidTransition):
    """A cancellation outside the rules: after the window, after shipping, already cancelled."""

    default_message = _("This order can no longer be cancelled.")


class IdempotencyConflict(OrderError):
    """The one-time checkout key belongs to an order of someone else."""

    default_message = _("This checkout was already submitted. Reload the page and try again.")


class NoteRefused(OrderError):
    """An order note that is empty or too long (nothing is written)."""

    default_message = _("Write the note (at most 2000 characters).")


class RefundCoversShippedGoods(OrderError):
    """A refund in full whose approval would give back the money of goods that left the warehouse
    after it was requested (payments refuses it, nothing written)."""

    default_message = _("Part of this order shipped after the refund was requested.")


class PaymentWaitRefused(OrderError):
    """An order that cannot wait for a payment made later: it is not awaiting payment, its payment
    window has closed, or the code's expiry is not in the future."""

    default_message = _("This order is no longer awaiting payment.")
