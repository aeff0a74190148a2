"""When a node goes away holding a request (deploy/nginx/tienda.conf.template, real nginx): a read
is sent again to the other node, a POST never is (the order could be placed twice), and the
shopper then gets a page in Spanish that says what to do. The nodes are two small HTTP servers:
the first reads each request and closes the connection without an answer, as a node dying
mid-request does; the second answers, and is used only when the first fails (backup)."""

import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.servers import free_port

ROOT = Path(__file__).resolve().parents[2]
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


class _Dies(BaseHTTPRequestHandler):
    seen: Counter = Counter()

    def _drop(self) -> None:
        self.seen[self.command] += 1
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.close_connection = True
        self.connection.shutdown(socket.SHUT_RDWR)

    do_GET = do_POST = _drop

    def log_message(self, *args) -> None:
        pass


class _Answers(_Dies):
    seen: Counter = Counter()

    def _answer(self) -> None:
        self.seen[self.command] += 1
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    do_GET = do_POST = _answer


def _serve(handler) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def front():
    if not os.path.exists(NGINX):
        pytest.fail("nginx is missing: `make cluster-deps` installs nginx-light")
    _Dies.seen.clear()
    _Answers.seen.clear()
    dying, answering = _serve(_Dies), _serve(_Answers)
    port = free_port()
    folder = Path(tempfile.mkdtemp(prefix="tienda-retries-"))
    folder.chmod(0o777)  # as root, nginx's workers run as nobody
    servers = (
        f"server 127.0.0.1:{dying.server_address[1]} max_fails=0; "
        f"server 127.0.0.1:{answering.server_address[1]} backup;"
    )
    site = (
        (ROOT / "deploy" / "nginx" / "tienda.conf.template")
        .read_text()
        .replace("@WEB_SERVERS@", servers)
        .replace("@LISTEN@", f"127.0.0.1:{port}")
        .replace("@STATIC_ROOT@", str(folder))
        .replace("@MEDIA_ROOT@", str(folder))
        .replace("@EXTRA@", "")
    )
    (folder / "tienda.conf").write_text(site)
    (folder / "nginx.conf").write_text(f"""worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    include {folder}/tienda.conf;
}}
""")
    args = [NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-e", str(folder / "error.log")]
    subprocess.run(args, check=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 15
        while not (folder / "nginx.pid").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        yield base
    finally:
        subprocess.run([*args, "-s", "quit"], check=False)
        dying.shutdown()
        answering.shutdown()
        shutil.rmtree(folder, ignore_errors=True)


def _send(url: str, data: bytes | None = None) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data), timeout=20) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_a_read_cut_by_a_dying_node_is_answered_by_the_other(front):
    status, body = _send(front + "/productos/chompa/")
    assert (status, body) == (200, "ok")
    assert _Dies.seen["GET"] == 1 and _Answers.seen["GET"] == 1


def test_a_post_cut_by_a_dying_node_is_never_sent_again_and_the_shopper_is_told_in_spanish(front):
    status, body = _send(front + "/checkout/place/", data=b"key=abc")
    assert status == 502
    assert _Dies.seen["POST"] == 1 and _Answers.seen["POST"] == 0
    assert 'lang="es-PE"' in body and "No pudimos completar tu solicitud" in body
    assert "confírmalo de nuevo: se registra una sola vez" in body
