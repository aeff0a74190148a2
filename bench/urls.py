"""The store's URLs plus the bare view that sets the ceiling of a throughput run."""

from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as store_urlpatterns


def bare(request):
    """As little as a Django view can do, through the same middleware as every page."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("__bench__/bare/", bare), *store_urlpatterns]
