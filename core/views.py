from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .health import is_healthy, system_status


@require_GET
def home(request):
    return render(request, "core/home.html")


@never_cache
@require_GET
def healthz(request):
    status = system_status()
    healthy = is_healthy(status)
    return JsonResponse({"status": "ok" if healthy else "unavailable", **status}, status=200 if healthy else 503)
