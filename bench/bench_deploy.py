"""A deploy under load (issue 49): a cluster of the bench's own (scripts/cluster: nginx, two
gunicorn nodes, pgbouncer, PostgreSQL primary and replica, Redis, a worker) on ports of its own,
four shoppers browsing and buying through nginx (tests/cluster/deploy_load.py) while `scripts/cluster
deploy` migrates and replaces the worker and both nodes. Figures: the requests sent during the
deploy, those that failed (no answer, a 5xx, a purchase step answered wrongly), the orders placed,
and the deploy's seconds. The cluster is started and stopped around the measure; its start (a few
minutes on a busy 2-core machine: every migration on a fresh database) is not measured.

`python -m bench deploy` runs it; inside the cluster the measure runs as `python -m bench.bench_deploy
inside`, with the cluster's variables (scripts/cluster run)."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PORT = int(os.environ.get("BENCH_CLUSTER_PORT", "7460"))  # 7460-7466: apart from a developer's cluster (7400)


def run():
    if not all(os.path.exists(tool) for tool in ("/usr/sbin/nginx", "/usr/sbin/pgbouncer")):
        yield {"name": "skipped", "value": "nginx or pgbouncer is not installed (make cluster-deps)", "unit": ""}
        return
    folder = tempfile.mkdtemp(prefix="bench-deploy-")
    env = {
        **os.environ,
        "CLUSTER_DIR": folder,
        "CLUSTER_PORT": str(PORT),
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
    }
    try:
        done = subprocess.run(
            [str(ROOT / "scripts" / "cluster"), "run", "--", sys.executable, "-m", "bench.bench_deploy", "inside"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=1800,
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    figures = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not figures:
        raise RuntimeError(f"the deploy bench failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    yield from figures


def _inside() -> None:
    import django

    django.setup()
    from tests.cluster.deploy_load import shop_for_the_load, under_load

    def deploy() -> None:
        subprocess.run([str(ROOT / "scripts" / "cluster"), "deploy"], check=True, stdout=sys.stderr, timeout=900)

    tally, seconds = under_load(os.environ["CLUSTER_URL"], shop_for_the_load(), deploy)
    for failure in tally.failures:
        print(failure, file=sys.stderr)
    for name, value, unit in (
        ("requests", tally.requests, "count"),
        ("failed", tally.failed, "count"),
        ("orders", tally.orders, "count"),
        ("seconds", round(seconds, 1), "s"),
    ):
        print(json.dumps({"name": name, "value": value, "unit": unit}), flush=True)


if __name__ == "__main__" and sys.argv[1:] == ["inside"]:
    _inside()
