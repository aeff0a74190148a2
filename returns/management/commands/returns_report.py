"""python manage.py returns_report [--by reason|product|seller] [--format table|csv|json]"""

from django.core.management.base import BaseCommand
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy

from core.tabular import add_format_argument, write_rows
from returns.models import NOT_RETURNING, ReturnLine, ReturnReason

GROUPS = {
    "reason": ("reason", gettext_lazy("Reason")),
    "product": ("order_line__sku", gettext_lazy("SKU")),
    "seller": ("order_line__seller__store_name", gettext_lazy("Seller")),
}


class Command(BaseCommand):
    help = "Returned units per reason, product or seller: requests, units, received units (rejected requests left out)."

    def add_arguments(self, parser):
        parser.add_argument("--by", choices=sorted(GROUPS), default="reason", help="How to group the returns.")
        add_format_argument(parser)

    def handle(self, *args, by, format, **options):
        field, label = GROUPS[by]
        rows = (
            ReturnLine.objects.exclude(request__status__in=NOT_RETURNING)
            .values(field)
            .annotate(
                requests=Count("request", distinct=True),
                units=Sum("quantity"),
                received=Sum("quantity", filter=Q(received_at__isnull=False)),
            )
            .order_by("-units", field)
        )
        reasons = dict(ReturnReason.choices)
        out = [
            {
                "group": (str(reasons.get(row[field], row[field])) if by == "reason" else row[field]) or "—",
                "requests": row["requests"],
                "units": row["units"] or 0,
                "received": row["received"] or 0,
            }
            for row in rows
        ]
        columns = [
            ("group", label),
            ("requests", gettext_lazy("Requests")),
            ("units", gettext_lazy("Units")),
            ("received", gettext_lazy("Received units")),
        ]
        write_rows(self.stdout, out, columns, format)
