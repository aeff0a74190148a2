"""A worker that dies mid-send loses nothing and sends nothing twice, proved with a real process
killed: `manage.py shell -c` sends a receipt to a fake SUNAT that is a real local HTTP server
(answering SUNAT's real SOAP and CDR shapes); the fake holds the request (SUNAT has the document,
its answer is on the way) while the process is SIGKILLed. The claim the process committed before
its HTTP call leaves the receipt "sent"; the sweep's recovery asks SUNAT (getStatusCdr), records
the CDR SUNAT already has, and never sends the document again."""

import os
import re
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.conf import settings as django_settings
from django.db import connection

from core import jobs
from receipts.models import Receipt, SendStatus
from receipts.services import receipt_issue_for_order
from tests.factories import make_priced_order, pay
from tests.receipts.fake_sunat import send_bill_answer, soap_fault, status_cdr_answer


class FakeSunat:
    """billService and billConsultService on 127.0.0.1: a document it receives is SUNAT's from that
    moment (accepted, its CDR kept), whether or not its answer reaches the sender; while `hold` is
    set, the answer to sendBill waits until the test lets it go."""

    def __init__(self):
        self.received: list[str] = []  # the file names sendBill received, in order
        self.cdrs: dict[str, str] = {}  # "RUC-type-series-number" → accepted
        self.asked: list[str] = []  # the documents getStatusCdr was asked about
        self.hold = threading.Event()
        self.arrived = threading.Event()
        self.release = threading.Event()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                action = self.headers.get("SOAPAction", "")
                answer, status = fake.answer(action, body)
                if action == "urn:sendBill" and fake.hold.is_set():
                    fake.arrived.set()
                    fake.release.wait(60)  # the sender is killed meanwhile
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "text/xml; charset=utf-8")
                    self.send_header("Content-Length", str(len(answer.encode())))
                    self.end_headers()
                    self.wfile.write(answer.encode())
                except OSError:
                    pass  # nobody is listening any more

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

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
        return f"http://127.0.0.1:{self.server.server_address[1]}/ol-ti-itcpfegem/billService"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_send_loses_nothing_and_sends_nothing_twice(certificate, settings):
    if connection.vendor != "postgresql":
        pytest.skip("the subprocess reaches the test database through DATABASE_URL (PostgreSQL)")
    settings.SUNAT_SEND_URL = ""  # issued without sending: the subprocess sends it
    order = make_priced_order()
    pay(order)
    receipt = receipt_issue_for_order(order_id=order.pk)
    assert receipt.is_signed and receipt.send_status == SendStatus.PENDING

    with FakeSunat() as sunat:
        sunat.hold.set()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": _database_url(),
            "SUNAT_SEND_URL": sunat.url,
            "SUNAT_SEND_USER": "20601234565MODDATOS",
            "SUNAT_SEND_PASSWORD": "moddatos",
            "SUNAT_CERT_PATH": str(django_settings.SUNAT_CERT_PATH),
        }
        worker = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "shell",
                "-c",
                f"from receipts.services import receipt_send; receipt_send(receipt_id={receipt.pk})",
            ],
            cwd=django_settings.BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        try:
            assert sunat.arrived.wait(90), worker.communicate(timeout=5)[0] if worker.poll() is not None else "no send"
            os.kill(worker.pid, signal.SIGKILL)  # SUNAT has it; its answer never reaches the store
            assert worker.wait(30) == -signal.SIGKILL
        finally:
            if worker.poll() is None:
                worker.kill()
        assert sunat.received == [receipt.file_name]
        receipt.refresh_from_db()
        assert (receipt.send_status, receipt.send_attempts, receipt.cdr_xml) == (SendStatus.SENT, 1, "")
        sunat.hold.clear()

        # Recovery: the sweep (core.jobs) once the claim is abandoned (two send timeouts).
        settings.SUNAT_SEND_URL, settings.SUNAT_SEND_USER, settings.SUNAT_SEND_PASSWORD = sunat.url, "u", "p"
        settings.SUNAT_SEND_TIMEOUT, settings.JOBS_OVERDUE_GRACE_SECONDS = 1, 0
        sending = next(work for work in jobs.registered() if work.name == "receipts.send")
        assert jobs.sweep(sending) == 0  # the claim is fresh: its answer may still come
        time.sleep(2.2)
        assert jobs.sweep(sending) == 1  # the task runs inline (eager in tests)
        receipt.refresh_from_db()
        assert receipt.send_status == SendStatus.ACCEPTED and receipt.cdr_code == "0"
        assert f"<cbc:ReferenceID>{receipt.series}-{receipt.number}</cbc:ReferenceID>" in receipt.cdr_xml
        assert jobs.sweep(sending) == 0
        assert sunat.received == [receipt.file_name]  # SUNAT received the document exactly once
        assert sunat.asked == [receipt.file_name]  # recovery asked before anything else
        assert Receipt.objects.get(pk=receipt.pk).send_attempts == 1
