"""Policy pages staff write in the admin: a draft until published, published versions kept as
they were (a new version starts from their text), the page shows the current one and any earlier
published one on request."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from legal.models import PolicyKind, PolicyVersion
from legal.services import LegalError, policy_version_create, policy_version_publish, policy_version_update
from legal.text import blocks
from tests.factories import UserFactory, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_the_page_shows_the_current_version_and_keeps_the_old_ones(client):
    first = publish(body="## Pagos\nPrimera versión.")
    second = publish(body="## Pagos\nSegunda versión.")
    assert (first.version, second.version) == (1, 2)

    page = client.get(reverse("legal:terms")).content.decode()
    assert "Segunda versión." in page and "Versión 2" in page and "<h2>Pagos</h2>" in page
    old = client.get(reverse("legal:terms"), {"version": 1}).content.decode()
    assert "Primera versión." in old and "versión anterior" in old


@pytest.mark.parametrize("version", ["9", "abc", "1" * 40])
def test_an_unknown_version_is_a_404(client, version):
    publish()
    assert client.get(reverse("legal:terms"), {"version": version}).status_code == 404


def test_a_policy_never_published_is_a_404(client):
    policy_version_create(kind=PolicyKind.PRIVACY, title="Borrador", body="Aún no.")
    assert client.get(reverse("legal:privacy")).status_code == 404


def test_a_published_version_never_changes():
    version = publish()
    with pytest.raises(LegalError):
        policy_version_update(version=version, title="Otro", body="Otro texto")
    with pytest.raises(LegalError):
        policy_version_publish(version=version)
    with pytest.raises(ValidationError):
        version.delete()


def test_an_older_draft_cannot_replace_a_newer_published_version():
    draft = policy_version_create(kind=PolicyKind.TERMS, title="T", body="Uno")
    publish(body="Dos")
    with pytest.raises(LegalError):
        policy_version_publish(version=draft)


def test_staff_write_publish_and_start_a_new_version_in_the_admin(admin_client, client):
    response = admin_client.post(
        reverse("admin:legal_policyversion_add"),
        {"kind": "shipping", "title": "Política de envíos", "body": "Enviamos a todo el Perú.", "change_note": ""},
    )
    assert response.status_code == 302
    draft = PolicyVersion.objects.get()
    assert (draft.version, draft.is_published) == (1, False)
    assert client.get(reverse("legal:shipping")).status_code == 404

    admin_client.post(reverse("admin:legal_policyversion_publish", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.is_published
    assert "Enviamos a todo el Perú." in client.get(reverse("legal:shipping")).content.decode()

    response = admin_client.post(reverse("admin:legal_policyversion_new_version", args=[draft.pk]))
    new = PolicyVersion.objects.get(version=2)
    assert response["Location"] == reverse("admin:legal_policyversion_change", args=[new.pk])
    assert new.body == draft.body and not new.is_published
    # A published version's page has no editable text.
    page = admin_client.get(reverse("admin:legal_policyversion_change", args=[draft.pk])).content.decode()
    assert 'name="body"' not in page
    assert admin_client.get(reverse("admin:legal_policyversion_publish", args=[draft.pk])).status_code == 405


def test_plain_text_becomes_headings_and_paragraphs():
    assert blocks("## Uno\nlínea a\nlínea b\n\nOtro párrafo\r\n\r\n## Dos") == [
        ("h", "Uno"),
        ("p", "línea a\nlínea b"),
        ("p", "Otro párrafo"),
        ("h", "Dos"),
    ]


def test_the_footer_links_the_policies(client):
    page = client.get("/").content.decode()
    for name in ("legal:terms", "legal:privacy", "legal:returns", "legal:shipping"):
        assert f'href="{reverse(name)}"' in page


def test_the_current_versions_are_the_newest_published_of_each_kind_read_without_their_text():
    from legal.selectors import policies_current

    publish(PolicyKind.TERMS, body="Primera versión.")
    terms = publish(PolicyKind.TERMS, body="Segunda versión.")
    privacy = publish(PolicyKind.PRIVACY, body="Tus datos.")
    policy_version_create(kind=PolicyKind.TERMS, title="Borrador", body="Aún no.", actor=UserFactory(is_staff=True))

    current = policies_current()

    assert {kind: version.pk for kind, version in current.items()} == {
        PolicyKind.TERMS: terms.pk,
        PolicyKind.PRIVACY: privacy.pk,
    }
    assert all("body" in version.get_deferred_fields() for version in current.values())
    assert list(policies_current(kinds=iter([PolicyKind.PRIVACY]))) == [PolicyKind.PRIVACY]
