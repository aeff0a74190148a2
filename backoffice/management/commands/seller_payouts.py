"""python manage.py seller_payouts --from YYYY-MM-DD --to YYYY-MM-DD [--seller SLUG]
[--format table|csv|json]"""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Seller
from backoffice.management.commands.sales_report import _date
from backoffice.payouts import COLUMNS, seller_payouts, totals
from core.tabular import add_format_argument, write_rows


class Command(BaseCommand):
    help = ("What the shop owes each seller for a period: sales, commission, refunds and returns of their "
            "lines, and the amount to pay.")

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="date_from", required=True, metavar="YYYY-MM-DD", help="First day (Lima).")
        parser.add_argument("--to", dest="date_to", required=True, metavar="YYYY-MM-DD", help="Last day (Lima).")
        parser.add_argument("--seller", metavar="SLUG", help="Only this seller.")
        add_format_argument(parser)

    def handle(self, *args, date_from, date_to, seller, format, verbosity, **options):
        since, until = _date(date_from, "--from"), _date(date_to, "--to")
        if since > until:
            raise CommandError(f"--from ({since}) is after --to ({until}).")
        seller_row = None
        if seller:
            seller_row = Seller.objects.filter(slug=seller).first()
            if seller_row is None:
                raise CommandError(f"Unknown seller {seller!r}.")
        # A handful of aggregate queries, however long the period: no progress bar to show.
        rows = seller_payouts(since=since, until=until, seller=seller_row)
        write_rows(self.stdout, rows, COLUMNS, format)
        if format == "table" and verbosity >= 1:
            self.stdout.write(f"{len(rows)} sellers · to pay S/ {totals(rows)['to_pay']:,.2f}")
