"""python manage.py sales_report [--by day|region|seller|category] [--from YYYY-MM-DD] [--to YYYY-MM-DD]
[--seller SLUG] [--format table|csv|json] (the last 30 days by default)"""

import sys
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from tqdm import tqdm

from accounts.models import Seller
from backoffice.forms import default_period
from backoffice.reports import COLUMNS, GROUPINGS, sales_report_by_month
from core.forms import EARLIEST_DAY, LATEST_DAY, day_in_range
from core.money import format_money
from core.tabular import add_format_argument, write_rows
from orders.models import OrderChannel


def _date(value: str, option: str) -> date:
    try:
        day = date.fromisoformat(value)
    except (TypeError, ValueError):
        raise CommandError(
            _("%(option)s must be a date as YYYY-MM-DD, not %(value)r.") % {"option": option, "value": value}
        ) from None
    if not day_in_range(day):
        raise CommandError(
            _("%(option)s must be between %(first)s and %(last)s, not %(value)r.")
            % {"option": option, "first": EARLIEST_DAY, "last": LATEST_DAY, "value": value}
        )
    return day


def add_period_arguments(parser, *, seller_help: str) -> None:
    """--from, --to, --seller and --format: what the back office's reports share."""
    parser.add_argument(
        "--from", dest="date_from", metavar="YYYY-MM-DD", help="First day (Lima); by default 29 days before --to."
    )
    parser.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", help="Last day (Lima); by default today.")
    parser.add_argument("--seller", metavar="SLUG", help=seller_help)
    add_format_argument(parser)


def period_and_seller(
    date_from: str | None, date_to: str | None, seller: str | None
) -> tuple[date, date, Seller | None]:
    """The period asked for: the last 30 days unless --from or --to say otherwise."""
    default_since, today = default_period()
    until = _date(date_to, "--to") if date_to else today
    since = _date(date_from, "--from") if date_from else until - (today - default_since)
    if since > until:
        raise CommandError(_("--from (%(since)s) is after --to (%(until)s).") % {"since": since, "until": until})
    seller_row = None
    if seller:
        seller_row = Seller.objects.filter(slug=seller).first()
        if seller_row is None:
            raise CommandError(_("Unknown seller %(slug)r.") % {"slug": seller})
    return since, until, seller_row


class Command(BaseCommand):
    help = (
        "Net sales as the admin's dashboard and sales report count them (backoffice.selectors: the goods of "
        "paid orders, IGV included, less what went back; no shipping, no gift cards sold) per day, region, "
        "seller, category or channel."
    )

    def add_arguments(self, parser):
        parser.add_argument("--by", choices=GROUPINGS, default="day", help="How to group the sales.")
        parser.add_argument(
            "--channel",
            choices=OrderChannel.values,
            default="",
            help="Only the orders taken through this channel (web, whatsapp, phone).",
        )
        add_period_arguments(parser, seller_help="Only this seller's lines.")

    def handle(self, *args, by, date_from, date_to, seller, format, verbosity, channel="", **options):
        since, until, seller_row = period_and_seller(date_from, date_to, seller)
        show_progress = verbosity >= 1 and sys.stderr.isatty()
        rows = sales_report_by_month(
            by=by,
            since=since,
            until=until,
            seller=seller_row,
            channel=channel,
            progress=lambda months: tqdm(
                months, desc=_("Sales"), unit=_("month"), disable=not show_progress, file=sys.stderr
            ),
        )
        write_rows(self.stdout, rows, COLUMNS, format, money=("sales",))
        if format == "table" and verbosity >= 1:
            total = format_money(sum((row["sales"] for row in rows), start=0))
            self.stdout.write(
                ngettext("%(count)d row · %(total)s", "%(count)d rows · %(total)s", len(rows))
                % {"count": len(rows), "total": total}
            )
