"""python manage.py reviews_recount [--dry-run] [--format table|csv|json]"""

import sys

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from tqdm import tqdm

from core.tabular import Coded, add_format_argument, write_rows
from reviews.recount import as_rows, ratings_drift, ratings_rebuild

COLUMNS = [
    ("kind", gettext_lazy("Kind")),
    ("id", gettext_lazy("ID")),
    ("name", gettext_lazy("Name")),
    ("stored_count", gettext_lazy("Stored count")),
    ("actual_count", gettext_lazy("Actual count")),
    ("stored_average", gettext_lazy("Stored average")),
    ("actual_average", gettext_lazy("Actual average")),
]


class Command(BaseCommand):
    help = (
        "Compare the rating aggregates of products and product lines with their approved reviews, "
        "report what drifted and rebuild it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only report the drift; change nothing.")
        add_format_argument(parser)

    def handle(self, *args, dry_run, format, verbosity, **options):
        drift = ratings_drift()
        kinds = {"product": _("product"), "line": _("product line")}
        rows = [{**row, "kind": Coded(row["kind"], kinds.get(row["kind"], row["kind"]))} for row in as_rows(drift)]
        write_rows(self.stdout, rows, COLUMNS, format)
        if not dry_run and drift:
            show = verbosity >= 1 and sys.stderr.isatty()
            ratings_rebuild(
                drift,
                progress=lambda items: tqdm(
                    items, desc=_("Rebuilding"), unit=_("row"), disable=not show, file=sys.stderr
                ),
            )
        if format == "table" and verbosity >= 1:
            message = (
                ngettext("%(count)d aggregate with drift found", "%(count)d aggregates with drift found", len(drift))
                if dry_run
                else ngettext(
                    "%(count)d aggregate with drift rebuilt", "%(count)d aggregates with drift rebuilt", len(drift)
                )
            )
            self.stdout.write(message % {"count": len(drift)})
