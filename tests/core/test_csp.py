"""The Content-Security-Policy header (core.middleware.CSPMiddleware): django-csp's, built once for
the responses that change nothing of it. Each case is compared with what django-csp itself sends."""

import pytest
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
from django.http import HttpResponse
from django.test import RequestFactory

from core.middleware import CSPMiddleware

pytestmark = pytest.mark.django_db


def _both(view, path: str = "/") -> tuple[HttpResponse, HttpResponse]:
    """The response of `view` through the store's middleware and through django-csp's."""
    answers = []
    for middleware in (CSPMiddleware, DjangoCSPMiddleware):
        request = RequestFactory().get(path)
        answers.append(middleware(view)(request))
    return answers[0], answers[1]


def test_a_page_that_takes_no_nonce_gets_django_csp_s_header_twice_over():
    ours, theirs = _both(lambda request: HttpResponse("hola"))
    assert ours["Content-Security-Policy"] == theirs["Content-Security-Policy"]
    assert "'nonce-" not in ours["Content-Security-Policy"]
    again, _ = _both(lambda request: HttpResponse("hola"))  # from the memo now
    assert again["Content-Security-Policy"] == theirs["Content-Security-Policy"]


def test_a_page_that_takes_a_nonce_gets_its_own_in_the_header():
    def view(request):
        return HttpResponse(f'<script nonce="{request.csp_nonce}"></script>')

    for _ in range(2):
        ours, _theirs = _both(view)
        nonce = ours.content.decode().split('nonce="')[1].split('"')[0]
        assert f"'nonce-{nonce}'" in ours["Content-Security-Policy"]


def test_a_view_s_own_policy_and_an_exemption_are_kept():
    from csp.decorators import csp_exempt, csp_update

    updated = csp_update({"frame-src": ["https://3ds.culqi.com"]})(lambda request: HttpResponse("pago"))
    ours, theirs = _both(updated)
    assert "https://3ds.culqi.com" in ours["Content-Security-Policy"]
    assert ours["Content-Security-Policy"] == theirs["Content-Security-Policy"]
    exempt = csp_exempt()(lambda request: HttpResponse("libre"))
    ours, theirs = _both(exempt)
    assert "Content-Security-Policy" not in ours and "Content-Security-Policy" not in theirs


def test_a_changed_policy_setting_is_sent_at_once(settings):
    _both(lambda request: HttpResponse("hola"))
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'self'"], "img-src": ["https:"]}}
    ours, theirs = _both(lambda request: HttpResponse("hola"))
    assert ours["Content-Security-Policy"] == theirs["Content-Security-Policy"]
    assert sorted(ours["Content-Security-Policy"].split("; ")) == ["default-src 'self'", "img-src https:"]


def test_a_nonce_asked_for_after_the_header_is_written_fails_loudly():
    from csp.exceptions import CSPNonceError

    request = RequestFactory().get("/")
    CSPMiddleware(lambda request: HttpResponse("hola"))(request)
    with pytest.raises(CSPNonceError):
        str(request.csp_nonce)
