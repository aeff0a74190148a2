"""Whether boletas and their notas go to SUNAT one by one (sendBill, here) or in the resumen diario
(the sunat app, above receipts): the store's setting SUNAT_BOLETAS_SENDING. When by summary,
receipts' own sending skips them; the summary's answer comes back through
receipts.services.receipts_summary_answer."""

from core.site_settings import site_setting

BY_BILL, BY_SUMMARY = "bill", "summary"
# Boletas are B001, their notas BC01/BD01: the series' first letter says whom a document belongs to.
BOLETA_SERIES_PREFIX = "B"


def boletas_by_summary() -> bool:
    return site_setting("SUNAT_BOLETAS_SENDING") == BY_SUMMARY


def sent_in_daily_summary(*, series: str) -> bool:
    """A boleta or one of its notas while the store reports them in the resumen diario."""
    return series.startswith(BOLETA_SERIES_PREFIX) and boletas_by_summary()
