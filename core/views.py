from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from catalog.selectors import home_sections

from .health import is_healthy, system_status


@require_GET
def home(request):
    return render(request, "core/home.html", {"sections": home_sections()})


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
    status = system_status()
    healthy = is_healthy(status)
    return JsonResponse({"status": "ok" if healthy else "unavailable", **status}, status=200 if healthy else 503)
