from decimal import Decimal

from django import template

from shipping.estimates import delivery_estimate, shipping_place

register = template.Library()


@register.simple_tag(takes_context=True)
def delivery_estimate_for(context, *, weight_kg, subtotal, place=None):
    """{% delivery_estimate_for weight_kg=... subtotal=... as delivery %}: the cheapest home
    delivery to the shopper's place (or `place`, when the view found it), see shipping.estimates."""
    request = context.get("request")
    try:
        weight, amount = Decimal(weight_kg), Decimal(subtotal)
    except (TypeError, ValueError, ArithmeticError):
        return None
    place = place or shipping_place(getattr(request, "user", None))
    return delivery_estimate(place=place, weight_kg=weight, subtotal=amount, cached=context.get("delivery_cached"))
