"""Request guards that hold for every page: control characters are bad input (400), a part
that is away for a moment is a 503 page (never a 500), and every browser gets a device cookie
so fair-use limits can tell clients apart."""

import gzip
import ipaddress
import re
import secrets
from dataclasses import asdict
from functools import lru_cache

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpResponse
from django.middleware.gzip import GZipMiddleware as DjangoGZipMiddleware
from django.middleware.gzip import re_accepts_gzip
from django.middleware.http import ConditionalGetMiddleware as DjangoConditionalGetMiddleware
from django.shortcuts import render
from django.utils.cache import cc_delim_re, patch_vary_headers
from django.utils.translation import gettext as _

from .resilience import ServiceUnavailable

# C0 controls other than tab, line feed and carriage return, and DEL: no form field takes
# them and PostgreSQL refuses NUL outright.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
DEVICE_COOKIE = "kd"
DEVICE_COOKIE_AGE = 60 * 60 * 24 * 365


def has_control_characters(query_dict) -> bool:
    return any(
        CONTROL_CHARACTERS.search(key) or any(CONTROL_CHARACTERS.search(value) for value in values)
        for key, values in query_dict.lists()
    )


def bad_input_response(request):
    return render(
        request, "400.html", {"reason": _("The request contains characters that are not allowed.")}, status=400
    )


def unavailable_response(request, error: ServiceUnavailable):
    response = render(request, "503.html", {"reason": str(error)}, status=503)
    response["Retry-After"] = str(error.retry_after)
    # The outage itself is logged once (core.resilience), not each page; Django reads this private flag.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


# What a client may claim about itself only through a proxy the store trusts.
FORWARDED_HEADERS = (
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_X_REAL_IP",
    "HTTP_FORWARDED",
)


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(proxy.strip(), strict=False) for proxy in proxies if proxy.strip())


def _address(text: str):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


class TrustedProxyMiddleware:
    """Proxy headers are believed only from the proxies in TRUSTED_PROXIES (addresses or networks).

    From such a proxy, X-Forwarded-For is read right to left past the proxies' own addresses:
    the first other address is the client, and becomes REMOTE_ADDR (what the rate limits and
    hold caps count by); X-Forwarded-Proto stays for SECURE_PROXY_SSL_HEADER. From anyone else
    every forwarded header is dropped, so a client cannot pass for HTTPS or for another address.
    First in MIDDLEWARE: the HTTPS redirect and everything after it see the cleaned request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        networks = _networks(tuple(settings.TRUSTED_PROXIES))
        meta = request.META

        def trusted(address) -> bool:
            return address is not None and any(address in network for network in networks)

        if trusted(_address(meta.get("REMOTE_ADDR", ""))):
            for hop in reversed(meta.get("HTTP_X_FORWARDED_FOR", "").split(",")):
                address = _address(hop)
                if address is None:
                    break  # garbage: keep the proxy's own address rather than guess
                if not trusted(address):
                    meta["REMOTE_ADDR"] = str(address)
                    break
        else:
            ssl_header = (getattr(settings, "SECURE_PROXY_SSL_HEADER", None) or ("",))[0]
            for name in (*FORWARDED_HEADERS, ssl_header):
                meta.pop(name, None)
        return self.get_response(request)


class ControlCharactersMiddleware:
    """The path (decoded: %00 is a NUL) and every GET and POST parameter (names and values, text
    fields of uploads included) are refused with a 400 when they carry a control character: one
    guard for every URL and form, before a view hands the text to the database."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            CONTROL_CHARACTERS.search(request.path)
            or has_control_characters(request.GET)
            or (request.method == "POST" and has_control_characters(request.POST))
        ):
            return bad_input_response(request)
        return self.get_response(request)


class ServiceUnavailableMiddleware:
    """A ServiceUnavailable raised by a view (the cart store while Redis is away, a rate limit
    that must fail closed) becomes the 503 page with Retry-After."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, ServiceUnavailable):
            return unavailable_response(request, exception)
        return None


class DeviceCookieMiddleware:
    """A random, signed, long-lived browser id (request.device_id): with the client IP it is
    how hold caps and add-to-cart limits tell one client from another across carts."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        device = request.get_signed_cookie(DEVICE_COOKIE, default="", salt="device")
        request.device_id = device or secrets.token_urlsafe(16)
        response = self.get_response(request)
        # A response a shared cache may keep is everyone's: it must not hand this browser's id to others.
        if not device and "public" not in cc_delim_re.split(response.get("Cache-Control", "")):
            response.set_signed_cookie(
                DEVICE_COOKIE,
                request.device_id,
                salt="device",
                max_age=DEVICE_COOKIE_AGE,
                httponly=True,
                secure=settings.SESSION_COOKIE_SECURE,
                samesite="Lax",
            )
        return response


class GZipMiddleware(DjangoGZipMiddleware):
    """Django's, with a page compressed at level 3 instead of 6: the home page's 64 KB in 0.25 ms
    instead of 0.54 (its search page's 92 KB: 0.27 against 0.65), for 13 % more bytes (10.1 against
    8.9 KB, a few milliseconds on a phone's 4G). That was a quarter of a rendered page's CPU for every
    browser, which always asks for gzip. Each response keeps Django's random padding against BREACH;
    a streamed one goes through Django's own (level 6)."""

    compress_level = 3

    def process_response(self, request, response):
        if response.streaming:
            return super().process_response(request, response)
        content = response.content
        if len(content) < 200 or response.has_header("Content-Encoding"):
            return response
        patch_vary_headers(response, ("Accept-Encoding",))
        if not re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
            return response
        compressed = gzip.compress(content, compresslevel=self.compress_level, mtime=0)
        # Django's padding (django.utils.text.compress_string): a file name of 0-99 bytes in the header.
        padding = b"a" * secrets.randbelow(self.max_random_bytes) + b"\x00"
        compressed = compressed[:3] + bytes([gzip.FNAME]) + compressed[4:10] + padding + compressed[10:]
        if len(compressed) >= len(content):
            return response
        response.content = compressed
        response.headers["Content-Length"] = str(len(compressed))
        etag = response.get("ETag")
        if etag and etag.startswith('"'):
            response.headers["ETag"] = "W/" + etag
        response.headers["Content-Encoding"] = "gzip"
        return response


class ConditionalGetMiddleware(DjangoConditionalGetMiddleware):
    """Django's, without hashing a body no validator can match: a response without an ETag of its
    own whose page took a CSRF token (masked anew for every response; CsrfViewMiddleware then sets
    its cookie on the response) never matches again, so its MD5 (0.1 ms and more for a 60 KB page,
    on every render) bought nothing. The page cache's entries carry an ETag computed before their
    tokens are masked (storefront.page_cache) and still get 304s."""

    def process_response(self, request, response):
        if (
            settings.CSRF_COOKIE_NAME in response.cookies
            and not response.has_header("ETag")
            and not response.has_header("Last-Modified")
        ):
            return response
        return super().process_response(request, response)


class CSPMiddleware(DjangoCSPMiddleware):
    """django-csp's, with the policy of a response that changes nothing of it built once: django-csp
    builds it anew for every response (its parts deep-copied into a dict, the directives joined), about
    a tenth of a millisecond of every page's CPU. A response that took a nonce, carries a view's own
    policy (csp_update and the like), is exempt, or already has the header goes through django-csp as
    it is."""

    PER_RESPONSE = tuple(
        f"{name}{suffix}"
        for name in ("_csp_config", "_csp_update", "_csp_replace", "_csp_exempt")
        for suffix in ("", "_ro")
    )

    def process_response(self, request, response):
        if (
            getattr(request, "_csp_nonce", None) is not None
            or any(hasattr(response, name) for name in self.PER_RESPONSE)
            or HEADER in response
            or HEADER_REPORT_ONLY in response
            or (settings.DEBUG and response.status_code in (404, 500))  # django-csp leaves debug pages alone
        ):
            return super().process_response(request, response)
        for name, (value, excluded_prefixes) in (_constant_csp_headers or self._constant_headers(request)).items():
            if value and not request.path_info.startswith(excluded_prefixes):
                response[name] = value
        # As django-csp does: a nonce asked for once the header is written fails loudly.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response

    def _constant_headers(self, request) -> dict[str, tuple[str, tuple[str, ...]]]:
        """As django-csp builds them for a response of nothing but the settings, each with the paths
        the policy leaves out."""
        blank = HttpResponse()
        parts, parts_ro = (
            asdict(self.get_policy_parts(request=request, response=blank, report_only=ro)) for ro in (False, True)
        )
        _constant_csp_headers.update(
            {
                HEADER: (build_policy(**parts), _excluded_prefixes("CONTENT_SECURITY_POLICY")),
                HEADER_REPORT_ONLY: (
                    build_policy(**parts_ro, report_only=True),
                    _excluded_prefixes("CONTENT_SECURITY_POLICY_REPORT_ONLY"),
                ),
            }
        )
        return _constant_csp_headers


# The headers of a response that changes nothing of the policy: built on the first such response, again
# after a change of the policy's settings (a test's; a running store's never change).
_constant_csp_headers: dict[str, tuple[str, tuple[str, ...]]] = {}


@receiver(setting_changed)
def _forget_constant_csp_headers(*, setting: str, **kwargs) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _constant_csp_headers.clear()


def _excluded_prefixes(setting: str) -> tuple[str, ...]:
    return tuple((getattr(settings, setting, None) or {}).get("EXCLUDE_URL_PREFIXES", None) or ())
