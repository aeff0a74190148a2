"""Demo data: SUNAT's answers, from a simulated SUNAT (demo/fake_sunat.py), so the admin shows each
state a document can reach. The demo's facturas and notas are signed (with the store's certificate,
or a throwaway self-signed one made for the demo) and sent through receipts.services.receipt_send to
a local billService that accepts most, answers one factura with an observation (4332) and rejects
another (2022); the rejected one is re-issued through receipts.services.receipt_reissue and the new
number accepted; a third factura is voided by a comunicación de baja (sunat.services.receipt_void);
the resúmenes diarios and the baja are sent and their tickets polled to their answers. Every CDR
says "SUNAT simulado (demo)": nothing here pretends SUNAT answered.

A store configured to send to SUNAT or an OSE (SUNAT_SEND_URL) gets no simulation: its documents
go where it says. Runs after demo.sunat; a second run sends and changes nothing."""

import logging
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from django.contrib.auth import get_user_model
from django.test.utils import override_settings

from receipts import signing
from receipts.models import Receipt, ReceiptKind, SendStatus
from receipts.sending import SendUnavailable, sending_configured
from receipts.services import ReceiptError, receipt_email_claim, receipt_reissue, receipt_send, receipt_sign
from sunat import selectors as sunat_selectors
from sunat import services as sunat_services
from sunat.models import Summary, SummaryStatus

from .fake_sunat import SimulatedSunat, Verdict

logger = logging.getLogger(__name__)

# Which demo factura (by its checkout scenario, demo.receipts.DEMO_INVOICES) gets which answer.
OBSERVED_SCENARIO, REJECTED_SCENARIO, VOIDED_SCENARIO = "factura-con-cupon", "factura-empresa", "factura-baja"
OBSERVED = Verdict(notes=("4332 - El Código producto de SUNAT no es válido",))
REJECTED = Verdict(code="2022", text="RegistrationName - El dato ingresado no cumple con el estandar")
VOID_REASON = "El cliente anuló la compra antes del despacho"
UNANSWERED = (SendStatus.PENDING, SendStatus.SENT, SendStatus.EXCEPTION)


def demo_factura(scenario: str) -> Receipt | None:
    """The first factura issued for a demo checkout scenario (a re-issue comes later)."""
    from demo.shipping import DEMO_KEY

    return (
        Receipt.objects.filter(order__idempotency_key=DEMO_KEY.format(scenario), kind=ReceiptKind.FACTURA)
        .order_by("pk")
        .first()
    )


def demo_certificate_pem() -> bytes:
    """A throwaway self-signed certificate and its key (PEM), named for what it is: the demo's."""
    key, cert = signing.self_signed_certificate(
        "Certificado de demostración (no válido ante SUNAT)", serial_number="20601234565"
    )
    return cert.public_bytes(serialization.Encoding.PEM) + key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


@contextmanager
def _signing_certificate() -> Iterator[None]:
    """The store's certificate when it has one; otherwise the demo's, for the block's length."""
    if signing.certificate_configured():
        yield
        return
    with tempfile.TemporaryDirectory(prefix="demo-cert-") as folder:
        path = Path(folder) / "demo-cert.pem"
        path.write_bytes(demo_certificate_pem())
        with override_settings(SUNAT_CERT_PATH=str(path), SUNAT_CERT_PASSWORD=""):
            yield


def _verdicts() -> dict[str, Verdict]:
    chosen = {OBSERVED_SCENARIO: OBSERVED, REJECTED_SCENARIO: REJECTED}
    return {factura.file_name: verdict for scenario, verdict in chosen.items() if (factura := demo_factura(scenario))}


def _send(receipt_ids: list[int]) -> None:
    for receipt_id in receipt_ids:
        try:
            receipt_send(receipt_id=receipt_id)
        except SendUnavailable as error:  # the simulated SUNAT is local: only a bug gets here
            logger.warning("Demo receipt %s not sent: %s", receipt_id, error)


def _reissue_rejected() -> None:
    """The demo's rejected factura under a new number, issued by the demo's administrator."""
    rejected = demo_factura(REJECTED_SCENARIO)
    if rejected is None or rejected.send_status != SendStatus.REJECTED:
        return
    staff = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    try:
        reissue = receipt_reissue(receipt_id=rejected.pk, actor=staff)
    except ReceiptError as error:
        logger.warning("Demo re-issue of %s not made: %s", rejected.full_number, error)
        return
    receipt_email_claim(receipt_id=reissue.pk).take()  # the demo buyers are not e-mailed
    _send([reissue.pk])


def _void_one_factura() -> None:
    """The sale of the "factura-baja" order is cancelled before it ships, as staff do it from the
    void page: the order cancelled (its refund proposed) and its factura voided by a baja."""
    factura = demo_factura(VOIDED_SCENARIO)
    if factura is None or sunat_selectors.void_route(factura).way != sunat_selectors.VoidWay.VOIDED:
        return  # already voided (a second run), or not voidable by a baja
    staff = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    try:
        sunat_services.receipt_void_sale(receipt_id=factura.pk, reason=VOID_REASON, actor=staff)
    except sunat_services.SunatError as error:
        logger.warning("Demo baja of %s not made: %s", factura.full_number, error)


def _send_summaries() -> None:
    """The resúmenes and the baja: sendSummary, then getStatus on each ticket until answered."""
    for summary_id in Summary.objects.filter(status=SummaryStatus.PENDING).order_by("pk").values_list("pk", flat=True):
        try:
            sunat_services.summary_send(summary_id=summary_id)
        except SendUnavailable as error:
            logger.warning("Demo summary %s not sent: %s", summary_id, error)
    for summary_id in Summary.objects.filter(status=SummaryStatus.SENT).order_by("pk").values_list("pk", flat=True):
        try:
            sunat_services.summary_poll(summary_id=summary_id)
        except SendUnavailable as error:
            logger.warning("Demo summary %s not answered: %s", summary_id, error)


def load_demo_sunat_answers() -> SimulatedSunat | None:
    """Send what the demo issued to the simulated SUNAT; the simulator (with the calls it
    answered), or None when the store sends to a real SUNAT or OSE."""
    if sending_configured():
        logger.info("SUNAT_SEND_URL is set: the demo's documents go there, no SUNAT is simulated")
        return None
    with SimulatedSunat(_verdicts()) as simulated, _signing_certificate():
        with override_settings(
            SUNAT_SEND_URL=simulated.url,
            SUNAT_CONSULT_URL="",
            SUNAT_SEND_USER="20601234565MODDATOS",
            SUNAT_SEND_PASSWORD="moddatos",
        ):
            # Every document signed as issued (a boleta reported in the resumen keeps its own signed XML).
            for receipt_id in Receipt.objects.filter(digest="").order_by("pk").values_list("pk", flat=True):
                receipt_sign(receipt_id=receipt_id)
            # Facturas and notas one by one (boletas go in the resumen: receipt_send skips them).
            _send(list(Receipt.objects.filter(send_status__in=UNANSWERED).order_by("pk").values_list("pk", flat=True)))
            _reissue_rejected()
            _void_one_factura()
            _send_summaries()
    return simulated
