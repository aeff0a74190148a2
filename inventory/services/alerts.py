"""The low-stock e-mail (sent by the notify_low_stock task) to the LOW_STOCK_EMAILS site setting's
addresses, or to every warehouse operator when it is empty."""

from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from core.setting_fields import email_list
from core.site_settings import site_setting


def low_stock_notify(*, stock_level_ids: Iterable[int]) -> int:
    """E-mail the low-stock recipients about the levels still at or below their minimum; returns
    how many levels were reported (0: nothing sent)."""
    from django.core.mail import send_mail

    from ..selectors import stock_levels, warehouse_staff_emails

    low = [lv for lv in stock_levels().filter(pk__in=list(stock_level_ids)) if lv.available_units <= lv.minimum]
    if not low:
        return 0
    recipients = email_list(site_setting("LOW_STOCK_EMAILS")) or warehouse_staff_emails()
    if not recipients:
        return 0
    lines = [
        str(
            _("%(sku)s in %(warehouse)s: %(available)d available, minimum %(minimum)d")
            % {
                "sku": lv.variant.sku,
                "warehouse": lv.warehouse.code,
                "available": lv.available_units,
                "minimum": lv.minimum,
            }
        )
        for lv in low
    ]
    subject = str(_("Low stock: %(count)d stock levels at or below their minimum") % {"count": len(low)})
    send_mail(subject, "\n".join(lines), None, recipients)
    return len(low)
