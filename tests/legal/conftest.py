import pytest

from legal.models import PolicyKind
from legal.services import policy_version_create, policy_version_publish


def publish(kind: str = PolicyKind.TERMS, *, title: str = "Términos y condiciones", body: str = "## Uno\nTexto."):
    return policy_version_publish(version=policy_version_create(kind=kind, title=title, body=body))


@pytest.fixture
def policies(db):
    """The terms and the privacy policy, published (what sign-up and checkout ask to accept)."""
    return {PolicyKind.TERMS: publish(PolicyKind.TERMS),
            PolicyKind.PRIVACY: publish(PolicyKind.PRIVACY, title="Política de privacidad", body="Tus datos.")}
