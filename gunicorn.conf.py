# Read by every gunicorn started from the repository's root (make serve, the image, scripts/cluster,
# the benches): settings that hold wherever gunicorn runs; the rest stays on each command line.

import gc
import os
import shutil
import tempfile

# Behind nginx, a connection to a node is reused for many requests. The node must not be the side
# that closes an idle one: nginx could send the next request on it at the same instant and get a
# reset, answered as a 502 for a POST (never retried). So a node keeps idle connections longer than
# nginx does (its upstream keepalive_timeout, 60 s in deploy/nginx). Sync workers ignore it.
keepalive = 75

# /metrics with several workers: prometheus-client's multiprocess mode. Each worker writes its counters
# to files in PROMETHEUS_MULTIPROC_DIR and whichever worker answers a scrape adds them all up
# (monitoring/views.py). The folder is emptied when gunicorn starts (a restart starts the counters
# again, which rate() handles) and a dead worker's live gauges are dropped.
_OWN_METRICS_FOLDER = "PROMETHEUS_MULTIPROC_DIR" not in os.environ
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", os.path.join(tempfile.gettempdir(), f"tienda-metrics-{os.getpid()}"))


def on_starting(server):
    folder = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder, exist_ok=True)


# A worker's garbage collector. CPython's full pass walks every object the collector tracks: a warm worker
# holds about 245,000 (Django, the apps, compiled templates, process caches), and a pass every few hundred
# requests took 550-800 ms on a slow machine, a stall for every request waiting on that worker. What the
# worker loads and what its first requests warm live as long as the worker: frozen (gc.freeze), full passes
# walk only what came after. Reference counting frees everything as before; only a cycle among the frozen
# objects that became garbage would stay, and the frozen set is what a warm worker holds, not a growing one.
# Here, not in the project's modules: the ceiling of the throughput bench is served with this file too,
# from its own folder (docs/performance.md).
WARM_AFTER_REQUESTS = 200  # its templates compiled, its URL resolvers and process caches filled
_requests_served = 0


def post_worker_init(worker):
    # Before the first request: the full collection first (no garbage frozen) keeps no one waiting.
    gc.collect()
    gc.freeze()


def post_request(worker, req, environ, resp):
    global _requests_served
    _requests_served += 1
    if _requests_served == WARM_AFTER_REQUESTS:
        # Between two requests: the young generations only (a full pass here would be the stall this
        # avoids); older garbage there is now stays frozen, once, with what the warm-up made.
        gc.collect(1)
        gc.freeze()


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    if _OWN_METRICS_FOLDER:  # the folder this file chose goes with its gunicorn; one set outside stays
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
