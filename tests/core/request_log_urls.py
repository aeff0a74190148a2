"""A page that fails, for the Sentry test (tests/core/test_request_log.py)."""

from django.urls import path


def boom(request):
    raise RuntimeError("boom")


urlpatterns = [path("boom/", boom)]
