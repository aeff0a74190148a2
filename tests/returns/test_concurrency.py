import pytest
from django.db import connection

from returns import services
from returns.models import ReturnLine, ReturnRequest
from returns.services import ReturnError, ReturnLineData
from tests.threads import run_in_threads

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def test_two_requests_at_once_return_the_units_once(delivered_order):
    polo = delivered_order.lines.get(sku="POLO-M")
    data = [ReturnLineData(order_line_id=polo.pk, quantity=2, reason="wrong_size", declared_condition="new")]

    def request(_index):
        return services.return_request_create(order=delivered_order, lines=data).number

    results, errors = run_in_threads(request, 4)
    assert len(results) == 1 and len(errors) == 3
    assert all(isinstance(error, ReturnError) for error in errors)
    assert ReturnRequest.objects.count() == 1
    assert sum(ReturnLine.objects.values_list("quantity", flat=True)) == 2
    numbers = set(ReturnRequest.objects.values_list("number", flat=True))
    assert numbers == set(results)
