"""core.fixed_urls: a URL name without arguments reversed once per URLconf and script prefix, as
reverse() gives it, for the frame's per-request parts and the second-factor check."""

import pytest
from django.template import engines
from django.urls import NoReverseMatch, get_script_prefix, path, reverse, set_script_prefix, set_urlconf

from core import fixed_urls
from core.fixed_urls import reverse_fixed

# Another URLconf, for a request routed by its own (request.urlconf): its names are its own.
urlpatterns = [path("inicio/", lambda request: None, name="inicio")]


@pytest.fixture
def script_prefix():
    before = get_script_prefix()
    yield set_script_prefix
    set_script_prefix(before)


@pytest.mark.parametrize("name", ["storefront:home", "favourites:toggle", "admin:index", "cart:detail"])
def test_the_address_is_the_one_reverse_gives(name):
    assert reverse_fixed(name) == reverse(name)


def test_reversed_once_per_name(monkeypatch):
    calls = []
    monkeypatch.setattr(fixed_urls, "reverse", lambda name, urlconf: calls.append(name) or f"/{name}/")
    fixed_urls._reversed.cache_clear()
    try:
        assert [reverse_fixed("cart:detail") for _ in range(3)] == ["/cart:detail/"] * 3
        assert calls == ["cart:detail"]
    finally:
        fixed_urls._reversed.cache_clear()


def test_another_script_prefix_or_urlconf_is_another_address(script_prefix):
    home = reverse_fixed("storefront:home")
    script_prefix("/tienda/")
    assert reverse_fixed("storefront:home") == "/tienda" + home == reverse("storefront:home")
    script_prefix("/")
    with pytest.raises(NoReverseMatch):
        reverse_fixed("inicio")
    set_urlconf(__name__)
    try:
        assert reverse_fixed("inicio") == "/inicio/"
    finally:
        set_urlconf(None)
    assert reverse_fixed("storefront:home") == home


def test_the_template_tag_escapes_as_url_does():
    template = engines["django"].from_string("{% load fixed_urls %}<a href=\"{% fixed_url 'cart:detail' %}\">")
    assert template.render({}) == f'<a href="{reverse("cart:detail")}">'
