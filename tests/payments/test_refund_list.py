"""The refunds list reads each refund: its order, its amount in soles and its own status (not the
payment's status and amount beside it)."""

import re
from decimal import Decimal

import pytest
from django.utils import translation

from payments.models import Payment, PaymentMethod, Refund
from tests.factories import ProductFactory, UserFactory, VariantFactory, make_order

pytestmark = pytest.mark.django_db

BARE_AMOUNT = re.compile(r"(?<!S/ )(?<![\d,.])\d+\.\d{2}\b")


def test_each_row_reads_the_refund(client):
    order = make_order(variant=VariantFactory(product=ProductFactory(base_price=Decimal("1799.90"))))
    method = PaymentMethod.objects.create(name="Tarjeta", code="tarjeta", provider="test")
    payment = Payment.objects.create(
        order=order, method=method, amount=Decimal("1799.90"), status=Payment.Status.SUCCEEDED
    )
    Refund.objects.create(payment=payment, amount=Decimal("58.90"), reason="Talla equivocada")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    page = client.get("/admin/payments/refund/").content.decode()
    row = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    with translation.override("es"):
        requested, succeeded = str(Refund.Status.REQUESTED.label), str(Payment.Status.SUCCEEDED.label)
    assert order.number in row and "S/ 58.90" in row and requested in row
    assert succeeded not in row and "1,799.90" not in row
    assert not BARE_AMOUNT.search(row), BARE_AMOUNT.findall(row)
