"""What a shopper reads when the units they want are not there. One wording for the product
page, the kit page, the cart and checkout, naming the product and its option ("Teclado X
(Rojo) está agotado."), never a SKU or an internal id, which mean nothing to a shopper."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from catalog.models import Variant

from .exceptions import InsufficientStock


def stock_shortage_message(variant: Variant, *, available: int, at_checkout: bool = False) -> str:
    """Sold out, or only `available` units left, of this variant. At checkout the message also
    says what to change in the cart to go on."""
    name = variant.shopper_name
    if at_checkout:
        if not available:
            return _("%(name)s sold out while you were checking out. Remove it from your cart to continue.") % {
                "name": name
            }
        return ngettext(
            "Only %(count)d unit of %(name)s is left. Change the quantity in your cart to continue.",
            "Only %(count)d units of %(name)s are left. Change the quantity in your cart to continue.",
            available,
        ) % {"count": available, "name": name}
    if not available:
        return _("%(name)s is sold out.") % {"name": name}
    return ngettext(
        "Only %(count)d unit of %(name)s is left.",
        "Only %(count)d units of %(name)s are left.",
        available,
    ) % {"count": available, "name": name}


def insufficient_stock_message(error: InsufficientStock, *, at_checkout: bool = False) -> str:
    """stock_shortage_message for a refused hold: the variant it names, read with its options."""
    variant_id = error.params.get("variant_id")
    variant = (
        Variant.objects.select_related("product").prefetch_related("option_values").filter(pk=variant_id).first()
        if variant_id is not None
        else None
    )
    available = error.params.get("available", 0)
    if variant is None:  # deleted meanwhile: what the error itself says is all there is
        return str(error)
    return stock_shortage_message(variant, available=available, at_checkout=at_checkout)
