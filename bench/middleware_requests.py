"""Run by bench_middleware under callgrind: the store's bare view (`/__bench__/bare/`, a first visit: no
cookie) requested with the whole middleware stack, then with each middleware left out, then with none,
then with the whole stack again (the two "all" figures agree when the count is repeatable). Around each
chain's requests the process asks callgrind to write its counts and start again from zero
(`callgrind_control --dump`), so one run measures every chain after one Django start."""

import io
import logging
import os
import subprocess
import sys

# The session's middleware: the middleware after it that reads request.session goes with it.
NEEDS_SESSION = ("SessionMiddleware", "AuthenticationMiddleware", "MessageMiddleware", "AccountMiddleware")


def chains(full: list[str]) -> list[tuple[str, list[str]]]:
    """(label, middleware) of every chain measured, in order."""
    found = [("all", full)]
    for name in full:
        label = name.rsplit(".", 1)[-1]
        if label == "SessionMiddleware":
            found.append(("session_and_its_readers", [m for m in full if not m.endswith(NEEDS_SESSION)]))
        else:
            found.append((label, [m for m in full if m != name]))
    return [*found, ("none", []), ("all_again", full)]


def main(requests: int) -> None:
    import django

    django.setup()
    logging.disable(logging.CRITICAL)
    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler
    from django.test.utils import override_settings

    def environ() -> dict:
        return {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": "/__bench__/bare/",
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "127.0.0.1",
            "HTTP_ACCEPT_ENCODING": "gzip",
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
        }

    def start_response(status, headers, exc_info=None):
        if not status.startswith("200"):
            raise SystemExit(f"the bare view answered {status}")

    def request(application) -> None:
        body = application(environ(), start_response)
        for _ in body:
            pass
        body.close()

    def dump(label: str) -> None:
        subprocess.run(["callgrind_control", "--dump=" + label, str(os.getpid())], check=True, capture_output=True)

    for label, middleware in chains(list(settings.MIDDLEWARE)):
        with override_settings(MIDDLEWARE=middleware):
            application = WSGIHandler()
            for _ in range(20):  # caches, compiled regexes, lazily built settings
                request(application)
            dump(f"start:{label}")
            for _ in range(requests):
                request(application)
            dump(f"end:{label}")


if __name__ == "__main__":
    main(int(sys.argv[1]))
