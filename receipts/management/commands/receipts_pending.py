"""python manage.py receipts_pending [--format table|csv|json]: the receipts SUNAT has not accepted
(pending to send, failed, rejected), oldest first."""

import sys

from django.core.management.base import BaseCommand
from tqdm import tqdm

from core.tabular import add_format_argument, write_rows
from receipts.selectors import receipts_not_accepted
from receipts.sending import sending_configured

COLUMNS = [("number", "Receipt"), ("kind", "Type"), ("order", "Order"), ("issued", "Issued"), ("total", "Total"),
           ("status", "Status"), ("signed", "Signed"), ("attempts", "Attempts"), ("code", "Code"), ("message", "Message")]


class Command(BaseCommand):
    help = "Receipts not accepted by SUNAT yet: pending to send, failed or rejected."

    def add_arguments(self, parser):
        add_format_argument(parser)

    def handle(self, *args, format, verbosity, **options):
        receipts = receipts_not_accepted()
        rows = [{
            "number": receipt.full_number, "kind": receipt.get_kind_display(), "order": receipt.order.number,
            "issued": receipt.issued_at.isoformat(timespec="seconds"), "total": receipt.total,
            "status": receipt.send_status, "signed": receipt.is_signed, "attempts": receipt.send_attempts, "code": receipt.cdr_code,
            "message": receipt.cdr_message[:80],
        } for receipt in tqdm(receipts.iterator(chunk_size=2000), desc="Receipts", unit="receipt",
                              disable=not (verbosity >= 1 and sys.stderr.isatty()), file=sys.stderr)]
        write_rows(self.stdout, rows, COLUMNS, format)
        if format == "table" and verbosity >= 1:
            self.stdout.write(f"{len(rows)} receipts not accepted")
            if not sending_configured():
                self.stdout.write("Sending is not configured (SUNAT_SEND_URL): receipts stay pending to send.")
            if any(not row["signed"] for row in rows):
                self.stdout.write("Unsigned receipts are not sent: configure SUNAT_CERT_PATH; they are signed then.")
