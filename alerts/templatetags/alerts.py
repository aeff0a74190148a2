"""The "Avísame" form of a product page: `{% load alerts %}{% stock_alert_form page %}` in the buy
box, beside the notice that the chosen option is sold out (or awaits its launch). Reads only what
the page already loaded (its variants, their option values and units), so it adds no query."""

from django import template

register = template.Library()


@register.inclusion_tag("alerts/_stock_alert_form.html", takes_context=True)
def stock_alert_form(context, page) -> dict:
    """For the option the shopper chose, named: when it is sold out, or before its launch. Another
    option is asked for by choosing it in the picker (sold-out choices stay choosable), so the form
    never stands for an option the shopper cannot see. Nothing once the drop has closed."""
    request = context.get("request")
    user = getattr(request, "user", None)
    launch = page.upcoming_drop is not None
    chosen = page.variant
    wanted = chosen is not None and page.ended_drop is None and (launch or page.availability.get(chosen.pk, 0) <= 0)
    return {
        "chosen": chosen if wanted else None,
        "option": chosen.options_named if wanted else "",
        "launch": launch,
        "email": user.email if user is not None and user.is_authenticated else "",
        "csrf_token": context.get("csrf_token"),
        "request": request,
    }
