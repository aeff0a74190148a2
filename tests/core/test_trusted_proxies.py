"""Proxy headers count only from the proxies the store is told about (TRUSTED_PROXIES): a client
that says "X-Forwarded-Proto: https" or "X-Forwarded-For: <someone else>" itself is not
believed, so it can neither pass for HTTPS nor pick the address its rate limits count against."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from core.middleware import TrustedProxyMiddleware
from core.ratelimit import client_ip

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.5"


@pytest.fixture
def behind_a_proxy(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.TRUSTED_PROXIES = ["10.0.0.0/24", "::1"]


def through_the_middleware(remote_addr: str, **headers):
    seen = {}

    def view(request):
        seen.update(secure=request.is_secure(), ip=client_ip(request))
        return HttpResponse()

    TrustedProxyMiddleware(view)(RequestFactory().get("/", REMOTE_ADDR=remote_addr, **headers))
    return seen


def test_a_client_cannot_claim_https_or_another_address(behind_a_proxy):
    seen = through_the_middleware("203.0.113.9", HTTP_X_FORWARDED_PROTO="https", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert seen == {"secure": False, "ip": "203.0.113.9"}


def test_a_trusted_proxy_says_the_scheme_and_the_client(behind_a_proxy):
    seen = through_the_middleware(
        PROXY, HTTP_X_FORWARDED_PROTO="https", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.9"
    )
    # The right-most address the proxy did not add itself is the one it saw connecting.
    assert seen == {"secure": True, "ip": "203.0.113.9"}


def test_a_chain_of_trusted_proxies_is_walked_back_to_the_client(behind_a_proxy):
    seen = through_the_middleware(PROXY, HTTP_X_FORWARDED_FOR="spoofed, 203.0.113.9, 10.0.0.7")
    assert seen["ip"] == "203.0.113.9"


def test_nonsense_from_a_proxy_leaves_the_proxy_as_the_client(behind_a_proxy):
    assert through_the_middleware(PROXY, HTTP_X_FORWARDED_FOR="not-an-ip")["ip"] == PROXY
    assert through_the_middleware(PROXY)["ip"] == PROXY


def test_with_no_proxy_configured_nothing_forwarded_is_believed(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.TRUSTED_PROXIES = []
    seen = through_the_middleware("127.0.0.1", HTTP_X_FORWARDED_PROTO="https", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert seen == {"secure": False, "ip": "127.0.0.1"}


def test_https_redirect_is_not_skipped_by_a_forged_header(client, behind_a_proxy, settings):
    settings.SECURE_SSL_REDIRECT = True
    forged = client.get("/robots.txt", HTTP_X_FORWARDED_PROTO="https", REMOTE_ADDR="203.0.113.9")
    assert forged.status_code == 301 and forged["Location"].startswith("https://")
    proxied = client.get("/robots.txt", HTTP_X_FORWARDED_PROTO="https", REMOTE_ADDR=PROXY)
    assert proxied.status_code == 200
