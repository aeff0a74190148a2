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
