"""The request id as production makes it: real nginx (deploy/nginx/tienda.conf.template) gives every
request its $request_id, replacing the client's; a real gunicorn node (production's JSON log lines)
logs under it and returns it; nginx's access line carries it too, without the client's address or
the query string."""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.servers import free_port, wait_until_answering

ROOT = Path(__file__).resolve().parents[2]
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


@pytest.fixture
def proxied(tmp_path):
    if not os.path.exists(NGINX):
        pytest.fail("nginx is missing: `make cluster-deps` installs nginx-light")
    folder = Path(tempfile.mkdtemp(prefix="tienda-request-id-"))
    folder.chmod(0o777)
    node, front = free_port(), free_port()
    node_log = folder / "node.log"
    gunicorn = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "config.wsgi:application"]
        + ["--bind", f"127.0.0.1:{node}", "--workers", "1"],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": f"sqlite:///{folder}/empty.sqlite3",  # robots.txt needs no table
            "PROMETHEUS_MULTIPROC_DIR": str(folder / "prometheus"),
            "TRUSTED_PROXIES": "127.0.0.1",
            "LOG_FORMAT": "json",
        },
        stdout=node_log.open("w"),
        stderr=subprocess.STDOUT,
    )
    server = (ROOT / "deploy" / "nginx" / "tienda.conf.template").read_text()
    for token, value in {"@WEB_SERVERS@": f"server 127.0.0.1:{node};", "@LISTEN@": f"127.0.0.1:{front}"}.items():
        server = server.replace(token, value)
    server = server.replace("@STATIC_ROOT@", str(folder)).replace("@MEDIA_ROOT@", str(folder)).replace("@EXTRA@", "")
    (folder / "tienda.conf").write_text(server)
    temp_paths = " ".join(f"{kind}_temp_path {folder}/{kind};" for kind in ("proxy", "fastcgi", "uwsgi", "scgi"))
    (folder / "nginx.conf").write_text(
        f"worker_processes 1; pid {folder}/nginx.pid; events {{ worker_connections 32; }}\n"
        f"http {{ client_body_temp_path {folder}/body; {temp_paths} include {folder}/tienda.conf; }}\n"
    )
    nginx = subprocess.Popen(
        [NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-e", str(folder / "error.log")]
        + ["-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until_answering(f"http://127.0.0.1:{node}/robots.txt", gunicorn, node_log)
        wait_until_answering(f"http://127.0.0.1:{front}/robots.txt", nginx)
        yield {"url": f"http://127.0.0.1:{front}", "node_log": node_log, "access_log": folder / "tienda-access.log"}
    finally:
        for process in (nginx, gunicorn):
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(folder, ignore_errors=True)


def test_nginx_makes_the_id_the_node_logs_and_returns_it(proxied):
    hostile = "0123456789abcdef0123456789abcdef"  # a valid id from outside: nginx replaces it anyway
    request = urllib.request.Request(
        proxied["url"] + "/robots.txt?email=rosa@example.pe", headers={"X-Request-ID": hostile}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        request_id = response.headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id) and request_id != hostile

    time.sleep(0.5)  # nginx writes its line once the response is sent
    node_lines = [json.loads(line) for line in proxied["node_log"].read_text().splitlines() if line.startswith("{")]
    [access] = [line for line in node_lines if line["logger"] == "tienda.access" and line["request_id"] == request_id]
    assert access["status"] == 200 and access["method"] == "GET"
    [nginx_line] = [line for line in proxied["access_log"].read_text().splitlines() if f"rid={request_id}" in line]
    assert '"GET /robots.txt"' in nginx_line
    assert "rosa@example.pe" not in nginx_line and "127.0.0.1" not in nginx_line
