"""{% signed_in_header %}: the header's links of a signed-in shopper (their menu, favourites, mini
cart), the HTML a page-cache hit fills its page with, rendered once per process for each name,
e-mail, role and cart count instead of three templates on every request."""

from django import template
from django.utils.safestring import mark_safe

from storefront import page_cache

register = template.Library()


@register.simple_tag(takes_context=True)
def signed_in_header(context) -> str:
    html = page_cache.signed_in_header_html(
        context["request"], store_name=context["STORE_NAME"], cart_units=context["cart_units"]
    )
    return mark_safe(html.replace(page_cache.CSRF_PLACEHOLDER, str(context.get("csrf_token", ""))))
