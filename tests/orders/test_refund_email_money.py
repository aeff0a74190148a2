"""The refund e-mail writes the amount as the shop writes money (S/ 1,799.90), in both parts."""

from decimal import Decimal

import pytest
from django.core import mail

from orders import services
from tests.factories import ProductFactory, VariantFactory, WarehouseFactory, line_for, paid_order, stock

pytestmark = pytest.mark.django_db


def test_the_refund_email_writes_soles(olva, django_capture_on_commit_callbacks):
    variant = VariantFactory(product=ProductFactory(base_price=Decimal("1799.90")))
    stock(variant, WarehouseFactory(), 5)
    with django_capture_on_commit_callbacks(execute=True):
        order = paid_order(lines=[line_for(variant)], method=olva)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.order_record_refunds(order=order, refunded=Decimal("1799.90"))
    (message,) = mail.outbox
    for part in (message.body, message.alternatives[0][0]):
        assert "S/ 1,799.90" in part and "1799.90" not in part
