"""/metrics as production serves it: real gunicorn workers (gunicorn.conf.py's multiprocess mode) behind
real nginx (deploy/nginx/tienda.conf.template). Through nginx /metrics does not exist; straight to the
node it answers, and every worker's counts add up whichever worker answers the scrape."""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.servers import free_port, wait_until_answering

ROOT = Path(__file__).resolve().parents[2]
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
WORKERS = 2


def get(url: str, **headers: str) -> tuple[int, str]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture(scope="module")
def served():
    assert os.path.exists(NGINX), "nginx is missing: `make cluster-deps` installs nginx-light"
    folder = Path(tempfile.mkdtemp(prefix="tienda-metrics-served-"))
    folder.chmod(0o777)
    node_port, nginx_port = free_port(), free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        # The database is not needed to serve these: an empty SQLite file of this test's own.
        "DATABASE_URL": f"sqlite:///{folder}/empty.sqlite3",
        "PROMETHEUS_MULTIPROC_DIR": str(folder / "prometheus"),
        "TRUSTED_PROXIES": "127.0.0.1",
    }
    gunicorn_log = folder / "gunicorn.log"
    gunicorn = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "config.wsgi:application",
         "--bind", f"127.0.0.1:{node_port}", "--workers", str(WORKERS),
         # A worker still importing Django on a busy machine is not killed for it (gunicorn's 30 s).
         "--timeout", "120"],
        cwd=ROOT, env=env, stdout=gunicorn_log.open("w"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    conf = (ROOT / "deploy" / "nginx" / "tienda.conf.template").read_text()
    for token, value in {
        "@WEB_SERVERS@": f"server 127.0.0.1:{node_port};",
        "@LISTEN@": f"127.0.0.1:{nginx_port}",
        "@STATIC_ROOT@": str(folder),
        "@MEDIA_ROOT@": str(folder),
        "@EXTRA@": "",
    }.items():
        conf = conf.replace(token, value)
    (folder / "tienda.conf").write_text(conf)
    temp = folder / "tmp"
    temp.mkdir(mode=0o777)
    (folder / "nginx.conf").write_text(
        f"worker_processes 1; pid {folder}/nginx.pid; error_log {folder}/nginx-error.log;\n"
        "events { worker_connections 64; }\n"
        f"http {{ access_log off; client_body_temp_path {temp}/body; proxy_temp_path {temp}/proxy;\n"
        f"fastcgi_temp_path {temp}/fastcgi; uwsgi_temp_path {temp}/uwsgi; scgi_temp_path {temp}/scgi;\n"
        f"include {folder}/tienda.conf; }}\n"
    )
    nginx_log = folder / "nginx-error.log"
    nginx = subprocess.Popen(
        [NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-e", str(nginx_log), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        wait_until_answering(f"http://127.0.0.1:{node_port}/robots.txt", gunicorn, gunicorn_log)
        wait_until_answering(f"http://127.0.0.1:{nginx_port}/robots.txt", nginx, nginx_log)
        yield {"node": f"http://127.0.0.1:{node_port}", "nginx": f"http://127.0.0.1:{nginx_port}", "log": gunicorn_log}
    finally:
        for process in (nginx, gunicorn):
            process.send_signal(signal.SIGINT)  # both: a quick shutdown, nothing to finish here
        for process in (nginx, gunicorn):
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.parametrize("path", ["/metrics", "/metrics/", "/metrics/x", "/metrics?format=text"])
def test_nginx_refuses_metrics_from_outside(served, path):
    status, body = get(served["nginx"] + path)
    assert status == 404
    assert "tienda_" not in body


def test_nginx_still_serves_the_shop(served):
    assert get(served["nginx"] + "/robots.txt")[0] == 200


def test_the_node_refuses_a_request_the_proxy_forwarded(served):
    """Even if nginx's block were lost, the node refuses what came through a proxy."""
    status, body = get(served["node"] + "/metrics", **{"X-Forwarded-For": "203.0.113.7"})
    assert status == 403 and "tienda_" not in body


def requests_counted(body: str) -> float:
    return sum(
        sample.value
        for family in text_string_to_metric_families(body)
        for sample in family.samples
        if sample.name == "tienda_http_requests_total" and sample.labels["route"] == "/robots.txt"
    )


def test_every_workers_counts_add_up_whichever_answers(served):
    before = requests_counted(get(served["node"] + "/metrics")[1])
    for _ in range(40):
        assert get(served["node"] + "/robots.txt")[0] == 200
    # Several scrapes, likely answered by different workers: each sees all 40.
    answers = [requests_counted(get(served["node"] + "/metrics")[1]) for _ in range(6)]
    assert set(answers) == {before + 40}, (before, answers, served["log"].read_text()[-3000:])


def test_a_database_away_is_a_metric_not_an_error_page(served):
    status, body = get(served["node"] + "/metrics")
    assert status == 200
    assert "tienda_store_metrics_up 0.0" in body
