"""python manage.py sales_report [--by day|region|seller|category] [--from YYYY-MM-DD] [--to YYYY-MM-DD]
[--seller SLUG] [--format table|csv|json] (the last 30 days by default)"""

import sys
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from accounts.models import Seller
from backoffice.forms import default_period
from backoffice.reports import COLUMNS, GROUPINGS, sales_report_by_month
from core.forms import EARLIEST_DAY, LATEST_DAY, day_in_range
from core.tabular import add_format_argument, write_rows


def _date(value: str, option: str) -> date:
    try:
        day = date.fromisoformat(value)
    except (TypeError, ValueError):
        raise CommandError(f"{option} must be a date as YYYY-MM-DD, not {value!r}.") from None
    if not day_in_range(day):
        raise CommandError(f"{option} must be between {EARLIEST_DAY} and {LATEST_DAY}, not {value!r}.")
    return day


def add_period_arguments(parser, *, seller_help: str) -> None:
    """--from, --to, --seller and --format: what the back office's reports share."""
    parser.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD",
                        help="First day (Lima); by default 29 days before --to.")
    parser.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", help="Last day (Lima); by default today.")
    parser.add_argument("--seller", metavar="SLUG", help=seller_help)
    add_format_argument(parser)


def period_and_seller(date_from: str | None, date_to: str | None,
                      seller: str | None) -> tuple[date, date, Seller | None]:
    """The period asked for: the last 30 days unless --from or --to say otherwise."""
    default_since, today = default_period()
    until = _date(date_to, "--to") if date_to else today
    since = _date(date_from, "--from") if date_from else until - (today - default_since)
    if since > until:
        raise CommandError(f"--from ({since}) is after --to ({until}).")
    seller_row = None
    if seller:
        seller_row = Seller.objects.filter(slug=seller).first()
        if seller_row is None:
            raise CommandError(f"Unknown seller {seller!r}.")
    return since, until, seller_row


class Command(BaseCommand):
    help = "Paid sales (order lines, IGV included, without shipping) per day, region, seller or category."

    def add_arguments(self, parser):
        parser.add_argument("--by", choices=GROUPINGS, default="day", help="How to group the sales.")
        add_period_arguments(parser, seller_help="Only this seller's lines.")

    def handle(self, *args, by, date_from, date_to, seller, format, verbosity, **options):
        since, until, seller_row = period_and_seller(date_from, date_to, seller)
        show_progress = verbosity >= 1 and sys.stderr.isatty()
        rows = sales_report_by_month(
            by=by, since=since, until=until, seller=seller_row,
            progress=lambda months: tqdm(months, desc=f"Sales by {by}", unit="month", disable=not show_progress,
                                         file=sys.stderr),
        )
        write_rows(self.stdout, rows, COLUMNS, format)
        if format == "table" and verbosity >= 1:
            total = sum((row["sales"] for row in rows), start=0)
            self.stdout.write(f"{len(rows)} rows · S/ {total:,.2f}")
