"""The receipts an order's page shows its buyer: the ones that count as issued (one SUNAT
rejected never did; its re-issue is shown)."""

from django import template

from receipts.selectors import receipts_issued

register = template.Library()


@register.simple_tag
def issued_receipts(order):
    return list(receipts_issued(order_id=order.pk))
