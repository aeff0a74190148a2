"""Open sheets of the Libro de Reclamaciones near or past their 15-business-day deadline (table,
CSV or JSON); --overdue keeps those past it: the report ops and INDECOPI's audits ask for."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from complaints.selectors import deadline_state, sheets_due
from core.tabular import add_format_argument, write_rows

COLUMNS = [
    ("number", "Sheet"),
    ("filed_on", "Filed"),
    ("kind", "Type"),
    ("consumer", "Consumer"),
    ("email", "E-mail"),
    ("order", "Order"),
    ("due_on", "Due"),
    ("state", "State"),
    ("business_days", "Business days left/late"),
]


class Command(BaseCommand):
    help = "Unanswered complaint sheets near or past their deadline; --overdue keeps those past it."

    def add_arguments(self, parser):
        parser.add_argument("--overdue", action="store_true", help="Only sheets past their deadline.")
        add_format_argument(parser)

    def handle(self, *args, overdue, format, verbosity, **options):
        today = timezone.localdate()
        rows = []
        for sheet in sheets_due(today=today, overdue_only=overdue):
            state, days = deadline_state(sheet, today=today)
            rows.append({
                "number": sheet.number, "filed_on": timezone.localtime(sheet.filed_at).date().isoformat(),
                "kind": sheet.kind, "consumer": sheet.consumer_name, "email": sheet.email,
                "order": sheet.order.number if sheet.order_id else "", "due_on": sheet.due_on.isoformat(),
                "state": state, "business_days": days,
            })
        write_rows(self.stdout, rows, COLUMNS, format)
        if format == "table" and verbosity >= 1:
            self.stdout.write(f"{len(rows)} sheets {'overdue' if overdue else 'to answer soon'}")
