"""Demo data: every paid demo order has its receipt (issued through the same service as a real
payment, without e-mailing the demo buyers). Runs after the steps that make paid orders."""

import logging

from receipts.models import Receipt
from receipts.services import receipt_email_claim, receipts_issue_missing

logger = logging.getLogger(__name__)


def load_demo_receipts() -> int:
    issued, problems = receipts_issue_missing(notify=False)
    for problem in problems:
        logger.warning("Demo receipt not issued: %s", problem)
    # The demo buyers are not e-mailed: their receipts count as sent, or the sweep would mail them.
    for receipt_id in Receipt.objects.filter(emailed_at__isnull=True).values_list("pk", flat=True):
        receipt_email_claim(receipt_id=receipt_id)
    return issued
