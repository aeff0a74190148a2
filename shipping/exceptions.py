"""Why a shipping method cannot be used: each refusal carries a message for the shopper."""

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class ShippingUnavailable(Exception):
    """A method that does not exist, is inactive, or does not serve this address or weight.

    str() gives the message in the active language; `code` says which case it is
    ("unknown_method", "not_served", "too_heavy", "bad_address", "no_method").
    """

    code = "unavailable"
    message: str | Promise = _("This shipping method is not available. Choose another one.")

    def __init__(self, message: str | Promise | None = None, *, code: str | None = None, **params: Any) -> None:
        if message is not None:
            self.message = message
        if code is not None:
            self.code = code
        self.params = params
        super().__init__(self.message)

    def __str__(self) -> str:
        text = str(self.message)
        return text % self.params if self.params else text


# What checkout says when shipping_options() comes back empty.
NO_METHOD_SERVES = _(
    "We cannot deliver to this address yet: no shipping method serves %(place)s for this order. "
    "Choose another address or write to us."
)


class ShipmentError(Exception):
    """A shipment change the rules refuse (a wrong step, units that never left the stock, a
    tracking number on a pickup...). str() is the message for the operator; nothing was written."""

    def __init__(self, message: str | Promise) -> None:
        self.message = message
        super().__init__(str(message))

    def __str__(self) -> str:
        return str(self.message)
