"""python manage.py shipments_due [--warehouse CODE] [--overdue] [--format table|csv|json]

The warehouse legs not shipped yet (pending or packed), oldest promise first, with how many
business days they are late (0: due today or later)."""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from tqdm import tqdm

from core.tabular import Coded, add_format_argument, write_rows
from inventory.models import Warehouse
from shipping.calendar import business_days_between
from shipping.selectors import shipments_due

COLUMNS = [
    ("shipment", gettext_lazy("Shipment")),
    ("order", gettext_lazy("Order")),
    ("warehouse", gettext_lazy("Warehouse")),
    ("status", gettext_lazy("Status")),
    ("carrier", gettext_lazy("Carrier")),
    ("units", gettext_lazy("Units")),
    ("paid_at", gettext_lazy("Paid at")),
    ("ship_by", gettext_lazy("Ship by")),
    ("days_late", gettext_lazy("Business days late")),
]


class Command(BaseCommand):
    help = "Warehouse legs not shipped yet, with their ship-by date; --overdue keeps those past it."

    def add_arguments(self, parser):
        parser.add_argument("--warehouse", metavar="CODE", help="Only this warehouse (its code, e.g. LIM-CENTRAL).")
        parser.add_argument("--overdue", action="store_true", help="Only legs not shipped within their promised days.")
        add_format_argument(parser)

    def handle(self, *args, warehouse, overdue, format, verbosity, **options):
        if warehouse and not Warehouse.objects.filter(code__iexact=warehouse).exists():
            codes = ", ".join(Warehouse.objects.order_by("code").values_list("code", flat=True)) or _("none")
            raise CommandError(
                _("Unknown warehouse %(code)r (known: %(codes)s).") % {"code": warehouse, "codes": codes}
            )
        today = timezone.localdate()
        legs = shipments_due(warehouse_code=warehouse, overdue_only=overdue, today=today)
        show_progress = verbosity >= 1 and sys.stderr.isatty()
        rows = [
            {
                "shipment": f"E{leg.pk}",
                "order": leg.order.number,
                "warehouse": leg.warehouse.code,
                "status": Coded.choice(leg, "status"),
                "carrier": Coded.choice(leg, "carrier"),
                "units": leg.unit_count or 0,
                "paid_at": leg.order.paid_at,
                "ship_by": leg.ship_by.isoformat(),
                "days_late": business_days_between(leg.ship_by, today),
            }
            for leg in tqdm(
                legs.iterator(chunk_size=2000),
                desc=_("Shipments"),
                unit=_("leg"),
                disable=not show_progress,
                file=sys.stderr,
            )
        ]
        write_rows(self.stdout, rows, COLUMNS, format)
        if format == "table" and verbosity >= 1:
            if overdue:
                line = ngettext("%(count)d shipment overdue", "%(count)d shipments overdue", len(rows))
            else:
                line = ngettext("%(count)d shipment to ship", "%(count)d shipments to ship", len(rows))
            self.stdout.write(line % {"count": len(rows)})
