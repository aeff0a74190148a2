"""Latency and status of every request, labelled by the route pattern Django resolved (never the raw
path: one series per route however many products or orders there are)."""

import time

from .instruments import REQUEST_LATENCY, REQUESTS

UNMATCHED = "<unmatched>"  # no route: a 404 from the resolver, or a middleware that answered first


def route_of(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return UNMATCHED
    return "/" + (match.route or "")  # the home page's route is ""


class RouteMetricsMiddleware:
    """Second in MIDDLEWARE (after the proxy headers are settled): it times all the rest."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        try:
            response = self.get_response(request)
        except Exception:
            # Django turns a view's exception into a response before it gets here; this is the rare
            # one that escapes every handler, counted as the 500 the server will send.
            self._observe(request, started, 500)
            raise
        self._observe(request, started, response.status_code)
        return response

    @staticmethod
    def _observe(request, started: float, status: int) -> None:
        route = route_of(request)
        method = request.method if request.method in KNOWN_METHODS else "other"
        REQUEST_LATENCY.labels(route=route, method=method).observe(time.perf_counter() - started)
        REQUESTS.labels(route=route, method=method, status=f"{status // 100}xx").inc()


# A client may send any method name: only these get a series of their own.
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
