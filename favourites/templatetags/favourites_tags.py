from django import template
from django.utils.safestring import mark_safe

from favourites.state import shopper_state_html

register = template.Library()


@register.simple_tag(takes_context=True)
def shopper_state(context) -> str:
    """{% shopper_state %}: the JSON block of the shopper's saved and viewed products."""
    request = context.get("request")
    return mark_safe(shopper_state_html(request)) if request is not None else ""
