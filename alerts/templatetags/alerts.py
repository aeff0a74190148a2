"""The "Avísame" form of a product page: `{% load alerts %}{% stock_alert_form page %}` in the buy
box. Reads only what the page already loaded (its variants and their units), so it adds no query."""

from django import template

register = template.Library()


@register.inclusion_tag("alerts/_stock_alert_form.html", takes_context=True)
def stock_alert_form(context, page) -> dict:
    """The sold-out options of the product (the chosen one first), or all of them before a launch;
    nothing to show when every option is in stock or the drop has closed."""
    request = context.get("request")
    user = getattr(request, "user", None)
    launch = page.upcoming_drop is not None
    if page.ended_drop is not None:
        options = []
    else:
        options = [v for v in page.variants if launch or page.availability.get(v.pk, 0) <= 0]
    chosen = page.variant if page.variant in options else (options[0] if options else None)
    return {
        "options": options, "chosen": chosen, "launch": launch, "product": page.product,
        "email": user.email if user is not None and user.is_authenticated else "",
        "csrf_token": context.get("csrf_token"), "request": request,
    }
