import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "es" / "LC_MESSAGES"

pytestmark = pytest.mark.django_db


def html_lang(response) -> str:
    return re.search(r'<html[^>]*\slang="([^"]+)"', response.content.decode()).group(1)


def test_spanish_is_the_default(client):
    response = client.get(reverse("storefront:home"))

    assert html_lang(response) == "es-pe"
    assert "Iniciar sesión" in response.content.decode()


@pytest.mark.parametrize("accept", ["en-US,en;q=0.9", "en", "fr-FR,fr;q=0.8,en;q=0.5", "es-ES,es;q=0.9"])
def test_spanish_whatever_the_browser_asks(client, accept):
    response = client.get(reverse("storefront:home"), HTTP_ACCEPT_LANGUAGE=accept)

    assert html_lang(response) == "es-pe"
    assert "Iniciar sesión" in response.content.decode()
    assert response["Content-Language"] == "es-pe"


def test_the_chosen_language_is_remembered_by_the_cookie(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert client.cookies["lang"].value == "en"

    response = client.get(reverse("storefront:home"), HTTP_ACCEPT_LANGUAGE="es-PE,es;q=0.9")
    assert html_lang(response) == "en"
    assert "Cookie" in response["Vary"]


@pytest.mark.parametrize("cookie", ["xx", "", "en" * 300, "es\x00"])
def test_a_bad_language_cookie_keeps_spanish(client, cookie):
    client.cookies["lang"] = cookie

    response = client.get(reverse("storefront:home"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert html_lang(response) == "es-pe"


def test_switch_to_english_and_back(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302

    english = client.get(reverse("storefront:home"))
    assert html_lang(english) == "en"
    assert "Sign in" in english.content.decode()

    client.post(reverse("set_language"), {"language": "es-pe", "next": "/"})
    assert html_lang(client.get(reverse("storefront:home"))) == "es-pe"


def test_an_english_request_leaves_what_runs_next_in_the_thread_in_spanish(client):
    """The language is the request's alone: a management command or a task the same thread runs
    next (a worker's thread, the embedded server's, a test's) speaks Spanish again."""
    client.cookies["lang"] = "en"
    assert client.get(reverse("storefront:home")).headers["Content-Language"] == "en"
    assert translation.get_language() == "es-pe"


def test_unknown_language_keeps_spanish(client):
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})

    assert html_lang(client.get(reverse("storefront:home"))) == "es-pe"


def test_set_language_refuses_an_offsite_next(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "https://evil.example.com/"})

    assert not response["Location"].startswith("https://evil.example.com")


def test_our_strings_are_translated():
    with translation.override("es-pe"):
        assert translation.gettext("Enter a valid DNI: exactly 8 digits.") != "Enter a valid DNI: exactly 8 digits."
        assert translation.gettext("Address added.") != "Address added."


def test_catalog_is_complete():
    po = (LOCALE / "django.po").read_text(encoding="utf-8")
    entries = po.split("\n\n")[1:]  # the first block is the header
    assert entries
    untranslated = [
        e for e in entries if re.search(r'^msgstr ""\s*$', e, re.M) and not re.search(r'^msgstr ""\n"', e, re.M)
    ]
    fuzzy = [e for e in entries if "#, fuzzy" in e]
    assert untranslated == [], f"{len(untranslated)} entries without a translation"
    assert fuzzy == [], f"{len(fuzzy)} fuzzy entries"


def test_compiled_catalog_matches_the_source(tmp_path):
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("gettext's msgfmt is not installed (make test installs it)")
    compiled = tmp_path / "django.mo"
    subprocess.run([msgfmt, "--check", "-o", str(compiled), str(LOCALE / "django.po")], check=True)

    assert compiled.read_bytes() == (LOCALE / "django.mo").read_bytes(), "run `make messages` and commit django.mo"
