"""Demo data: the demo store reports its boletas in the resumen diario (site setting
SUNAT_BOLETAS_SENDING), so the admin shows a resumen of the demo's boletas and notas and a boleta
voided by a resumen line 3, built through sunat.services. They are sent to the demo's simulated
SUNAT next (demo/sunat_answers.py, which also makes the comunicación de baja: it needs a factura
SUNAT accepted). Runs after every step that issues receipts; a second run changes nothing."""

import logging

from constance import config

from receipts.models import Receipt, ReceiptKind
from receipts.summary_mode import BY_SUMMARY
from sunat import selectors, services
from sunat.models import Summary

logger = logging.getLogger(__name__)
VOID_REASON = "Boleta emitida con el DNI equivocado"


def load_demo_sunat() -> list[Summary]:
    """The demo's summaries: today's boletas and notas, then one boleta voided (line 3)."""
    if Summary.objects.exists():
        return []
    config.SUNAT_BOLETAS_SENDING = BY_SUMMARY
    built = []
    for day in sorted(set(selectors.unsummarized().values_list("issue_date", flat=True))):
        while (summary := services.daily_summary_build(reference_date=day)) is not None:
            built.append(summary)
    for boleta in Receipt.objects.filter(kind=ReceiptKind.BOLETA).order_by("pk"):
        if selectors.void_route(boleta).way == selectors.VoidWay.DAILY:
            voided = services.receipt_void(receipt_id=boleta.pk, reason=VOID_REASON)
            assert isinstance(voided, Summary)  # a boleta's baja is a resumen line 3
            built.append(voided)
            break
    else:
        logger.warning("No demo boleta could be voided by the resumen diario")
    return built
