from django import template
from django.utils import timezone

from returns import selectors, services

register = template.Library()


@register.inclusion_tag("returns/_order_returns.html")
def order_returns(order):
    """The order page's returns card: its requests, and the form's link while something is returnable."""
    if not order.has_shipped:
        return {"order": order, "show": False}
    requests = selectors.returns_for_order(order_id=order.pk)
    deadline = services.return_deadline(order_id=order.pk)
    can_return = (
        deadline is not None and timezone.now() <= deadline and bool(services.returnable_quantities(order_id=order.pk))
    )
    return {
        "order": order,
        "show": bool(requests) or can_return,
        "return_requests": requests,
        "can_return": can_return,
        "deadline": deadline,
    }
