import pytest

from tests.factories import make_order


@pytest.fixture
def order(user, variant):
    return make_order(customer=user, variant=variant)
