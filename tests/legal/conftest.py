import pytest

from legal.models import PolicyKind
from tests.factories import publish


@pytest.fixture
def policies(db):
    """The terms and the privacy policy, published (what sign-up and checkout ask to accept)."""
    return {
        PolicyKind.TERMS: publish(PolicyKind.TERMS),
        PolicyKind.PRIVACY: publish(PolicyKind.PRIVACY, title="Política de privacidad", body="Tus datos."),
    }
