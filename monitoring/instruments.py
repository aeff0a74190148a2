"""The metrics this process counts as things happen: requests per route and Celery tasks. Everything
else /metrics shows is read from the database or the broker at scrape time (collectors.py).

Under gunicorn (several worker processes) and Celery's prefork pool, PROMETHEUS_MULTIPROC_DIR is set
before this module is imported (gunicorn.conf.py, the worker's environment): prometheus-client then
keeps each process's values in files there and /metrics adds them up (views.py)."""

from prometheus_client import Counter, Histogram

# Route patterns ("products/<slug:slug>/"), never raw paths: one series per route, not per product.
REQUEST_LATENCY = Histogram(
    "tienda_http_request_duration_seconds",
    "Time to answer a request, by route pattern and method.",
    ["route", "method"],
    buckets=(0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
REQUESTS = Counter(
    "tienda_http_requests",
    "Requests answered, by route pattern, method and status class (2xx, 3xx, 4xx, 5xx).",
    ["route", "method", "status"],
)
TASKS_FAILED = Counter(
    "tienda_celery_tasks_failed",
    "Celery tasks that raised (after their own retries), by task name.",
    ["task"],
)
TASKS_RETRIED = Counter(
    "tienda_celery_tasks_retried",
    "Celery task retries scheduled, by task name.",
    ["task"],
)
