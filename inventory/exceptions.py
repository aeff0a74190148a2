"""Domain errors of the inventory services: each carries a translatable message for the
shopper or the operator, and is raised before anything is written (or rolls it back)."""

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class InventoryError(Exception):
    """Base of every inventory refusal. str() gives the message in the active language."""

    message: str | Promise = _("This stock operation is not allowed.")

    def __init__(self, message: str | Promise | None = None, **params: Any) -> None:
        if message is not None:
            self.message = message
        self.params = params
        super().__init__(self.message)

    def __str__(self) -> str:
        text = str(self.message)
        return text % self.params if self.params else text


class InvalidQuantity(InventoryError):
    message = _("The quantity must be a whole number greater than zero (got %(value)s).")


class ReasonRequired(InventoryError):
    message = _("Give a reason for this stock change.")


class InsufficientStock(InventoryError):
    message = _("Only %(available)d units of %(sku)s are available; %(requested)d were asked for.")


class SameWarehouse(InventoryError):
    message = _("A transfer needs two different warehouses.")


class InactiveVariant(InventoryError):
    message = _("%(sku)s is not for sale.")


class InactiveWarehouse(InventoryError):
    message = _("The warehouse %(code)s is not active.")


class PurchaseLimitExceeded(InventoryError):
    message = _("You can buy at most %(limit)d units of %(product)s; you already hold %(held)d.")


class ReservationNotHeld(InventoryError):
    message = _("The reservation is no longer held (it was released or converted).")


class OverReceipt(InventoryError):
    message = _("%(sku)s: receiving %(quantity)d would exceed the %(outstanding)d units still ordered.")


class PurchaseOrderStateError(InventoryError):
    message = _("Purchase order %(number)s is %(status)s; this cannot be done now.")


class LedgerIsAppendOnly(InventoryError):
    message = _("Movements cannot be changed or deleted; record a correcting movement instead.")
