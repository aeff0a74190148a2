"""allauth's e-mails speak in the store's voice, in Peruvian Spanish, and name the store and
its domain from the settings, never "example.com"."""

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sites.models import Site
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from core.sites import site_sync
from tests.factories import UserFactory, signup_data

pytestmark = pytest.mark.django_db

ALLAUTH_EMAILS = Path(__import__("allauth").__file__).parent / "templates" / "account" / "email"
OURS = Path(settings.BASE_DIR) / "templates" / "account" / "email"


def assert_store_voice(message) -> None:
    text = message.subject + "\n" + message.body
    assert "example.com" not in text
    assert "¡Hola! Te escribimos de Kallpa." in message.body
    assert "El equipo de Kallpa" in message.body
    assert settings.SITE_DOMAIN in message.body
    assert message.subject.startswith("[Kallpa] ")
    # Peruvian "tú", not Spain's "usted"/"vosotros" nor allauth's own wording.
    for foreign in ("usted", "Usted", "vosotros", "Hola desde", "de parte de", "Has recibido"):
        assert foreign not in text


def test_the_site_row_follows_the_settings():
    site = Site.objects.get_current()
    assert (site.domain, site.name) == (settings.SITE_DOMAIN, settings.STORE_NAME)
    with override_settings(SITE_DOMAIN="tienda.kallpa.pe", STORE_NAME="Kallpa Perú"):
        site_sync()
        assert Site.objects.values_list("domain", "name").get(pk=settings.SITE_ID) == (
            "tienda.kallpa.pe",
            "Kallpa Perú",
        )
    assert Site.objects.count() == 1


def test_every_allauth_email_is_ours():
    theirs = {path.name for path in ALLAUTH_EMAILS.glob("*.txt")}
    assert theirs <= {path.name for path in OURS.glob("*.txt")}


def test_signup_confirmation_email(client, sent):
    with sent():
        response = client.post(reverse("account_signup"), signup_data())
    assert response.status_code == 302

    message = mail.outbox[-1]
    assert_store_voice(message)
    assert message.subject == "[Kallpa] ¡Te damos la bienvenida! Confirma tu correo"
    assert "¡Te damos la bienvenida a Kallpa!" in message.body
    assert "Confírmalo aquí: http://testserver/accounts/confirm-email/" in message.body


def test_password_reset_email(client, sent):
    user = UserFactory()
    with sent():
        client.post(reverse("account_reset_password"), {"email": user.email})

    message = mail.outbox[-1]
    assert_store_voice(message)
    assert message.subject == "[Kallpa] Restablece tu contraseña"
    assert "Pediste restablecer tu contraseña" in message.body
    assert "/accounts/password/reset/key/" in message.body


@pytest.mark.parametrize("prefix", sorted({p.name.removesuffix("_subject.txt") for p in OURS.glob("*_subject.txt")}))
def test_every_email_renders_in_the_store_voice(rf, prefix):
    """Each allauth e-mail, as allauth's adapter renders it (notifications, codes, unknown account...)."""
    from allauth.account.adapter import get_adapter

    request = rf.get("/")
    context = {
        "current_site": Site.objects.get_current(),
        "request": request,
        "user": UserFactory.build(email="ana@example.pe"),
        "email": "ana@example.pe",
        "code": "ABC123",
        "activate_url": "http://127.0.0.1:8000/accounts/confirm-email/k/",
        "password_reset_url": "http://127.0.0.1:8000/accounts/password/reset/key/k/",
        "signup_url": "http://127.0.0.1:8000/accounts/signup/",
        "from_email": "ana@example.pe",
        "to_email": "ana.torres@example.pe",
        "deleted_email": "vieja@example.pe",
        "ip": "190.12.0.1",
        "user_agent": "Firefox",
        "timestamp": "martes 24 de noviembre",
    }
    message = get_adapter(request).render_mail(f"account/email/{prefix}", "ana@example.pe", context)

    assert_store_voice(message)
    assert "{" not in message.body and "%(" not in message.body
    if prefix in {
        "email_changed",
        "email_deleted",
        "password_changed",
        "password_reset",
        "password_set",
        "email_confirm",
    }:
        assert "Si no fuiste tú, cambia tu contraseña" in message.body
    if prefix == "unknown_account":
        assert "no tenemos ninguna cuenta con ese correo" in message.body
