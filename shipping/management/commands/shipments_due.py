"""python manage.py shipments_due [--warehouse CODE] [--overdue] [--format table|csv|json]

The warehouse legs not shipped yet (pending or packed), oldest promise first, with how many
business days they are late (0: due today or later)."""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from tqdm import tqdm

from core.tabular import add_format_argument, write_rows
from inventory.models import Warehouse
from shipping.calendar import business_days_between
from shipping.selectors import shipments_due

COLUMNS = [
    ("shipment", "Shipment"), ("order", "Order"), ("warehouse", "Warehouse"), ("status", "Status"),
    ("carrier", "Carrier"), ("units", "Units"), ("paid_at", "Paid at"), ("ship_by", "Ship by"),
    ("days_late", "Business days late"),
]


class Command(BaseCommand):
    help = "Warehouse legs not shipped yet, with their ship-by date; --overdue keeps those past it."

    def add_arguments(self, parser):
        parser.add_argument("--warehouse", metavar="CODE", help="Only this warehouse (its code, e.g. LIM-CENTRAL).")
        parser.add_argument("--overdue", action="store_true", help="Only legs not shipped within their promised days.")
        add_format_argument(parser)

    def handle(self, *args, warehouse, overdue, format, verbosity, **options):
        if warehouse and not Warehouse.objects.filter(code__iexact=warehouse).exists():
            codes = ", ".join(Warehouse.objects.order_by("code").values_list("code", flat=True)) or "none"
            raise CommandError(f"Unknown warehouse {warehouse!r} (known: {codes}).")
        today = timezone.localdate()
        legs = shipments_due(warehouse_code=warehouse, overdue_only=overdue, today=today)
        show_progress = verbosity >= 1 and sys.stderr.isatty()
        rows = [
            {
                "shipment": f"E{leg.pk}",
                "order": leg.order.number,
                "warehouse": leg.warehouse.code,
                "status": leg.status,
                "carrier": leg.carrier,
                "units": leg.unit_count or 0,
                "paid_at": timezone.localtime(leg.order.paid_at).strftime("%Y-%m-%d %H:%M") if leg.order.paid_at else "",
                "ship_by": leg.ship_by.isoformat(),
                "days_late": business_days_between(leg.ship_by, today),
            }
            for leg in tqdm(legs.iterator(chunk_size=2000), desc="Shipments", unit="leg", disable=not show_progress,
                            file=sys.stderr)
        ]
        write_rows(self.stdout, rows, COLUMNS, format)
        if format == "table" and verbosity >= 1:
            self.stdout.write(f"{len(rows)} shipments {'overdue' if overdue else 'to ship'}")
