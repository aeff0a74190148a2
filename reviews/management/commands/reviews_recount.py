"""python manage.py reviews_recount [--dry-run] [--format table|csv|json]"""

import sys

from django.core.management.base import BaseCommand
from tqdm import tqdm

from core.tabular import add_format_argument, write_rows
from reviews.recount import as_rows, ratings_drift, ratings_rebuild

COLUMNS = [
    ("kind", "Kind"), ("id", "ID"), ("name", "Name"), ("stored_count", "Stored count"),
    ("actual_count", "Actual count"), ("stored_average", "Stored average"), ("actual_average", "Actual average"),
]


class Command(BaseCommand):
    help = ("Compare the rating aggregates of products and product lines with their approved reviews, "
            "report what drifted and rebuild it.")

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only report the drift; change nothing.")
        add_format_argument(parser)

    def handle(self, *args, dry_run, format, verbosity, **options):
        drift = ratings_drift()
        write_rows(self.stdout, as_rows(drift), COLUMNS, format)
        if not dry_run and drift:
            show = verbosity >= 1 and sys.stderr.isatty()
            ratings_rebuild(drift, progress=lambda items: tqdm(items, desc="Rebuilding", unit="row",
                                                               disable=not show, file=sys.stderr))
        if format == "table" and verbosity >= 1:
            verb = "found" if dry_run else "rebuilt"
            self.stdout.write(f"{len(drift)} aggregates with drift {verb}")
