"""python manage.py receipts_pending [--format table|csv|json]: the receipts SUNAT has not accepted
(pending, sent without an answer, not received, rejected and not re-issued) with the days left
before their legal term (receipts.selectors.send_deadline), overdue first."""

import sys

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from tqdm import tqdm

from core.tabular import Coded, add_format_argument, write_rows
from receipts.selectors import lima_today, receipts_not_accepted, send_deadline
from receipts.sending import sending_configured

COLUMNS = [
    ("days_left", gettext_lazy("Days left")),
    ("number", gettext_lazy("Receipt")),
    ("kind", gettext_lazy("Type")),
    ("order", gettext_lazy("Order")),
    ("issued", gettext_lazy("Issued")),
    ("total", gettext_lazy("Total")),
    ("status", gettext_lazy("Status")),
    ("signed", gettext_lazy("Signed")),
    ("attempts", gettext_lazy("Attempts")),
    ("code", gettext_lazy("Code")),
    ("message", gettext_lazy("Message")),
]


class Command(BaseCommand):
    help = "Receipts not accepted by SUNAT yet, with the days left before the legal term, overdue first."

    def add_arguments(self, parser):
        add_format_argument(parser)

    def handle(self, *args, format, verbosity, **options):
        receipts = receipts_not_accepted()
        today = lima_today()
        rows = [
            {
                "days_left": (
                    send_deadline(kind=receipt.kind, series=receipt.series, issue_date=receipt.issue_date) - today
                ).days,
                "number": receipt.full_number,
                "kind": receipt.get_kind_display(),
                "order": receipt.order.number,
                "issued": receipt.issued_at,
                "total": receipt.total,
                "status": Coded.choice(receipt, "send_status"),
                "signed": receipt.is_signed,
                "attempts": receipt.send_attempts,
                "code": receipt.cdr_code,
                "message": receipt.cdr_message[:80],
            }
            for receipt in tqdm(
                receipts.iterator(chunk_size=2000),
                desc=_("Receipts"),
                unit=_("receipt"),
                disable=not (verbosity >= 1 and sys.stderr.isatty()),
                file=sys.stderr,
            )
        ]
        rows.sort(key=lambda row: row["days_left"])  # overdue first; stable: the oldest first within a day
        write_rows(self.stdout, rows, COLUMNS, format, money=("total",))
        if format == "table" and verbosity >= 1:
            self.stdout.write(
                ngettext("%(count)d receipt not accepted", "%(count)d receipts not accepted", len(rows))
                % {"count": len(rows)}
            )
            if not sending_configured():
                self.stdout.write(_("Sending is not configured (SUNAT_SEND_URL): receipts stay pending to send."))
            if any(not row["signed"] for row in rows):
                self.stdout.write(_("Unsigned receipts are not sent: configure SUNAT_CERT_PATH; they are signed then."))
