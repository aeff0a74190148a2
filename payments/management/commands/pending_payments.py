"""python manage.py pending_payments [--older-than MINUTES] [--format table|csv|json]"""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext_lazy, ngettext

from core.command_input import whole_number
from core.tabular import add_format_argument, write_rows
from orders.models import Order, OrderStatus

COLUMNS = [
    ("number", gettext_lazy("Order")),
    ("placed_at", gettext_lazy("Placed (Lima)")),
    ("minutes_waiting", gettext_lazy("Minutes")),
    ("email", gettext_lazy("E-mail")),
    ("total", gettext_lazy("Total (PEN)")),
    ("attempts", gettext_lazy("Attempts")),
    ("last_attempt", gettext_lazy("Last attempt")),
]


class Command(BaseCommand):
    help = "Orders awaiting payment, oldest first, with their payment attempts."

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            default=0,
            metavar="MINUTES",
            help="Only orders placed at least this many minutes ago.",
        )
        add_format_argument(parser)

    def handle(self, *args, older_than, format, verbosity, **options):
        older_than = whole_number(older_than, option="--older-than")
        now = timezone.now()
        orders = (
            Order.objects.filter(status=OrderStatus.PENDING_PAYMENT, placed_at__lte=now - timedelta(minutes=older_than))
            .annotate(attempts=Count("payments"), last_attempt=Max("payments__created_at"))
            .order_by("placed_at", "pk")
            .values("number", "placed_at", "email", "total", "attempts", "last_attempt")
        )
        rows = [
            {
                **row,
                "minutes_waiting": int((now - row["placed_at"]).total_seconds() // 60),
                "placed_at": timezone.localtime(row["placed_at"]).strftime("%Y-%m-%d %H:%M"),
                "last_attempt": timezone.localtime(row["last_attempt"]).strftime("%Y-%m-%d %H:%M")
                if row["last_attempt"]
                else "",
            }
            for row in orders.iterator()
        ]
        write_rows(self.stdout, rows, COLUMNS, format, money=("total",))
        if format == "table" and verbosity >= 1:
            self.stdout.write(
                ngettext("%(count)d order awaiting payment", "%(count)d orders awaiting payment", len(rows))
                % {"count": len(rows)}
            )
