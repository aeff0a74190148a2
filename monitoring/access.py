"""Who may read /metrics: a scraper inside (METRICS_ALLOWED_NETWORKS, addresses or networks) that
reached the node directly, or anyone presenting METRICS_TOKEN as a bearer token. A request that came
through the proxy (it sets X-Forwarded-For, kept by core.middleware.TrustedProxyMiddleware only from
TRUSTED_PROXIES) is from outside whatever its address: deploy/nginx refuses /metrics as well."""

import hmac
import ipaddress
from functools import lru_cache

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip())


def _token_matches(request) -> bool:
    expected = settings.METRICS_TOKEN
    scheme, _, given = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    if not expected or scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode(), expected.encode())


def _from_inside(request) -> bool:
    if request.META.get("HTTP_X_FORWARDED_FOR"):
        return False
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in network for network in _networks(tuple(settings.METRICS_ALLOWED_NETWORKS)))


def metrics_allowed(request) -> bool:
    return _token_matches(request) or _from_inside(request)
