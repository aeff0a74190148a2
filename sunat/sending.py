"""Summaries to SUNAT (or an OSE) over billService: sendSummary posts the zipped XML and answers
with a ticket; getStatus on that ticket answers statusCode 98 (still in process), 0 (processed: the
CDR, an ApplicationResponse, says accepted or accepted with observations) or 99 (processed with
errors: the CDR says why it was rejected). Faults 0100–1999 mean "not received, try again"; 2000+
reject the summary. The SOAP plumbing (WS-Security envelope, zip, CDR and fault reading) is
receipts.sending's, reused here as it is."""

import base64
from dataclasses import dataclass
from xml.sax.saxutils import escape

from django.conf import settings

from receipts.models import SendStatus
from receipts.sending import (
    SendAnswer,
    SendUnavailable,
    read_cdr,
    read_fault,
    soap_call,
    soap_fault,
    zip_file,
)

from .models import Summary

# getStatus' statusCode: processed (the CDR says how), in process, processed with errors.
PROCESSED, IN_PROCESS, PROCESSED_WITH_ERRORS = "0", "98", "99"


@dataclass(frozen=True)
class Ticket:
    number: str


def send_summary(summary: Summary) -> Ticket | SendAnswer:
    """Send one summary: SUNAT's ticket, or its rejection (a fault 2000+). Raises SendUnavailable to
    try again later."""
    content = base64.b64encode(zip_file(f"{summary.file_name}.xml", summary.xml.encode())).decode()
    root = soap_call(
        settings.SUNAT_SEND_URL,
        "sendSummary",
        f"<ser:sendSummary><fileName>{escape(summary.file_name)}.zip</fileName>"
        f"<contentFile>{content}</contentFile></ser:sendSummary>",
    )
    if soap_fault(root) is not None:
        return read_fault(root)
    ticket = (root.findtext(".//ticket") or "").strip()
    if not ticket:
        raise SendUnavailable("sendSummary answered without a ticket")
    return Ticket(ticket)


def summary_status(ticket: str) -> SendAnswer | None:
    """SUNAT's answer on a ticket: None while it is in process (98); the CDR's answer once processed
    (0 or 99). Raises SendUnavailable to ask again later (a fault 0100–1999, an unknown code)."""
    root = soap_call(
        settings.SUNAT_SEND_URL, "getStatus", f"<ser:getStatus><ticket>{escape(ticket)}</ticket></ser:getStatus>"
    )
    if soap_fault(root) is not None:
        return read_fault(root)
    status_code = (root.findtext(".//statusCode") or "").strip()
    content = (root.findtext(".//content") or "").strip()
    if status_code == IN_PROCESS:
        return None
    if status_code in (PROCESSED, PROCESSED_WITH_ERRORS) and content:
        answer = read_cdr(content)
        if status_code == PROCESSED_WITH_ERRORS and answer.status != SendStatus.REJECTED:
            # 99 is a rejection whatever the CDR's code says.
            return SendAnswer(SendStatus.REJECTED, answer.code, answer.message, answer.cdr_xml, answer.observations)
        return answer
    if status_code == PROCESSED_WITH_ERRORS:
        return SendAnswer(SendStatus.REJECTED, PROCESSED_WITH_ERRORS, "processed with errors, without a CDR")
    raise SendUnavailable(f"getStatus {status_code or '?'} without a CDR")
