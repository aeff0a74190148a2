"""Where each sol of a discount came from: the labels of its sources (an automatic offer by its
name, a kit with its percentage, the coupon by its code), shared by the cart, checkout, the order
page, the order e-mails and the back office. The amounts come from promotions.stacking (step 5
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


def ordinal(n: int) -> str:
    """2 → "2do", 3 → "3ro" (the Spanish shorthand shops write), via the catalogue."""
    words = {2: _("2nd"), 3: _("3rd"), 4: _("4th"), 5: _("5th")}
    return words.get(n) or _("%(n)dth") % {"n": n}


def quantity_offer_badge(offer) -> str:
    """ "3x2", "2do al 50 %", "Con regalo": a quantity offer as cards and the product page show it."""
    if offer.kind == "buy_n_pay_m":
        return f"{offer.buy_quantity}x{offer.pay_quantity}"
    if offer.kind == "nth_unit_percent":
        return _("%(nth)s at %(percent)s %% off") % {
            "nth": ordinal(offer.buy_quantity),
            "percent": percent_text(offer.percent or 0),
        }
    return _("Free gift")


def quantity_offer_label(name: str) -> str:
    """The offer's discount line in the cart, the order and the e-mails (its name, "3x2 Polos")."""
    return name or _("Quantity offers")


def gift_short_note(*, offer_name: str, given: int, earned: int) -> str:
    """The cart's gift line gives fewer units than were earned: the rest are out of stock."""
    return _("%(offer)s: %(given)d of the %(earned)d gifts earned; the rest are sold out.") % {
        "offer": offer_name,
        "given": given,
        "earned": earned,
    }


def gift_sold_out_note(*, offer_name: str) -> str:
    """A gift earned with no unit left to give: the cart says so and carries on."""
    return _("Gift sold out: %(offer)s.") % {"offer": offer_name}


def gift_note(*, offer_name: str, free: int, buy: int) -> str:
    """Why a gift's line is (partly) charged: the offer gives fewer units than the line has."""
    if not free:
        return _("%(offer)s: buy %(buy)d to get this free; for now it is charged.") % {"offer": offer_name, "buy": buy}
    return _("%(offer)s: %(free)d free; the other units are charged.") % {"offer": offer_name, "free": free}
