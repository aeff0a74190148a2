"""A worker that dies while sending a guía never makes the store send it twice, proved with a real
process killed: `manage.py shell -c` sends a guía to a fake GRE API that is a real local HTTP server
(api-seguridad's token, the comprobantes POST answered with a ticket); the fake takes the guía (it is
SUNAT's from then on) and holds its ticket while the process is SIGKILLed. The claim committed
before the call leaves the guía "sent" without a ticket; SUNAT's GRE API cannot find a guía's
ticket again, so the sweep's recovery sets it aside for staff's check and sends nothing."""

import json
from http.server import BaseHTTPRequestHandler

import pytest
from django.db import connection

from despatch import services
from despatch.models import GuideStatus
from tests.receipts.fake_server import HeldServer, kill_mid_request, sweep_once_the_claim_is_abandoned


class FakeGre(HeldServer):
    """api-seguridad and api-cpe on 127.0.0.1: a guía POSTed is SUNAT's from that moment; while
    `hold` is set, its ticket waits until the test lets it go."""

    def __init__(self):
        self.received: list[str] = []  # the guías' names POSTed, in order
        super().__init__()

    def handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _answer(self, status: int, body: dict) -> None:
                payload = json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except OSError:
                    pass  # nobody is listening any more

            def do_POST(self):
                self.rfile.read(int(self.headers["Content-Length"]))
                if "/oauth2/token/" in self.path:
                    return self._answer(200, {"access_token": "eyJ.fake", "token_type": "JWT", "expires_in": 3600})
                name = self.path.rsplit("/", 1)[-1]
                fake.received.append(name)
                fake.wait_if_held()
                return self._answer(200, {"numTicket": f"t-{len(fake.received)}", "fecRecepcion": "2026-11-25T10:00"})

            def do_GET(self):
                return self._answer(200, {"codRespuesta": "98"})

        return Handler


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_guia_send_never_sends_it_twice(gre_store, by_carrier, gre_certificate, settings):
    if connection.vendor != "postgresql":
        pytest.skip("the subprocess reaches the test database through DATABASE_URL (PostgreSQL)")
    guia = services.guia_issue_for_shipment(shipment_id=gre_store.leg.pk, transport=by_carrier)
    assert guia.digest and guia.status == GuideStatus.PENDING  # GRE not configured here: the worker sends it

    with FakeGre() as sunat:
        gre_env = {
            "SUNAT_GRE_CLIENT_ID": "gre-client-id",
            "SUNAT_GRE_CLIENT_SECRET": "gre-secret",
            "SUNAT_GRE_USER": "20601234565MODDATOS",
            "SUNAT_GRE_PASSWORD": "moddatos",
            "SUNAT_GRE_TOKEN_URL": f"{sunat.base}/v1/clientessol/{{client_id}}/oauth2/token/",
            "SUNAT_GRE_API_URL": sunat.base,
        }
        kill_mid_request(
            sunat,
            code=f"from django.core.cache import cache; from despatch import gre, services; "
            f"cache.delete(gre.TOKEN_CACHE_KEY); services.guia_send(advice_id={guia.pk})",
            env={**gre_env, "SUNAT_CERT_PATH": str(gre_certificate)},
        )
        assert sunat.received == [guia.file_name]
        guia.refresh_from_db()
        assert (guia.status, guia.ticket, guia.send_attempts) == (GuideStatus.SENT, "", 1)

        # Recovery: the sweep (core.jobs) once the claim is abandoned (two GRE timeouts).
        settings.SUNAT_GRE_CLIENT_ID, settings.SUNAT_GRE_CLIENT_SECRET = "gre-client-id", "gre-secret"
        settings.SUNAT_GRE_TOKEN_URL, settings.SUNAT_GRE_API_URL = gre_env["SUNAT_GRE_TOKEN_URL"], sunat.base
        settings.SUNAT_GRE_TIMEOUT, settings.JOBS_OVERDUE_GRACE_SECONDS = 1, 0
        sweep_once_the_claim_is_abandoned("despatch.send")
        guia.refresh_from_db()
        assert (guia.status, guia.ticket, guia.send_attempts) == (GuideStatus.CHECK, "", 1)
        assert sunat.received == [guia.file_name]  # SUNAT received the guía exactly once
        assert services.live_guia(gre_store.leg) == guia  # the leg gets no second guía meanwhile
