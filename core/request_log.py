"""Logs that follow a request: one JSON line per request, and its request id carried into Celery
tasks, gateway log rows, e-mails and Sentry.

The id itself is django-guid's (middleware `django_guid.middleware.guid_middleware`): it takes
`X-Request-ID` from the proxy (nginx sets `$request_id`, 32 hex digits) when that is a valid UUID,
and makes a new one otherwise (too long, newlines, anything but hex digits and dashes), keeps it in a
contextvar and returns it in the response's `X-Request-ID`. django-guid's own Celery integration is
not used: its task_postrun clears the id, which would wipe the page's own id after a task run inline
(eager in `make run` and tests, or with the broker away); the three small hooks below restore the
previous id instead. Its Sentry integration sets the tag on a throw-away scope, so the tag is set
here, on the request's own scope.
"""

import logging
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.http import HttpRequest, HttpResponse
from django.utils.module_loading import import_string
from django_guid import get_guid, set_guid
from django_guid.utils import generate_guid

HEADER = "X-Request-ID"
access_logger = logging.getLogger("tienda.access")


def request_route(request: HttpRequest) -> str:
    """The URL pattern that answered (`producto/<slug:slug>/`), never the raw path with its ids; the
    view's name when the route is empty, "-" when nothing matched (a 404)."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "-"
    return match.route or match.view_name or "-"


def _signed_in_user_id(request: HttpRequest) -> int | None:
    # Only a user the request already loaded (AuthenticationMiddleware caches it when anything looked):
    # logging must not cost a session read on a static file or a health probe.
    user = getattr(request, "_cached_user", None)
    return user.pk if user is not None and user.is_authenticated else None


class AccessLogMiddleware:
    """One log line per request on `tienda.access`: method, route pattern, status, duration, request
    id, user id; the client's address only when LOG_CLIENT_IP is on. Nothing else of the request (no
    path, query string, form or header) so no personal data reaches the logs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        _tag_sentry(get_guid())
        response = self.get_response(request)
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        fields: dict[str, Any] = {
            "method": request.method,
            "route": request_route(request),
            "status": response.status_code,
            "duration_ms": duration_ms,
            "user_id": _signed_in_user_id(request),
        }
        if settings.LOG_CLIENT_IP:
            fields["client_ip"] = request.META.get("REMOTE_ADDR", "")
        access_logger.info(
            "%s %s %s %.1fms", fields["method"], fields["route"], fields["status"], duration_ms, extra=fields
        )
        return response


def _tag_sentry(request_id: str | None) -> None:
    if request_id and getattr(settings, "SENTRY_DSN", ""):
        import sentry_sdk

        sentry_sdk.set_tag("request_id", request_id)


# --- Celery: the id travels as a message header ---------------------------------------------------


def task_publish_add_request_id(headers: dict[str, Any], **kwargs: Any) -> None:
    """before_task_publish: the current id (a page's or a task's) goes with the message."""
    request_id = get_guid()
    if request_id:
        headers[HEADER] = request_id


def task_prerun_restore_request_id(task: Any, **kwargs: Any) -> None:
    """task_prerun: the id from the message's headers (a worker puts custom headers on the request;
    an inline run keeps them under `headers`); an inline run without one keeps the caller's id."""
    request = task.request
    request_id = request.get(HEADER) or (request.get("headers") or {}).get(HEADER) or get_guid() or generate_guid()
    request.request_id_before = get_guid()
    set_guid(request_id)
    _tag_sentry(request_id)


def task_postrun_reset_request_id(task: Any, **kwargs: Any) -> None:
    """task_postrun: back to the id before the task (the page's, for a task run inline)."""
    set_guid(getattr(task.request, "request_id_before", None))  # type: ignore[arg-type]


def worker_logging_add_request_id(logger: logging.Logger, **kwargs: Any) -> None:
    """after_setup_logger: a worker's own handlers (Celery replaces the root's) carry the request id,
    and write JSON when LOG_FORMAT says so, like the web's."""
    from django_guid.log_filters import CorrelationId

    for handler in logger.handlers:
        handler.addFilter(CorrelationId(correlation_id_field="request_id"))
        if settings.LOG_FORMAT == "json":
            handler.setFormatter(json_formatter())


def json_formatter() -> logging.Formatter:
    """The JSON formatter as LOGGING configures it (for handlers made outside dictConfig)."""
    from pythonjsonlogger.json import JsonFormatter

    options = settings.LOGGING["formatters"]["json"]
    return JsonFormatter(**{key: value for key, value in options.items() if key != "()"})


def connect_celery_signals() -> None:
    from celery.signals import (
        after_setup_logger,
        after_setup_task_logger,
        before_task_publish,
        task_postrun,
        task_prerun,
    )

    after_setup_logger.connect(worker_logging_add_request_id, dispatch_uid="core.request_log.logger", weak=False)
    after_setup_task_logger.connect(worker_logging_add_request_id, dispatch_uid="core.request_log.tlogger", weak=False)

    before_task_publish.connect(task_publish_add_request_id, dispatch_uid="core.request_log.publish", weak=False)
    task_prerun.connect(task_prerun_restore_request_id, dispatch_uid="core.request_log.prerun", weak=False)
    task_postrun.connect(task_postrun_reset_request_id, dispatch_uid="core.request_log.postrun", weak=False)


# --- E-mail ------------------------------------------------------------------------------------


class RequestIdEmailBackend(BaseEmailBackend):
    """Every e-mail leaves with the request id of the page or task that sent it (`X-Request-ID`
    header), then goes through the delivery backend (EMAIL_DELIVERY_BACKEND: SMTP, console, locmem).
    The one place all the store's e-mails pass, whichever app writes them."""

    def __init__(self, fail_silently: bool = False, **kwargs: Any) -> None:
        super().__init__(fail_silently=fail_silently)
        self.delivery = import_string(settings.EMAIL_DELIVERY_BACKEND)(fail_silently=fail_silently, **kwargs)

    def open(self) -> Any:
        return self.delivery.open()

    def close(self) -> None:
        self.delivery.close()

    def send_messages(self, email_messages: Any) -> int:
        request_id = get_guid()
        if request_id:
            for message in email_messages:
                message.extra_headers.setdefault(HEADER, request_id)
        return self.delivery.send_messages(email_messages)
