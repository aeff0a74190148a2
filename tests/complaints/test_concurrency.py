"""The yearly correlative under concurrent filings, with real threads on PostgreSQL: every sheet
gets its own number, with no gap and no repeat."""

import pytest
from django.db import connection

from complaints.models import ComplaintSheet
from complaints.services import complaint_file
from tests.factories import sheet_data
from tests.threads import run_in_threads

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL"),
]


def test_concurrent_filings_get_consecutive_numbers():
    def file(index):
        return complaint_file(data=sheet_data(email=f"consumidor{index}@example.pe")).sequence

    results, errors = run_in_threads(file, 8)

    assert errors == []
    assert sorted(results) == list(range(1, 9))
    numbers = list(ComplaintSheet.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) == 8
