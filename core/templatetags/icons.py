from functools import lru_cache

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

register = template.Library()


@lru_cache(maxsize=512)
def _svg(name: str, css_class: str) -> str:
    # includes/icon.html is a long if/elif chain; its output depends on nothing but these two
    # arguments, so each icon is rendered once per process instead of on every use.
    return render_to_string("includes/icon.html", {"name": name, "class": css_class})


@register.simple_tag
def icon(name, css_class: str = "") -> str:
    """{% icon "cart" %} or {% icon "chevron-down" "chevron" %}: an inline, decorative SVG."""
    return mark_safe(_svg(str(name or ""), str(css_class or "")))
