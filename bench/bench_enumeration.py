"""Does the time of an answer tell who has an account? Sign-up with a taken e-mail against a new
one (and a second sign-up with it, whose mail is held back), with a taken DNI against a free one,
and a password reset for a known e-mail against an unknown one, interleaved, each from its
own address (the limits are per address) and with the real password hasher. The figures are the
medians of each and their difference. The account e-mails' and the sign-up's tasks are only queued
here (as with a worker: the web process pays for the enqueue, not for the task), never run."""

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


def _signup(email: str, dni: str = "") -> dict:
    return {
        "email": email,
        "password1": PASSWORD,
        "password2": PASSWORD,
        "first_name": "Bench",
        "last_name": "Enumeración",
        "phone": "",
        "dni": dni,
    }


def _dnis(stamp: int, count: int) -> list[str]:
    """Distinct valid DNIs (any 8 digits pass the CUI check) for this run."""
    return [f"{(stamp // 1000 + n * 7919) % 90_000_000 + 10_000_000}" for n in range(count)]


def run():
    from unittest import mock

    from accounts import tasks

    queued = []
    with (
        mock.patch.object(tasks.send_account_email, "delay", side_effect=queued.append),
        mock.patch.object(tasks.send_password_reset, "delay", side_effect=lambda **job: queued.append(job)),
        mock.patch.object(tasks.complete_signup, "delay", side_effect=lambda **job: queued.append(job)),
    ):
        yield from _run()


def _run():
    User = get_user_model()
    stamp = time.time_ns()
    # One known address per round: each address may ask for a reset (and a confirmation) only so often.
    known = [f"conocida-{stamp}-{n}@example.pe" for n in range(ROUNDS)]
    dnis = _dnis(stamp, 2 * ROUNDS)
    for email, dni in zip(known, dnis):
        User.objects.create_user(email=email, password=PASSWORD, dni=dni)
    taken, again, new, taken_dni, free_dni, reset_known, reset_unknown = [], [], [], [], [], [], []
    for n in range(ROUNDS):
        taken.append(_timed("/accounts/signup/", _signup(known[n])))
        again.append(_timed("/accounts/signup/", _signup(known[n])))  # its mail held back (by the worker)
        new.append(_timed("/accounts/signup/", _signup(f"nueva-{stamp}-{n}@example.pe")))
        taken_dni.append(_timed("/accounts/signup/", _signup(f"dni-usado-{stamp}-{n}@example.pe", dnis[n])))
        free_dni.append(_timed("/accounts/signup/", _signup(f"dni-libre-{stamp}-{n}@example.pe", dnis[ROUNDS + n])))
        reset_known.append(_timed("/accounts/password/reset/", {"email": known[n]}))
        reset_unknown.append(_timed("/accounts/password/reset/", {"email": f"nadie-{stamp}-{n}@example.pe"}))
    User.objects.filter(email__endswith="@example.pe", email__contains=str(stamp)).delete()
    for name, samples in (
        ("signup.taken_email", taken),
        ("signup.taken_email_again", again),
        ("signup.new_email", new),
        ("signup.taken_dni", taken_dni),
        ("signup.free_dni", free_dni),
        ("reset.known_email", reset_known),
        ("reset.unknown_email", reset_unknown),
    ):
        yield {"name": f"{name}.p50_ms", "value": round(statistics.median(samples), 2), "unit": "ms"}
    yield {
        "name": "signup.difference_p50_ms",
        "unit": "ms",
        "value": round(statistics.median(new) - statistics.median(taken), 2),
    }
    yield {
        "name": "signup.again_difference_p50_ms",
        "unit": "ms",
        "value": round(statistics.median(new) - statistics.median(again), 2),
    }
    yield {
        "name": "signup.dni_difference_p50_ms",
        "unit": "ms",
        "value": round(statistics.median(free_dni) - statistics.median(taken_dni), 2),
    }
    yield {
        "name": "reset.difference_p50_ms",
        "unit": "ms",
        "value": round(statistics.median(reset_known) - statistics.median(reset_unknown), 2),
    }
