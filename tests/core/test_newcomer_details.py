"""Small things a newcomer notices: the WhatsApp link, one date format, plural counts."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from constance.test import override_config
from django.urls import reverse
from django.utils import translation

from core.contact import whatsapp_url
from core.templatetags.dates import iso_datetime, long_date, long_datetime, short_date

pytestmark = pytest.mark.django_db


def test_the_home_page_links_to_whatsapp_by_default(client):
    html = client.get(reverse("storefront:home")).content.decode()

    assert 'href="https://wa.me/51987654321"' in html
    assert "Escríbenos por WhatsApp" in html


@pytest.mark.parametrize(
    ("number", "url"),
    [
        ("51987654321", "https://wa.me/51987654321"),
        ("+51 987 654 321", "https://wa.me/51987654321"),
        ("", ""),
        ("   ", ""),
        ("llámanos", ""),
        ("0051987654321", ""),
        ("5" * 40, ""),
        ("51987\x00654321", ""),
    ],
)
def test_whatsapp_url_from_the_setting(number, url):
    with override_config(WHATSAPP_NUMBER=number):
        assert whatsapp_url() == url


def test_no_whatsapp_promise_without_a_number(client):
    with override_config(WHATSAPP_NUMBER=""):
        html = client.get(reverse("storefront:home")).content.decode()

    assert "wa.me" not in html
    assert "WhatsApp" not in html
    assert "Ayuda por correo" in html


def test_dates_read_the_same_everywhere():
    late_evening_in_lima = datetime(2026, 11, 25, 3, 30, tzinfo=ZoneInfo("UTC"))  # 22:30 on the 24th in Lima
    with translation.override("es-pe"):
        assert long_date(date(2026, 11, 24)) == "martes 24 de noviembre"
        assert long_date(late_evening_in_lima) == "martes 24 de noviembre"
        assert short_date(late_evening_in_lima) == "24/11/2026"
        assert long_datetime(late_evening_in_lima) == "martes 24 de noviembre, 22:30"
        assert long_date(None) == short_date("") == ""
    with translation.override("en"):
        assert long_date(date(2026, 11, 24)) == "Tuesday, November 24"
        assert short_date(date(2026, 11, 24)) == "11/24/2026"


def test_machine_readable_dates_have_whole_seconds():
    """<time datetime> admits at most three digits of a second: Lima time, to the second."""
    assert iso_datetime(datetime(2026, 11, 25, 3, 30, 7, 952736, tzinfo=ZoneInfo("UTC"))) == "2026-11-24T22:30:07-05:00"
    assert iso_datetime(date(2026, 11, 24)) == "2026-11-24" and iso_datetime(None) == ""
