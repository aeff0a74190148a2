"""The frame every page shares, rendered once per process for each value of its keys
(core/templatetags/layout.py): a page served from kept pieces is the page a fresh render gives,
for every shopper (guests, two customers, another language) interleaved on the same pages, and
a template that could not be kept that way does not compile."""

import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.template import Context, Engine, TemplateSyntaxError
from django.test import Client
from django.urls import reverse

from core.templatetags.layout import forget_frames
from tests.factories import CategoryFactory, ProductFactory, UserFactory, VariantFactory, stock

pytestmark = pytest.mark.django_db

ENGINE = Engine(libraries={"layout": "core.templatetags.layout"})


def render(source: str, **context) -> str:
    return ENGINE.from_string("{% load layout %}" + source).render(Context(context))


def test_the_pieces_are_kept_per_key_and_the_per_request_parts_rendered_each_time():
    source = (
        "{% layout lang %}<h1>{{ title }}</h1>{% per_request %}{{ who }}{% endper_request %}<p>{{ lang }}</p>"
        "{% endlayout %}"
    )
    template = ENGINE.from_string("{% load layout %}" + source)

    assert template.render(Context({"lang": "es", "title": "Tienda", "who": "Ana"})) == "<h1>Tienda</h1>Ana<p>es</p>"
    # The same key: the pieces are the first render's (title is not a key), the part is this one's.
    assert template.render(Context({"lang": "es", "title": "Otra", "who": "Luis"})) == "<h1>Tienda</h1>Luis<p>es</p>"
    assert template.render(Context({"lang": "en", "title": "Shop", "who": "Eve"})) == "<h1>Shop</h1>Eve<p>en</p>"


def test_a_template_compiled_again_builds_its_own_pieces():
    source = "{% layout %}{{ title }}{% endlayout %}"
    assert render(source, title="antes") == "antes"
    assert render(source, title="después") == "después"  # an edited template (a new compilation)


@pytest.mark.parametrize(
    "source, message",
    [
        ("{% layout %}{% if x %}{% per_request %}{{ y }}{% endper_request %}{% endif %}{% endlayout %}", "directly in"),
        ("{% layout %}{% block title %}{% endblock %}{% endlayout %}", "must be inside"),
    ],
)
def test_what_could_not_be_kept_does_not_compile(source, message):
    with pytest.raises(TemplateSyntaxError, match=message):
        ENGINE.from_string("{% load layout %}" + source)


def test_the_blocks_of_a_page_fill_the_per_request_parts():
    templates = {
        "frame.html": "{% load layout %}{% layout %}<title>{% per_request %}{% block title %}T{% endblock %}"
        "{% endper_request %}</title>{% endlayout %}",
        "a.html": '{% extends "frame.html" %}{% block title %}A {{ n }}{% endblock %}',
        "b.html": '{% extends "frame.html" %}',
    }
    engine = Engine(
        libraries={"layout": "core.templatetags.layout"}, loaders=[("django.template.loaders.locmem.Loader", templates)]
    )
    assert engine.get_template("a.html").render(Context({"n": 1})) == "<title>A 1</title>"
    assert engine.get_template("b.html").render(Context({})) == "<title>T</title>"
    assert engine.get_template("a.html").render(Context({"n": 2})) == "<title>A 2</title>"


# What differs between two renders of one page for one shopper: the masked CSRF tokens and the
# script nonce are new on every response.
PER_RESPONSE = re.compile(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": "|nonce=")[^"]+')


@pytest.fixture
def casaca_in_stock():
    category = CategoryFactory(name="Casacas", slug="casacas")
    product = ProductFactory(
        name="Casaca Qhapaq", slug="casaca-qhapaq", category=category, base_price=Decimal("120.00")
    )
    stock(VariantFactory(product=product, sku="QHAPAQ"), quantity=4)
    return product


def _shoppers() -> dict[str, Client]:
    english = Client()
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    ana, luis = Client(), Client()
    ana.force_login(UserFactory(email="ana@example.pe", first_name="Ana"))
    luis.force_login(UserFactory(email="luis@example.pe", first_name="Luis", is_staff=True))
    return {"guest": Client(), "ana": ana, "luis": luis, "english": english}


def _page(client, url) -> str:
    response = client.get(url, follow=True)  # a guest asking for their profile signs in first
    assert response.status_code in (200, 404), (url, response.status_code)
    return PER_RESPONSE.sub(r"\1", response.content.decode())


def test_the_footer_names_the_current_year_from_a_kept_frame(casaca_in_stock, monkeypatch):
    """The year is one of the frame's keys, not formatted on every request: a new year is a new frame."""
    from django.utils import timezone

    today = timezone.localdate()
    assert f"&copy; {today.year} " in Client().get("/").content.decode()
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: today.replace(year=today.year + 1))
    assert f"&copy; {today.year + 1} " in Client().get("/").content.decode()


def test_every_shopper_gets_from_kept_pieces_the_page_a_fresh_render_gives(casaca_in_stock):
    product = casaca_in_stock
    urls = [
        "/",
        product.category.family.get_absolute_url(),
        "/c/casacas/",
        product.get_absolute_url(),
        "/search/?q=casaca",
        reverse("cart:detail"),
        "/no-existe/",
        reverse("accounts:profile"),
        reverse("orders:lookup"),
        reverse("complaints:new"),
    ]
    shoppers = _shoppers()
    shoppers["luis"].post(reverse("cart:add"), {"sku": "QHAPAQ", "quantity": "1"})  # a count in the header
    for client in shoppers.values():
        client.get("/")  # the cookies set and the cart's message shown, as on a shopper's next page

    fresh = {}
    for name, client in shoppers.items():
        for url in urls:
            forget_frames()
            fresh[name, url] = _page(client, url)
    # Interleaved: each shopper's pages are built from the pieces another shopper's request kept.
    for url in urls:
        for name, client in shoppers.items():
            assert _page(client, url) == fresh[name, url], (name, url)

    assert "Ana" in fresh["ana", "/"] and "Ana" not in fresh["luis", "/"] + fresh["guest", "/"]
    assert 'lang="en"' in fresh["english", "/"] and 'lang="es-pe"' in fresh["guest", "/"]
