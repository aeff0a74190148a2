"""Open sheets of the Libro de Reclamaciones near or past their 15-business-day deadline (table,
CSV or JSON); --overdue keeps those past it: the report ops and INDECOPI's audits ask for."""

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext_lazy, ngettext

from complaints.selectors import deadline_label, deadline_state, sheets_due
from core.tabular import Coded, add_format_argument, write_rows

COLUMNS = [
    ("number", gettext_lazy("Sheet")),
    ("filed_on", gettext_lazy("Filed")),
    ("kind", gettext_lazy("Type")),
    ("consumer", gettext_lazy("Consumer")),
    ("email", gettext_lazy("E-mail")),
    ("order", gettext_lazy("Order")),
    ("due_on", gettext_lazy("Due")),
    ("state", gettext_lazy("State")),
    ("business_days", gettext_lazy("Business days left/late")),
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
            rows.append(
                {
                    "number": sheet.number,
                    "filed_on": timezone.localtime(sheet.filed_at).date().isoformat(),
                    "kind": Coded.choice(sheet, "kind"),
                    "consumer": sheet.consumer_name,
                    "email": sheet.email,
                    "order": sheet.order.number if sheet.order_id else "",
                    "due_on": sheet.due_on.isoformat(),
                    "state": Coded(state, deadline_label(state, days)),
                    "business_days": days,
                }
            )
        write_rows(self.stdout, rows, COLUMNS, format)
        if format == "table" and verbosity >= 1:
            message = (
                ngettext("%(count)d sheet overdue", "%(count)d sheets overdue", len(rows))
                if overdue
                else ngettext("%(count)d sheet to answer soon", "%(count)d sheets to answer soon", len(rows))
            )
            self.stdout.write(message % {"count": len(rows)})
