"""Where each sol of a discount came from: the labels of its sources (an automatic offer by its
name, a kit with its percentage, the coupon by its code), shared by the cart, checkout, the order
page, the order e-mails and the back office. The amounts come from promotions.stacking (step 4
keeps every part on its line); stacking.discount_sources sums them per source."""

from decimal import Decimal

from django.utils.translation import gettext as _

from .stacking import DiscountSource, discount_sources  # noqa: F401 (the callers' one import)


def percent_text(value) -> str:
    """10.00 → "10", 12.50 → "12.5": a percentage as people write it."""
    text = f"{Decimal(value).quantize(Decimal('0.01')):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def offer_label(name: str) -> str:
    return name or _("Offers")


def kit_label(name: str, percent) -> str:
    if not percent:
        return name or _("Kit discount")
    return _("%(kit)s (−%(percent)s %%)") % {"kit": name or _("Kit"), "percent": percent_text(percent)}


def coupon_label(code: str, *, percent=None) -> str:
    if percent:
        return _("Coupon %(code)s (−%(percent)s %%)") % {"code": code, "percent": percent_text(percent)}
    return _("Coupon %(code)s") % {"code": code}


def other_label() -> str:
    return _("Other discounts")
