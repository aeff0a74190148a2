"""The demo's SUNAT paperwork: the store reports its boletas in the resumen diario, so the demo
shows a resumen of its boletas and a boleta voided by a resumen line 3, through sunat.services; a
second run changes nothing."""

import pytest

from core.site_settings import site_setting
from demo.sunat import load_demo_sunat
from receipts.services import receipt_issue_for_order
from sunat.models import Condition, Summary, SummaryKind
from tests.factories import BUYER_DNI, pay
from tests.factories import make_priced_order as make_order

pytestmark = pytest.mark.django_db


def test_a_resumen_of_the_demos_boletas_and_a_boleta_voided_once():
    boletas = []
    for _ in range(2):
        order = make_order(document_type="dni", document=BUYER_DNI)
        pay(order)
        boletas.append(receipt_issue_for_order(order_id=order.pk))

    built = load_demo_sunat()

    assert site_setting("SUNAT_BOLETAS_SENDING") == "summary"
    daily, voided = built
    assert daily.kind == voided.kind == SummaryKind.DAILY
    assert sorted(daily.lines.values_list("receipt_id", "condition")) == sorted(
        (boleta.pk, Condition.ADD) for boleta in boletas
    )
    assert list(voided.lines.values_list("receipt_id", "condition")) == [(boletas[0].pk, Condition.VOID)]
    assert load_demo_sunat() == [] and Summary.objects.count() == 2


@pytest.mark.sunat_xsl
@pytest.mark.django_db(transaction=True)
def test_the_whole_demos_summaries_pass_sunats_stylesheet(tmp_path, settings, monkeypatch):
    """`demo_data` from scratch: its resumen holds every kind of boleta the demo sells (a quantity
    offer's free unit, coupons, kits, an anonymous buyer, notas de crédito) and SUNAT's own
    stylesheet finds nothing to say about it or the voiding line."""
    from io import StringIO

    from django.core.management import call_command

    from demo.management.commands import demo_data
    from tests.factories import make_certificate
    from tests.receipts.sunat_xsl import sunat_verdicts

    settings.SUNAT_CERT_PATH, _cert_pem = make_certificate(tmp_path)
    settings.SUNAT_CERT_PASSWORD = ""
    monkeypatch.setattr(demo_data, "CREDENTIALS_FILE", tmp_path / "admin.json")
    call_command("demo_data", verbosity=0, stdout=StringIO())
    summaries = list(Summary.objects.order_by("pk"))
    daily = [summary for summary in summaries if summary.kind == SummaryKind.DAILY]
    assert len(daily) >= 2 and {summary.kind for summary in summaries} == {SummaryKind.DAILY, SummaryKind.VOIDED}
    assert summaries[0].lines.count() >= 10
    assert [str(verdict) for verdict in sunat_verdicts(summaries) if not verdict.clean] == []
