"""How every e-mail's plain-text part (and subject) is rendered: the project's templates with HTML
autoescaping off, so "Polo & Co" and a link's "?a=1&b=2" reach the reader as typed, not as
"&amp;". HTML parts keep rendering with render_to_string (escaped, as HTML must be)."""

from typing import Any, cast

from django.template.backends.django import Template
from django.template.context import make_context
from django.template.loader import get_template


def render_text(template_name: str, context: dict[str, Any] | None = None) -> str:
    """`template_name` rendered as plain text (no request, no context processors)."""
    template = cast(Template, get_template(template_name)).template  # the project renders with Django templates
    return template.render(make_context(context or {}, autoescape=False))


def render_subject(template_name: str, context: dict[str, Any] | None = None) -> str:
    """A subject template as one line of plain text."""
    return " ".join(render_text(template_name, context).split())
