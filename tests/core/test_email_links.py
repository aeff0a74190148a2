"""Every e-mail links to the store that sends it (SITE_DOMAIN, as `make run PORT=8345` sets it for
the server it starts), whatever the sites row kept from an earlier `migrate`; and its plain-text
part reads "&" as typed, never the HTML "&amp;"."""

import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from constance.test import override_config
from django.conf import settings
from django.contrib.sites.models import Site
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from alerts import emails as alert_emails
from alerts.models import CartReminder, StockAlert
from complaints.emails import send_due_alert
from complaints.services import complaint_file
from core.sites import site_url
from credit.emails import gift_card_email_send
from credit.models import GiftCard
from orders.emails import deliver_order_email
from orders.models import OrderEmail, OrderEmailKind
from reviews.emails import send_invitation
from tests.factories import (
    ProductFactory,
    UserFactory,
    VariantFactory,
    WarehouseFactory,
    delivered_order_of,
    line_for,
    make_order,
    sheet_data,
    signup_data,
    stocked_variant,
)

pytestmark = pytest.mark.django_db

SHOP = "http://127.0.0.1:8345"
LINK = re.compile(r"https?://[^\s\"'<>]+")


@pytest.fixture(autouse=True)
def served_on_8345(settings):
    """The server runs with SITE_DOMAIN=127.0.0.1:8345; the sites row still says what the last
    migrate wrote (the default port)."""
    settings.SITE_DOMAIN = "127.0.0.1:8345"
    assert Site.objects.get_current().domain == "127.0.0.1:8000"


def links(text: str) -> list[str]:
    return LINK.findall(text)


def assert_links_to_the_shop(message) -> None:
    parts = [message.body, *(content for content, _ in getattr(message, "alternatives", []))]
    found = [link for part in parts for link in links(part)]
    assert found, message.body
    assert all(link.startswith(SHOP + "/") for link in found), found


def assert_plain_text(message, *typed: str) -> None:
    assert "&amp;" not in message.body and "&#x27;" not in message.body and "&quot;" not in message.body, message.body
    assert "&amp;" not in message.subject and "&#x27;" not in message.subject
    for text in typed:
        assert text in message.body or text in message.subject, (text, message.subject, message.body)


def test_site_url_is_read_from_the_setting(settings):
    assert site_url("/pedidos/") == "http://127.0.0.1:8345/pedidos/"
    settings.SITE_DOMAIN = "tienda.kallpa.pe"
    assert site_url("/") == "https://tienda.kallpa.pe/"


def test_order_email(olva, user):
    variant = stocked_variant(WarehouseFactory(), units=5)
    variant.product.name = 'Polo "Sol & Luna"'
    variant.product.save()
    order = make_order(customer=user, lines=[line_for(variant)], shipping_method_id=olva.pk)
    mail.outbox.clear()
    deliver_order_email(email_id=OrderEmail.objects.get(order=order, kind=OrderEmailKind.PLACED).pk)
    (message,) = mail.outbox
    assert_links_to_the_shop(message)
    assert_plain_text(message, "Sol & Luna")


def test_stock_alert_emails():
    variant = VariantFactory(product=ProductFactory(name="Casaca Andes & Co"))
    alert = StockAlert.objects.create(variant=variant, email="ana@example.pe")
    alert_emails.send_confirmation(alert=alert)
    alert_emails.send_back_in_stock(alert=alert, variant=variant)
    for message in mail.outbox:
        assert_links_to_the_shop(message)
        assert_plain_text(message, "Andes & Co")


def test_cart_reminder_email():
    reminder = CartReminder.objects.create(
        cart_key="k",
        email="ana@example.pe",
        units=1,
        lines=[
            {"name": "Mochila Ruta & Río", "quantity": 1, "total": "89.90", "url": "/p/mochila/?talla=m&color=rojo"}
        ],
    )
    alert_emails.send_cart_reminder(reminder=reminder)
    (message,) = mail.outbox
    assert_links_to_the_shop(message)
    assert_plain_text(message, "Ruta & Río")


def test_gift_card_email():
    card = GiftCard(
        number="TR-1",
        code="ABCD-EFGH-IJKL-MNOP",
        amount=Decimal("100.00"),
        balance=Decimal("100.00"),
        expires_at=timezone.now() + timedelta(days=365),
        recipient_name="Ana & Luis",
        recipient_email="ana@example.pe",
        sender_name="Rosa",
        message="¡Para los dos & con cariño!",
        deliver_on=date.today(),
    )
    gift_card_email_send(card)
    (message,) = mail.outbox
    assert_links_to_the_shop(message)
    assert_plain_text(message, "Ana & Luis", "dos & con")


def test_review_invitation_email(olva):
    customer = UserFactory(first_name="José & María")
    order = delivered_order_of(customer, stocked_variant(WarehouseFactory(), units=5))
    mail.outbox.clear()
    send_invitation(order_id=order.pk)
    (message,) = mail.outbox
    assert_links_to_the_shop(message)
    assert_plain_text(message, "José & María")


def test_complaints_due_alert():
    complaint_file(data=sheet_data(email="a@example.pe"), now=datetime(2026, 7, 20, 9, tzinfo=ZoneInfo("America/Lima")))
    mail.outbox.clear()
    with override_config(COMPLAINTS_ALERT_EMAILS="reclamos@kallpa.pe"):
        assert send_due_alert(today=date(2026, 8, 20)) == 1
    (message,) = mail.outbox
    assert_links_to_the_shop(message)


def test_allauth_emails_name_the_shop(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_signup"), signup_data(first_name="Ana & Luis"))
    message = mail.outbox[-1]
    assert SHOP in message.body and "127.0.0.1:8000" not in message.body
    assert "&amp;" not in message.body and "&amp;" not in message.subject


@pytest.mark.parametrize(
    "prefix", ["account/email/email_changed", "account/email/unknown_account", "account/email/password_reset_key"]
)
def test_allauth_plain_text_is_not_escaped(rf, prefix):
    from allauth.account.adapter import get_adapter

    request = rf.get("/")
    context = {
        "current_site": Site.objects.get_current(),
        "request": request,
        "user": UserFactory.build(email="ana@example.pe"),
        "email": "ana@example.pe",
        "from_email": "ana@example.pe",
        "to_email": "ana.t@example.pe",
        "password_reset_url": f"{SHOP}/accounts/password/reset/key/k/?a=1&b=2",
        "signup_url": f"{SHOP}/accounts/signup/?next=/&x=1",
    }
    with override_config(STORE_NAME="Kallpa & Co"):
        message = get_adapter(request).render_mail(prefix, "ana@example.pe", context)
    assert_plain_text(message, "Kallpa & Co")
    assert f"{SHOP}/" in message.body


def test_make_run_links_e_mails_to_the_port_it_serves():
    import subprocess

    def dry_run(*args, target="run"):
        return subprocess.run(
            ["make", "-n", target, *args],
            capture_output=True,
            text=True,
            check=True,
            env={"PATH": "/usr/bin:/bin"},
            cwd=settings.BASE_DIR,
        ).stdout.splitlines()[-1]

    assert dry_run("PORT=8345").startswith("SITE_DOMAIN=127.0.0.1:8345 ") and "runserver 127.0.0.1:8345" in dry_run(
        "PORT=8345"
    )
    assert dry_run("HOST=0.0.0.0", "PORT=8100").startswith("SITE_DOMAIN=127.0.0.1:8100 ")
    assert dry_run("SITE_DOMAIN=tienda.kallpa.pe").startswith("SITE_DOMAIN=tienda.kallpa.pe ")
    for target in ("serve", "worker", "beat"):  # every process that sends mail links to the same address
        assert dry_run("PORT=8345", target=target).startswith("SITE_DOMAIN=127.0.0.1:8345 ")


def test_receipt_email_links_to_the_order(olva, django_capture_on_commit_callbacks):
    from tests.factories import paid_order

    variant = stocked_variant(WarehouseFactory(), units=5)
    with django_capture_on_commit_callbacks(execute=True):
        paid_order(lines=[line_for(variant)], method=olva, email="rosa@example.pe")
    message = next(m for m in mail.outbox if "Boleta" in m.subject)
    assert_links_to_the_shop(message)
    assert_plain_text(message)


def test_every_email_names_the_store_as_its_settings_say():
    """The store's name is a site setting staff change in the back office; every e-mail reads it."""
    variant = VariantFactory(product=ProductFactory(name="Casaca Andes"))
    alert = StockAlert.objects.create(variant=variant, email="ana@example.pe")
    with override_config(STORE_NAME="Andes & Co"):
        alert_emails.send_back_in_stock(alert=alert, variant=variant)
    (message,) = mail.outbox
    assert message.subject.startswith("[Andes & Co] ")
    assert_plain_text(message, "Andes & Co")


def test_account_emails_name_the_store_as_its_settings_say(client, django_capture_on_commit_callbacks):
    with override_config(STORE_NAME="Andes & Co"), django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_signup"), signup_data())
    message = mail.outbox[-1]
    assert message.subject.startswith("[Andes & Co] ")
    assert "Te escribimos de Andes & Co." in message.body and "El equipo de Andes & Co" in message.body
