# Read by every gunicorn started from the repository's root (make serve, the image, scripts/cluster,
# the benches): settings that hold wherever gunicorn runs; the rest stays on each command line.

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


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    if _OWN_METRICS_FOLDER:  # the folder this file chose goes with its gunicorn; one set outside stays
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
