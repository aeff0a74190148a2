"""Drop the personal data past its retention term now (the nightly task does the same) and print
what went, per kind (table, CSV or JSON)."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext_lazy

from core.tabular import Coded, add_format_argument, write_rows
from privacy.services import retention_apply

KINDS = {
    "cart_records": gettext_lazy("Abandoned carts' records (IP address, device, e-mail)"),
    "cart_reminders": gettext_lazy("Forgotten-cart reminders"),
    "gateway_log_entries": gettext_lazy("Payment gateway log entries"),
    "webhook_bodies": gettext_lazy("Webhook bodies emptied"),
    "consent_ips": gettext_lazy("IP addresses erased from consents"),
}
COLUMNS = [("kind", gettext_lazy("Record")), ("dropped", gettext_lazy("Dropped"))]


class Command(BaseCommand):
    help = "Drop personal data past its retention term (site settings) and print how much went."

    def add_arguments(self, parser):
        add_format_argument(parser)

    def handle(self, *args, format, **options):
        dropped = retention_apply()
        rows = [{"kind": Coded(kind, str(KINDS[kind])), "dropped": count} for kind, count in dropped.items()]
        write_rows(self.stdout, rows, COLUMNS, format)
