"""The store's absolute addresses (sitemap <loc>s, robots.txt, the product's canonical link and
og:url) are on the host and scheme that serve the page, whatever SITE_DOMAIN says (that one is for
e-mails and jobs, which have no request); a host ALLOWED_HOSTS does not list gets no page."""

import re

import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.shop("storefront")]

LOC = re.compile(r"<loc>(.*?)</loc>")
HOSTS = [
    ("tienda.kallpa.pe", False, "http://tienda.kallpa.pe"),
    ("tienda.kallpa.pe", True, "https://tienda.kallpa.pe"),
    ("localhost:8100", False, "http://localhost:8100"),
]


@pytest.fixture(autouse=True)
def _elsewhere(settings):
    settings.SITE_DOMAIN = "127.0.0.1:8000"
    settings.ALLOWED_HOSTS = ["tienda.kallpa.pe", "localhost"]


def _get(client, path, host, secure):
    response = client.get(path, HTTP_HOST=host, secure=secure)
    assert response.status_code == 200, path
    return response.content.decode()


@pytest.mark.parametrize(("host", "secure", "origin"), HOSTS)
def test_the_sitemaps_are_on_the_serving_host(client, shop, host, secure, origin):
    sections = LOC.findall(_get(client, "/sitemap.xml", host, secure))
    assert f"{origin}/sitemap-products.xml" in sections

    pages = [
        loc for section in sections for loc in LOC.findall(_get(client, section.removeprefix(origin), host, secure))
    ]
    assert f"{origin}/p/hoodie-basico/" in pages and f"{origin}/c/hoodies/" in pages
    assert all(loc.startswith(f"{origin}/") for loc in pages)


@pytest.mark.parametrize(("host", "secure", "origin"), HOSTS)
def test_the_product_page_and_robots_txt_too(client, shop, host, secure, origin):
    page = _get(client, "/p/hoodie-basico/", host, secure)
    assert f'<link rel="canonical" href="{origin}/p/hoodie-basico/">' in page
    assert f'<meta property="og:url" content="{origin}/p/hoodie-basico/">' in page
    assert "127.0.0.1:8000" not in page

    assert f"Sitemap: {origin}/sitemap.xml" in _get(client, "/robots.txt", host, secure)


def test_a_host_not_allowed_gets_no_sitemap(client, shop):
    assert client.get("/sitemap.xml", HTTP_HOST="evil.example").status_code == 400
