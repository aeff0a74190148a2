"""Collectors run at scrape time: the store's state from the database (selectors.py) and the Celery
queues from the broker. Each one yields fresh metric families, so several web processes answering
/metrics never disagree and nothing is counted twice in multiprocess mode."""

import logging
import shutil
from collections.abc import Iterator

from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from core.heartbeats import BEAT, SWEEP_PREFIX, WORKER_PREFIX

from . import selectors

logger = logging.getLogger("tienda.monitoring")

# kombu's Redis transport keeps a queue's priority steps in lists of their own: "<queue>" for the
# default step and "<queue>\x06\x16<step>" for the others (kombu.transport.redis, PRIORITY_STEPS).
PRIORITY_STEPS = (0, 3, 6, 9)
PRIORITY_SEPARATOR = "\x06\x16"


class StoreCollector(Collector):
    """Orders, payments, receipts, webhooks, holds and heartbeats: one grouped query each."""

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("tienda_store_metrics_up", "1 when the store's database answered this scrape.")
        try:
            families = list(self._families())
        except DatabaseError as error:  # the database away: said by a metric, never a 500 here
            logger.warning("Store metrics not read: %s", error)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from families

    def _families(self) -> Iterator[Metric]:
        orders = CounterMetricFamily("tienda_orders_placed", "Orders placed, ever (rate() gives orders per second).")
        orders.add_metric([], selectors.orders_placed_count())
        yield orders

        payments = CounterMetricFamily(
            "tienda_payments_failed", "Payments declined or failed, ever, by gateway.", labels=["gateway", "status"]
        )
        for (gateway, status), total in sorted(selectors.payments_failed_by_gateway().items()):
            payments.add_metric([gateway, status], total)
        yield payments

        yield from self._receipts()
        yield from self._webhooks()

        holds = selectors.holds_active()
        yield GaugeMetricFamily("tienda_holds_active", "Stock reservations holding units now.", value=holds.count)
        yield GaugeMetricFamily("tienda_holds_active_units", "Units held by active reservations.", value=holds.units)

        heartbeats = GaugeMetricFamily(
            "tienda_heartbeat_age_seconds",
            "Seconds since each background part last showed it was alive (core/heartbeats.py).",
            labels=["kind", "name"],
        )
        for name, age in sorted(selectors.heartbeat_ages().items()):
            heartbeats.add_metric([_heartbeat_kind(name), name], age)
        yield heartbeats

        yield from _disk()

    def _receipts(self) -> Iterator[Metric]:
        summary = selectors.receipts_not_accepted_summary()
        not_accepted = GaugeMetricFamily(
            "tienda_receipts_not_accepted",
            "Receipts SUNAT has not accepted (pending, sent, exception, rejected and not re-issued).",
            labels=["kind", "status"],
        )
        for (kind, status), total in sorted(summary.by_status.items()):
            not_accepted.add_metric([kind, status], total)
        yield not_accepted
        overdue = GaugeMetricFamily(
            "tienda_receipts_overdue",
            "Receipts not accepted and past their legal term to reach SUNAT (docs/sunat.md).",
            labels=["kind"],
        )
        for kind, total in sorted(summary.overdue.items()):
            overdue.add_metric([kind], total)
        yield overdue
        age = 0.0 if summary.oldest_issued is None else (timezone.now() - summary.oldest_issued).total_seconds()
        yield GaugeMetricFamily(
            "tienda_receipts_oldest_not_accepted_age_seconds",
            "Age of the oldest receipt SUNAT has not accepted (0: none).",
            value=max(age, 0.0),
        )

    def _webhooks(self) -> Iterator[Metric]:
        backlog = selectors.webhook_backlog()
        failed = GaugeMetricFamily(
            "tienda_webhook_events_failed", "Gateway webhook events whose processing failed.", labels=["gateway"]
        )
        for gateway, total in sorted(backlog.failed.items()):
            failed.add_metric([gateway], total)
        yield failed
        waiting = GaugeMetricFamily(
            "tienda_webhook_events_waiting", "Gateway webhook events received, not processed yet.", labels=["gateway"]
        )
        oldest = GaugeMetricFamily(
            "tienda_webhook_events_oldest_waiting_age_seconds",
            "Age of the oldest webhook event not processed yet.",
            labels=["gateway"],
        )
        now = timezone.now()
        for gateway, total in sorted(backlog.waiting.items()):
            waiting.add_metric([gateway], total)
            oldest.add_metric([gateway], max((now - backlog.oldest_waiting[gateway]).total_seconds(), 0.0))
        yield waiting
        yield oldest


def _heartbeat_kind(name: str) -> str:
    if name == BEAT:
        return "beat"
    for prefix in (WORKER_PREFIX, SWEEP_PREFIX):
        if name.startswith(prefix):
            return prefix.rstrip(":")
    return "other"


def _disk() -> Iterator[Metric]:
    """Free space where the store writes its uploads (MEDIA_ROOT): the node's own disk. The database's
    and Redis's disks are watched by node_exporter on their hosts (deploy/prometheus)."""
    free = GaugeMetricFamily(
        "tienda_disk_free_ratio", "Free fraction of a volume the app writes to.", labels=["volume"]
    )
    try:
        usage = shutil.disk_usage(settings.MEDIA_ROOT)
    except OSError:
        return
    free.add_metric(["media"], usage.free / usage.total if usage.total else 0.0)
    yield free


class BrokerCollector(Collector):
    """The Celery queues' lengths, read from the Redis broker. A broker that does not answer is a
    metric (tienda_celery_broker_up 0), never an error page: /metrics is how ops see it is down."""

    def collect(self) -> Iterator[Metric]:
        broker_url = settings.CELERY_BROKER_URL
        if not broker_url.startswith(("redis://", "rediss://")):
            return  # tasks run inline (make run): there is no queue to measure
        up = GaugeMetricFamily("tienda_celery_broker_up", "1 when the Celery broker (Redis) answered this scrape.")
        depth = GaugeMetricFamily("tienda_celery_queue_length", "Tasks waiting in each Celery queue.", labels=["queue"])
        try:
            lengths = _queue_lengths(broker_url)
        except Exception as error:  # any failure of the broker is the answer itself
            logger.warning("Celery broker not reachable for metrics: %s", error)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        for queue, length in sorted(lengths.items()):
            depth.add_metric([queue], length)
        yield up
        yield depth


def _queue_lengths(broker_url: str) -> dict[str, int]:
    import redis

    queues = set(settings.METRICS_CELERY_QUEUES)
    client = redis.Redis.from_url(broker_url, socket_connect_timeout=1, socket_timeout=1)
    try:
        with client.pipeline(transaction=False) as pipe:
            for queue in sorted(queues):
                for step in PRIORITY_STEPS:
                    pipe.llen(queue if step == 0 else f"{queue}{PRIORITY_SEPARATOR}{step}")
            answers = pipe.execute()
    finally:
        client.close()
    steps = len(PRIORITY_STEPS)
    return {queue: sum(answers[i * steps : (i + 1) * steps]) for i, queue in enumerate(sorted(queues))}
