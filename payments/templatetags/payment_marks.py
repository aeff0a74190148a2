"""{% payment_mark method %}: a payment method's mark (a drawn badge, no downloaded logo), and
{{ methods|phone_first }}: methods in the order Peruvian stores show them (payments.marks)."""

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from .. import marks

register = template.Library()


@register.simple_tag
def payment_mark(method) -> SafeString:
    return SafeString(render_to_string("payments/_mark.html", {"mark": marks.payment_mark(method)}))


@register.filter
def phone_first(methods):
    return marks.phone_first(methods)
