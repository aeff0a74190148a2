"""Why a coupon code does not apply: one reason per refusal, each with its message."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Refusal(models.TextChoices):
    MALFORMED = "malformed", _("Not a coupon code")
    UNKNOWN = "unknown", _("Unknown code")
    INACTIVE = "inactive", _("No longer active")
    EXPIRED = "expired", _("Expired")
    NOT_YET_VALID = "not_yet_valid", _("Not yet valid")
    MINIMUM_NOT_REACHED = "minimum", _("Minimum purchase not reached")
    NOTHING_IN_SCOPE = "scope", _("Nothing in scope")
    USED_UP = "used_up", _("Used up")
    ALREADY_USED = "already_used", _("Already used by this customer")
    FIRST_ORDER_ONLY = "first_order", _("First order only")


class CouponRefused(Exception):
    """A coupon that does not apply, with the reason and the message for the shopper."""

    def __init__(self, reason: Refusal, message: str):
        super().__init__(message)
        self.reason = reason
        self.message = message
