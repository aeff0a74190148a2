"""A fake SUNAT that is a real local HTTP server, and the test database's address for a real
subprocess: the crash tests of receipts, summaries and guías kill a real worker mid-request."""

import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.db import connection

from tests.receipts.fake_sunat import send_bill_answer, soap_fault, status_cdr_answer


class HeldServer:
    """A local HTTP server on 127.0.0.1 (its handler from `handler()`) that can hold a request:
    while `hold` is set, the held request's answer waits until the test lets it go (`release`)."""

    def __init__(self):
        self.hold, self.arrived, self.release = threading.Event(), threading.Event(), threading.Event()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self.handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def handler(self) -> type[BaseHTTPRequestHandler]:
        raise NotImplementedError

    def wait_if_held(self) -> None:
        if self.hold.is_set():
            self.arrived.set()
            self.release.wait(60)  # the sender is killed meanwhile

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


class FakeSunat(HeldServer):
    """billService and billConsultService on 127.0.0.1: a document it receives is SUNAT's from that
    moment (accepted, its CDR kept), whether or not its answer reaches the sender; while `hold` is
    set, the answer to `held_action` (sendBill) waits until the test lets it go."""

    held_action = "urn:sendBill"

    def __init__(self):
        self.received: list[str] = []  # the file names sendBill received, in order
        self.cdrs: dict[str, str] = {}  # "RUC-type-series-number" → accepted
        self.asked: list[str] = []  # the documents getStatusCdr was asked about
        super().__init__()

    def handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                action = self.headers.get("SOAPAction", "")
                answer, status = fake.answer(action, body)
                if action == fake.held_action:
                    fake.wait_if_held()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "text/xml; charset=utf-8")
                    self.send_header("Content-Length", str(len(answer.encode())))
                    self.end_headers()
                    self.wfile.write(answer.encode())
                except OSError:
                    pass  # nobody is listening any more

        return Handler

    def answer(self, action: str, body: str) -> tuple[str, int]:
        if action == "urn:sendBill":
            file_name = re.search(r"<fileName>(.+?)\.zip</fileName>", body).group(1)
            self.received.append(file_name)
            self.cdrs[file_name] = "0"
            return send_bill_answer(file_name), 200
        if action == "urn:getStatusCdr":
            values = [
                re.search(f"<{tag}>(.+?)</{tag}>", body).group(1)
                for tag in ("rucComprobante", "tipoComprobante", "serieComprobante", "numeroComprobante")
            ]
            file_name = "-".join(values)
            self.asked.append(file_name)
            if file_name in self.cdrs:
                return status_cdr_answer("0004", "La constancia existe", file_name=file_name), 200
            return status_cdr_answer("0011", "El comprobante de pago electronico no existe"), 200
        return soap_fault("0100", "El sistema no puede responder su solicitud"), 500

    @property
    def url(self) -> str:
        return f"{self.base}/ol-ti-itcpfegem/billService"


def database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def kill_mid_request(server, *, code: str, env: dict[str, str]) -> None:
    """Run `code` in a real `manage.py shell` process on the test database and SIGKILL it while
    `server` (a fake with hold/arrived events) holds its request: SUNAT has what it sent, its answer
    never reaches the store."""
    import os
    import signal
    import subprocess
    import sys

    from django.conf import settings

    server.hold.set()
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=settings.BASE_DIR,
        env={**os.environ, **env, "DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": database_url()},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        assert server.arrived.wait(90), worker.communicate(timeout=5)[0] if worker.poll() is not None else "no send"
        os.kill(worker.pid, signal.SIGKILL)
        assert worker.wait(30) == -signal.SIGKILL
    finally:
        if worker.poll() is None:
            worker.kill()
    server.hold.clear()


def sweep_once_the_claim_is_abandoned(name: str) -> None:
    """The sweep (core.jobs) of pending work `name`: nothing while the dead worker's claim is fresh
    (its answer may still come), the row once the claim is abandoned (the task runs inline, eager
    in tests; the caller set the service's timeout to one second), then nothing again."""
    import time

    from core import jobs

    work = next(work for work in jobs.registered() if work.name == name)
    assert jobs.sweep(work) == 0
    time.sleep(2.2)
    assert jobs.sweep(work) == 1
    assert jobs.sweep(work) == 0
