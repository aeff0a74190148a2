"""python manage.py stock_report [--warehouse CODE] [--below-min] [--out-of-stock] [--format table|csv|json]"""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from tqdm import tqdm

from core.tabular import add_format_argument, write_rows
from inventory.models import Warehouse
from inventory.selectors import stock_levels

COLUMNS = [
    ("sku", "SKU"),
    ("warehouse", gettext_lazy("Warehouse")),
    ("on_hand", gettext_lazy("On hand")),
    ("reserved", gettext_lazy("Reserved")),
    ("available", gettext_lazy("Available")),
    ("minimum", gettext_lazy("Minimum")),
]


class Command(BaseCommand):
    help = "Stock per SKU and warehouse: on hand, reserved (active holds), available and minimum."

    def add_arguments(self, parser):
        parser.add_argument("--warehouse", metavar="CODE", help="Only this warehouse (its code, e.g. LIM-CENTRAL).")
        parser.add_argument("--below-min", action="store_true", help="Only levels at or below their minimum.")
        parser.add_argument("--out-of-stock", action="store_true", help="Only levels with nothing available.")
        add_format_argument(parser)

    def handle(self, *args, warehouse, below_min, out_of_stock, format, verbosity, **options):
        if warehouse and not Warehouse.objects.filter(code=warehouse).exists():
            codes = ", ".join(Warehouse.objects.order_by("code").values_list("code", flat=True)) or _("none")
            raise CommandError(
                _("Unknown warehouse %(code)r (known: %(codes)s).") % {"code": warehouse, "codes": codes}
            )
        queryset = stock_levels(warehouse_code=warehouse, below_minimum=below_min, out_of_stock=out_of_stock)
        levels = queryset.values_list(
            "variant__sku", "warehouse__code", "on_hand", "reserved_units", "available_units", "minimum"
        )
        show_progress = verbosity >= 1 and sys.stderr.isatty()
        rows = [
            dict(zip([key for key, _title in COLUMNS], values))
            for values in tqdm(
                levels.iterator(chunk_size=5000),
                desc=_("Stock levels"),
                unit=_("row"),
                disable=not show_progress,
                file=sys.stderr,
            )
        ]
        write_rows(self.stdout, rows, COLUMNS, format)
        if format == "table" and verbosity >= 1:
            self.stdout.write(
                ngettext("%(count)d stock level", "%(count)d stock levels", len(rows)) % {"count": len(rows)}
            )
