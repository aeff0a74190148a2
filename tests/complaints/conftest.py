import pytest

from complaints.services import complaint_file
from tests.factories import sheet_data


@pytest.fixture
def sheet(db):
    return complaint_file(data=sheet_data())
