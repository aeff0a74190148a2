"""The low-stock e-mail to warehouse operators (sent by the notify_low_stock task)."""

from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _


def low_stock_notify(*, stock_level_ids: Iterable[int]) -> int:
    """E-mail the warehouse operators about the levels still at or below their minimum; returns
    how many levels were reported (0: nothing sent)."""
    from django.core.mail import send_mail

    from ..selectors import stock_levels, warehouse_staff_emails

    low = [lv for lv in stock_levels().filter(pk__in=list(stock_level_ids)) if lv.available_units <= lv.minimum]
    recipients = warehouse_staff_emails()
    if not low or not recipients:
        return 0
    lines = [
        str(_("%(sku)s in %(warehouse)s: %(available)d available, minimum %(minimum)d") % {
            "sku": lv.variant.sku, "warehouse": lv.warehouse.code, "available": lv.available_units,
            "minimum": lv.minimum,
        })
        for lv in low
    ]
    subject = str(_("Low stock: %(count)d stock levels at or below their minimum") % {"count": len(low)})
    send_mail(subject, "\n".join(lines), None, recipients)
    return len(low)
