import pytest

from credit.services import store_credit_issue


@pytest.fixture
def credit(customer):
    return store_credit_issue(customer=customer, amount="100.00")
