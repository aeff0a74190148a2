from django import template

from core.fixed_urls import reverse_fixed

register = template.Library()


@register.simple_tag
def fixed_url(viewname: str) -> str:
    """{% fixed_url "app:name" %}: {% url %} for a name without arguments, reversed once
    (core.fixed_urls), for the parts of a page rendered on every request."""
    return reverse_fixed(viewname)
