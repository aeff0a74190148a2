"""SUNAT's answers in their real shapes, for tests that fake SUNAT at the HTTP boundary (with
`responses`, or the real local server of test_send_crash.py). One implementation, shared with the
demo's simulated SUNAT: demo/fake_sunat.py."""

from demo.fake_sunat import (
    SOAP,
    cdr_xml,
    cdr_zip_base64,
    send_bill_answer,
    soap_fault,
    status_cdr_answer,
    summary_status_answer,
    ticket_answer,
)

__all__ = [
    "SOAP",
    "cdr_xml",
    "cdr_zip_base64",
    "send_bill_answer",
    "soap_fault",
    "status_cdr_answer",
    "summary_status_answer",
    "ticket_answer",
]
