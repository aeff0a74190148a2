"""Does the time of an answer tell who has an account? Sign-up with a taken e-mail against a new
one, and a password reset for a known e-mail against an unknown one, interleaved, each from its
own address (the limits are per address) and with the real password hasher. The figures are the
medians of each and their difference. The account e-mails' tasks are only queued here (as with
a worker: the web process pays for the enqueue, not for the task), never run."""

import itertools
import statistics
import time

from django.contrib.auth import get_user_model
from django.test import Client

ROUNDS = 30
PASSWORD = "Clave-Bench-2026!"
_addresses = itertools.count(1)


def _client() -> Client:
    n = next(_addresses)
    return Client(REMOTE_ADDR=f"10.77.{(n >> 8) & 255}.{n & 255}")


def _timed(path: str, data: dict) -> float:
    client = _client()
    started = time.perf_counter()
    response = client.post(path, data)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 302, (path, response.status_code)
    return elapsed


def _signup(email: str) -> dict:
    return {"email": email, "password1": PASSWORD, "password2": PASSWORD, "first_name": "Bench",
            "last_name": "Enumeración", "phone": "", "dni": ""}


def run():
    from unittest import mock

    from accounts import tasks

    queued = []
    with mock.patch.object(tasks.send_account_email, "delay", side_effect=queued.append), \
            mock.patch.object(tasks.send_password_reset, "delay", side_effect=lambda **job: queued.append(job)):
        yield from _run()


def _run():
    User = get_user_model()
    stamp = time.time_ns()
    # One known address per round: each address may ask for a reset (and a confirmation) only so often.
    known = [f"conocida-{stamp}-{n}@example.pe" for n in range(ROUNDS)]
    for email in known:
        User.objects.create_user(email=email, password=PASSWORD)
    taken, new, reset_known, reset_unknown = [], [], [], []
    for n in range(ROUNDS):
        taken.append(_timed("/accounts/signup/", _signup(known[n])))
        new.append(_timed("/accounts/signup/", _signup(f"nueva-{stamp}-{n}@example.pe")))
        reset_known.append(_timed("/accounts/password/reset/", {"email": known[n]}))
        reset_unknown.append(_timed("/accounts/password/reset/", {"email": f"nadie-{stamp}-{n}@example.pe"}))
    User.objects.filter(email__endswith="@example.pe", email__contains=str(stamp)).delete()
    for name, samples in (("signup.taken_email", taken), ("signup.new_email", new),
                          ("reset.known_email", reset_known), ("reset.unknown_email", reset_unknown)):
        yield {"name": f"{name}.p50_ms", "value": round(statistics.median(samples), 2), "unit": "ms"}
    yield {"name": "signup.difference_p50_ms", "unit": "ms",
           "value": round(statistics.median(new) - statistics.median(taken), 2)}
    yield {"name": "reset.difference_p50_ms", "unit": "ms",
           "value": round(statistics.median(reset_known) - statistics.median(reset_unknown), 2)}
