from csp.decorators import csp_exempt
from django.conf import settings
from django.http import HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_GET
from django.views.static import serve as static_serve

from .health import system_status, takes_payments
from .middleware import unavailable_response
from .ratelimit import LimiterUnavailable
from .resilience import redis_is_down


@require_GET
def favicon(request):
    """Browsers and the admin ask for /favicon.ico: the icon lives with the static files."""
    return HttpResponsePermanentRedirect(static("img/favicon.ico"))


@require_GET
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /accounts/",
        "Disallow: /search/",
        "Disallow: /cart/",
        "Disallow: /checkout/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap-index'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


@never_cache
@require_GET
def healthz(request):
    """One check per dependency (core/health.py says which failures answer 503: those that stop
    the shop from taking payments; the others answer 200 "degraded")."""
    status = system_status()
    return JsonResponse(status, status=200 if takes_payments(status) else 503, json_dumps_params={"indent": 1})


@never_cache
@require_GET
def csrf_token(request):
    """A CSRF token, and its cookie, for a page that came without one: the page every first
    visitor gets alike, which a shared cache may keep (storefront.page_cache). static/js/store.js
    asks before the shopper's first form or htmx request is sent."""
    return JsonResponse({"token": get_token(request)})


def csrf_failure(request, reason=""):
    """A form sent without a valid CSRF token: a cookie that expired or was blocked, or a first
    visit without JavaScript to fetch one. The page says so in the shopper's language and, by
    rendering the layout, sets the cookie, so sending the form again from the page works."""
    return render(request, "403_csrf.html", status=403)


def permission_denied(request, exception=None):
    """A page the user's role does not reach (a seller on a staff-only admin page, say): the store's
    own refusal, in the back office's frame with the way back to the panel for back-office users,
    in the shop's frame for everyone else; never Django's bare "403 Forbidden"."""
    from django.contrib import admin

    user = getattr(request, "user", None)
    if request.path.startswith(reverse("admin:index")) and user is not None and user.is_active and user.is_staff:
        context = {**admin.site.each_context(request), "title": _("You cannot open this page")}
        return render(request, "admin/403.html", context, status=403)
    return render(request, "403.html", status=403)


def rate_limited(request):
    """allauth's limits (login, sign-up, password reset) fail closed while Redis, where their
    counters live, is away: the shopper is told the store cannot check the request now."""
    if redis_is_down():
        return unavailable_response(request, LimiterUnavailable())
    return render(request, "429.html", status=429)


@csp_exempt()
@requires_csrf_token
def server_error(request):
    """Django's 500 page; exempt from CSP because it must render without any static file."""
    return defaults.server_error(request)


# Uploads are never rewritten in place (the storage gives a changed file a new name) and the
# image renditions are named after their source, so a browser may keep them for a month.
MEDIA_MAX_AGE = 30 * 24 * 60 * 60


def serve_media(request, path):
    """An upload, where Django serves them itself (development, tests, a local `make serve`)."""
    response = static_serve(request, path, document_root=settings.MEDIA_ROOT)
    response["Cache-Control"] = f"public, max-age={MEDIA_MAX_AGE}"
    return response
