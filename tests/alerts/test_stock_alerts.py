"""Back-in-stock and launch alerts ("Avísame"): the form, the double opt-in, one e-mail each when
units come back (no more than the units), unsubscribing, and every bad link or input."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from alerts import services, tokens
from alerts.models import StockAlert
from inventory.services import stock_receive
from tests.factories import CollectionFactory, UserFactory, ahead

pytestmark = pytest.mark.django_db


def _link(message, marker: str) -> str:
    return next(word for word in message.body.split() if marker in word)


def _path(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_the_product_page_offers_the_form_on_a_sold_out_size(client, polera_m_sold_out, sold_out):
    html = client.get(polera_m_sold_out.get_absolute_url()).content.decode()
    assert 'id="stock-alert"' in html
    form = html.split('id="stock-alert"')[1].split("</form>")[0]
    # Only the sold-out option is offered (alone, it needs no choice).
    assert f'name="variant" value="{sold_out.pk}"' in form and "<select" not in form


def test_a_signed_in_customer_is_prefilled_and_active_at_once(client, polera_m_sold_out, sold_out):
    user = UserFactory(email="ana@example.pe")
    client.force_login(user)
    assert 'value="ana@example.pe"' in client.get(polera_m_sold_out.get_absolute_url()).content.decode()
    response = client.post(
        reverse("alerts:request"), {"variant": sold_out.pk, "email": "ana@example.pe"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    alert = StockAlert.objects.get()
    assert (alert.status, alert.user, alert.kind) == (StockAlert.Status.ACTIVE, user, StockAlert.Kind.RESTOCK)
    assert mail.outbox == []  # no confirmation for their own address


def test_the_buy_box_kept_for_shoppers_who_see_the_same_one_is_each_shopper_s_own(
    polera_m_sold_out, sold_out, warehouse
):
    """The buy box is rendered once per process for everyone who sees the same one: two guests get
    it with their own token, two signed-in shoppers each with their own e-mail, and a size chosen or
    units back change it."""
    from django.middleware.csrf import _unmask_cipher_token
    from django.test import Client

    url = polera_m_sold_out.get_absolute_url() + "?size=m"

    def form_of(client) -> str:
        html = client.get(url).content.decode()
        return html.split('id="buy-box"')[1].split('id="stock-alert-answer"')[0]

    shoppers = [Client(), Client()]
    for guest in shoppers:  # their CSRF cookies, as store.js asks for them: a first visit's page has no token
        guest.get("/csrf/")
    for email in ("ana@example.pe", "luis@example.pe"):
        shoppers.append(Client())
        shoppers[-1].force_login(UserFactory(email=email))
    forms = [form_of(shopper) for shopper in shoppers]
    for shopper, form in zip(shoppers, forms):
        tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', form))
        assert tokens and {_unmask_cipher_token(token) for token in tokens} == {shopper.cookies["csrftoken"].value}
    assert 'value=""' in forms[0] and "@example.pe" not in forms[0] + forms[1]
    assert 'value="ana@example.pe"' in forms[2] and "luis" not in forms[2]
    assert 'value="luis@example.pe"' in forms[3] and "ana" not in forms[3]

    assert "Agotado" in forms[0]
    assert 'value="POL-S"' in shoppers[0].get(polera_m_sold_out.get_absolute_url() + "?size=s").content.decode()
    stock_receive(variant=sold_out, warehouse=warehouse, quantity=2)
    assert 'id="stock-alert"' not in form_of(shoppers[1]) and "Quedan 2" in form_of(shoppers[1])


def test_a_guest_confirms_by_email_before_the_alert_is_active(client, sold_out, warehouse, committed):
    with committed():
        response = client.post(
            reverse("alerts:request"),
            {"variant": sold_out.pk, "email": " Rosa@Example.pe ", "next": "/p/polera-andina/"},
        )
    assert response.status_code == 302
    alert = StockAlert.objects.get()
    assert (alert.status, alert.email) == (StockAlert.Status.PENDING, "rosa@example.pe")
    assert len(mail.outbox) == 1
    with committed():
        stock_receive(variant=sold_out, warehouse=warehouse, quantity=3)
    assert len(mail.outbox) == 1  # not confirmed: not told
    confirm = _path(_link(mail.outbox[0], "/avisos/confirmar/"))
    with committed():
        response = client.get(confirm)
    assert response.status_code == 200
    alert.refresh_from_db()
    assert alert.status == StockAlert.Status.ACTIVE
    # Units were already back: the confirmation tells them at once, once.
    assert len(mail.outbox) == 2 and "POL-M" not in mail.outbox[1].subject
    assert client.get(confirm).status_code == 200  # a replay changes nothing
    assert len(mail.outbox) == 2


def test_asking_twice_is_the_same_request(client, sold_out, committed):
    for _ in range(2):
        with committed():
            client.post(reverse("alerts:request"), {"variant": sold_out.pk, "email": "rosa@example.pe"})
    assert StockAlert.objects.count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    "data, message",
    [
        ({"variant": "", "email": "rosa@example.pe"}, "no existe"),
        ({"variant": "999999", "email": "rosa@example.pe"}, "no existe"),
        ({"variant": "abc", "email": "rosa@example.pe"}, "no existe"),
        ({"variant": "SOLD", "email": "no-es-correo"}, "correo"),
    ],
)
def test_bad_input_gets_a_clear_message(client, sold_out, data, message):
    data = {**data, "variant": sold_out.pk if data["variant"] == "SOLD" else data["variant"]}
    response = client.post(reverse("alerts:request"), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert message in response.content.decode().lower()
    assert not StockAlert.objects.exists()


def test_an_option_in_stock_needs_no_alert(client, polera_m_sold_out):
    in_stock = polera_m_sold_out.variants.get(sku="POL-S")
    response = client.post(
        reverse("alerts:request"), {"variant": in_stock.pk, "email": "rosa@example.pe"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 400
    assert not StockAlert.objects.exists()


def test_units_back_tell_the_waiting_in_order_no_more_than_the_units(sold_out, warehouse, committed):
    emails = [f"cliente{i}@example.pe" for i in range(4)]
    for email in emails:
        user = UserFactory(email=email)
        services.stock_alert_request(variant_id=sold_out.pk, email=email, user=user)
    with committed():
        stock_receive(variant=sold_out, warehouse=warehouse, quantity=2)
    assert [m.to[0] for m in mail.outbox] == emails[:2]
    message = mail.outbox[0]
    assert "?size=m" in message.body and "/avisos/baja/" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # Those two still count against the units; more units tell the next in line, never twice.
    with committed():
        stock_receive(variant=sold_out, warehouse=warehouse, quantity=1)
    services.stock_alerts_sweep()
    assert [m.to[0] for m in mail.outbox] == emails[:3]


def test_the_email_link_opens_the_product_with_the_size_chosen(client, sold_out, warehouse, committed):
    services.stock_alert_request(
        variant_id=sold_out.pk, email="ana@example.pe", user=UserFactory(email="ana@example.pe")
    )
    with committed():
        stock_receive(variant=sold_out, warehouse=warehouse, quantity=1)
    response = client.get(_path(_link(mail.outbox[0], "/p/")))
    assert response.status_code == 200
    assert response.context["page"].variant == sold_out


def test_unsubscribe_is_one_click_and_works_for_guests(client, sold_out, warehouse, committed):
    alert = services.stock_alert_request(variant_id=sold_out.pk, email="rosa@example.pe")
    link = reverse("alerts:unsubscribe", args=[tokens.token_make(tokens.UNSUBSCRIBE, pk=alert.pk, email=alert.email)])
    asked = client.get(link)
    assert asked.status_code == 200 and "Dejar de recibir estos correos" in asked.content.decode()
    alert.refresh_from_db()
    assert alert.status != StockAlert.Status.UNSUBSCRIBED  # opening the link (a mail scanner too) only asks
    assert client.post(link).status_code == 200  # the page's button, or the mail client's one-click POST
    assert client.post(link).status_code == 200  # again: no change
    alert.refresh_from_db()
    assert alert.status == StockAlert.Status.UNSUBSCRIBED
    assert "Dejar de recibir" not in client.get(link).content.decode()  # done: the page says so
    mail.outbox.clear()
    with committed():
        stock_receive(variant=sold_out, warehouse=warehouse, quantity=5)
    assert mail.outbox == []


def test_tampered_expired_and_crossed_links_are_refused(client, sold_out, settings):
    alert = services.stock_alert_request(variant_id=sold_out.pk, email="rosa@example.pe")
    other = services.stock_alert_request(variant_id=sold_out.pk, email="otro@example.pe")
    good = tokens.token_make(tokens.CONFIRM, pk=alert.pk, email=alert.email)
    unsubscribe = tokens.token_make(tokens.UNSUBSCRIBE, pk=alert.pk, email=alert.email)
    forged = tokens.token_make(tokens.CONFIRM, pk=other.pk, email=alert.email)  # another row, the wrong address
    for link in (
        reverse("alerts:confirm", args=[good[:-2] + "xx"]),
        reverse("alerts:confirm", args=[unsubscribe]),
        reverse("alerts:confirm", args=[forged]),
        reverse("alerts:unsubscribe", args=["nada"]),
    ):
        response = client.get(link)
        assert response.status_code == 400, link
        assert "enlace" in response.content.decode().lower()
    settings.SECRET_KEY = settings.SECRET_KEY  # same key, but too old:
    tokens.MAX_AGE[tokens.CONFIRM] = -1
    try:
        response = client.get(reverse("alerts:confirm", args=[good]))
    finally:
        tokens.MAX_AGE[tokens.CONFIRM] = 7 * tokens.DAY
    assert response.status_code == 400 and "venció" in response.content.decode()
    assert StockAlert.objects.filter(status=StockAlert.Status.ACTIVE).count() == 0


def test_a_launch_alert_is_emailed_once_when_the_drop_starts(client, polera_m_sold_out, sold_out):
    drop = CollectionFactory(collection_type="drop", starts_at=ahead(hours=2))
    drop.items.create(product=polera_m_sold_out, order=0)
    small = polera_m_sold_out.variants.get(sku="POL-S")
    user = UserFactory(email="ana@example.pe")
    client.force_login(user)
    assert 'id="stock-alert"' in client.get(polera_m_sold_out.get_absolute_url()).content.decode()
    alert = services.stock_alert_request(variant_id=small.pk, email="ana@example.pe", user=user)
    assert alert.kind == StockAlert.Kind.LAUNCH
    assert services.launch_alerts_notify() == 0
    type(drop).objects.filter(pk=drop.pk).update(starts_at=ahead(hours=-1))
    assert services.launch_alerts_notify() == 1
    assert services.launch_alerts_notify() == 0
    assert len(mail.outbox) == 1 and "Polera Andina" in mail.outbox[0].subject
