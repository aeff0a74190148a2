"""python manage.py units_sold_recount [--dry-run] [--format table|csv|json]"""

import sys

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from tqdm import tqdm

from catalog.models import Product
from catalog.services import products_units_sold_set
from core.tabular import add_format_argument, write_rows
from inventory.selectors import units_sold_by_product

COLUMNS = [
    ("sku", gettext_lazy("SKU")),
    ("product", gettext_lazy("Product")),
    ("stored", gettext_lazy("Stored")),
    ("ledger", gettext_lazy("Ledger")),
    ("drift", gettext_lazy("Drift")),
]


class Command(BaseCommand):
    help = (
        "Recount every product's units sold from the stock ledger (sales minus cancellations and returns), "
        "list the products whose stored figure drifted and fix them (unless --dry-run)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Report the drift without fixing it.")
        add_format_argument(parser)

    def handle(self, *args, dry_run, format, verbosity, **options):
        ledger = units_sold_by_product()
        show_progress = verbosity >= 1 and sys.stderr.isatty()
        stored = Product.objects.filter(units_sold__gt=0).values_list("pk", flat=True)
        candidates = (
            Product.objects.filter(pk__in={*ledger, *stored})
            .order_by("pk")
            .values_list("pk", "base_sku", "name", "units_sold")
        )
        rows, fixes = [], {}
        for pk, sku, name, units_sold in tqdm(
            candidates.iterator(chunk_size=5000),
            desc="Products",
            unit="product",
            disable=not show_progress,
            file=sys.stderr,
        ):
            counted = ledger.get(pk, 0)
            if counted != units_sold:
                rows.append(
                    {
                        "sku": sku,
                        "product": name,
                        "stored": units_sold,
                        "ledger": counted,
                        "drift": units_sold - counted,
                    }
                )
                fixes[pk] = counted
        if not dry_run and fixes:
            products_units_sold_set(units_sold=fixes)
        write_rows(self.stdout, rows, COLUMNS, format)
        if format == "table" and verbosity >= 1:
            outcome = _("nothing changed (--dry-run)") if dry_run else _("fixed")
            self.stdout.write(
                ngettext(
                    "%(count)d product drifted from the ledger; %(outcome)s.",
                    "%(count)d products drifted from the ledger; %(outcome)s.",
                    len(rows),
                )
                % {"count": len(rows), "outcome": outcome}
            )
