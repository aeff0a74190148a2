"""python manage.py seller_payouts [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--seller SLUG]
[--format table|csv|json] (the last 30 days by default)"""

from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from backoffice.management.commands.sales_report import add_period_arguments, period_and_seller
from backoffice.payouts import AMOUNTS, COLUMNS, seller_payouts, totals
from core.money import format_money
from core.tabular import write_rows


class Command(BaseCommand):
    help = (
        "What the shop owes each seller for a period: sales, commission, refunds and returns of their "
        "lines, and the amount to pay."
    )

    def add_arguments(self, parser):
        add_period_arguments(parser, seller_help="Only this seller.")

    def handle(self, *args, date_from, date_to, seller, format, verbosity, **options):
        since, until, seller_row = period_and_seller(date_from, date_to, seller)
        # A handful of aggregate queries, however long the period: no progress bar to show.
        rows = seller_payouts(since=since, until=until, seller=seller_row)
        write_rows(self.stdout, rows, COLUMNS, format, money=AMOUNTS)
        if format == "table" and verbosity >= 1:
            self.stdout.write(
                ngettext("%(count)d seller · to pay %(total)s", "%(count)d sellers · to pay %(total)s", len(rows))
                % {"count": len(rows), "total": format_money(totals(rows)["to_pay"])}
            )
