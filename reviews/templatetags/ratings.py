"""Star ratings without inline styles (the coming Content-Security-Policy forbids them): the fill
is one of eleven CSS classes, in half stars."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils.html import format_html

register = template.Library()


def half_stars(value) -> int:
    try:
        number = Decimal(str(value or 0))
    except InvalidOperation:
        return 0
    return max(0, min(10, int((number * 2).quantize(Decimal("1"), rounding=ROUND_HALF_UP))))


@register.simple_tag
def stars(value, size: str = ""):
    """{% stars product.rating_average %} or {% stars review.rating "lg" %}: decorative, aria-hidden."""
    modifier = f" stars--{size}" if size else ""
    return format_html(
        '<span class="stars{}" aria-hidden="true"><span class="stars-fill stars-fill--{}"></span></span>',
        modifier,
        half_stars(value),
    )


@register.filter
def bar_step(percent) -> int:
    """A breakdown bar's width in 5 % steps (CSS classes bar-fill--0 … bar-fill--20)."""
    try:
        return max(0, min(20, round(int(percent) / 5)))
    except (TypeError, ValueError):
        return 0


@register.simple_tag
def review_form():
    """An empty review form for the product page's inline "write a review"."""
    from reviews.forms import ReviewForm

    return ReviewForm(auto_id="review_%s")
