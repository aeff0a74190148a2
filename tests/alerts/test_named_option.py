""" "Avísame" names the option it is for, beside it: a sold-out size or colour can be chosen in the
picker, the buy box then says that option is sold out and offers the alert for it by name, the
answer names it, and so does every e-mail of the alert."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from alerts import services
from alerts.models import StockAlert
from inventory.services import stock_receive
from tests.factories import OptionFactory, OptionValueFactory, ProductFactory, UserFactory, VariantFactory, stock

pytestmark = pytest.mark.django_db


@pytest.fixture
def casaca_m_negro_sold_out(warehouse):
    """A casaca in sizes M and L and colours Negro and Rojo: M in Negro is sold out, the rest in stock."""
    size, colour = OptionFactory(code="size"), OptionFactory(code="color")
    m, large = (
        OptionValueFactory(option=size, slug="m", value="M"),
        OptionValueFactory(option=size, slug="l", value="L"),
    )
    black = OptionValueFactory(option=colour, slug="negro", value="Negro", swatch="#111111")
    red = OptionValueFactory(option=colour, slug="rojo", value="Rojo", swatch="#cc0000")
    product = ProductFactory(name="Casaca Wayra", slug="casaca-wayra")
    variants = {}
    for size_value, colour_value in ((m, black), (m, red), (large, black), (large, red)):
        sku = f"CW-{size_value.value}-{colour_value.value.upper()}"
        variants[sku] = VariantFactory(product=product, sku=sku, values=[size_value, colour_value])
        stock(variants[sku], warehouse, 0 if sku == "CW-M-NEGRO" else 4)
    return {"product": product, "sold_out": variants["CW-M-NEGRO"], "in_stock": variants["CW-M-ROJO"]}


def _buy_box(client, query: str) -> str:
    """The buy box as a click in the picker gets it (htmx)."""
    return client.get("/p/casaca-wayra/" + query, HTTP_HX_REQUEST="true").content.decode()


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_sold_out_colour_can_be_chosen_from_the_picker(client, casaca_m_negro_sold_out):
    box = _buy_box(client, "?size=m&color=rojo")
    negro = re.search(r'<a id="option-color-negro"[^>]*>', box)
    assert negro is not None, "the sold-out colour is a link the shopper can choose"
    assert 'href="?color=negro&amp;size=m"' in negro.group(0) and "is-sold-out" in negro.group(0)
    assert 'id="stock-alert"' not in box  # the chosen option is in stock: nothing to ask for


def test_the_chosen_sold_out_option_is_named_beside_its_alert(client, casaca_m_negro_sold_out):
    box = _buy_box(client, "?size=m&color=negro")
    availability = box.index('id="availability"')
    form = box.split('id="stock-alert"')[1].split("</form>")[0]
    assert availability < box.index('id="stock-alert"') < box.index("add-to-cart"), "beside the sold-out notice"
    assert "Talla: M · Color: Negro" in _text(form)
    assert f'name="variant" value="{casaca_m_negro_sold_out["sold_out"].pk}"' in form and "<select" not in form


def test_the_answer_names_the_option(client, casaca_m_negro_sold_out):
    client.force_login(UserFactory(email="ana@example.pe"))
    response = client.post(
        reverse("alerts:request"),
        {"variant": casaca_m_negro_sold_out["sold_out"].pk, "email": "ana@example.pe"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "Talla: M · Color: Negro" in _text(response.content.decode())


def test_every_email_of_the_alert_names_the_option(
    client, casaca_m_negro_sold_out, warehouse, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("alerts:request"), {"variant": casaca_m_negro_sold_out["sold_out"].pk, "email": "rosa@example.pe"}
        )
    confirmation = mail.outbox[0]
    assert "Talla: M · Color: Negro" in confirmation.subject
    assert "Talla: M · Color: Negro" in confirmation.body
    assert "Talla: M · Color: Negro" in confirmation.alternatives[0][0]
    alert = StockAlert.objects.get()
    alert.status = StockAlert.Status.ACTIVE
    alert.save()
    stock_receive(variant=casaca_m_negro_sold_out["sold_out"], warehouse=warehouse, quantity=1)
    services.stock_alerts_sweep()
    back = mail.outbox[-1]
    assert "Talla: M · Color: Negro" in back.subject and "Talla: M · Color: Negro" in back.body
