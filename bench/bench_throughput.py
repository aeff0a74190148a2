"""Throughput of the storefront's read pages as a shopper's browser gets them: gunicorn with
4 sync workers on the bench database, driven by wrk over loopback (16 connections for 15 s
a page), with the machine's ceiling measured in the same run, first and last: `../shared/bench/ceiling.py`
(a bare Django view, no middleware, no database; BENCH_CEILING names another file) served by a gunicorn of its
own with the same workers and worker class. The ratio to that ceiling is the figure to compare: it holds on a
busy machine, where the absolute rates do not. The store's own bare view (`/__bench__/bare/`, through
every middleware) is measured too, as `bare_store_view`: what the middleware alone costs. BENCH_SECONDS and
BENCH_CONNECTIONS override the bounds.

wrk is bounded by time only: a thread stopped early at a request count is still divided by the
whole duration, so a cap undercounted the bare view on a fast machine and overstated every ratio."""

import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.db import connection
from django.db.models import Count

from bench.bench_catalog import _ensure_catalog
from catalog.models import Product

SECONDS = int(os.environ.get("BENCH_SECONDS", "15"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
WORKERS = 4
ROOT = Path(__file__).resolve().parent.parent
UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def ceiling_file() -> Path:
    """The issue's ceiling, beside the repository (BENCH_CEILING overrides); a run without it is no run."""
    found = Path(os.environ.get("BENCH_CEILING") or ROOT.parent / "shared/bench/ceiling.py").resolve()
    if not found.is_file():
        raise SystemExit(f"the ceiling's file {found} is absent: set BENCH_CEILING to the bare view's file")
    return found


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _bench_database_url() -> str:
    """DATABASE_URL naming the bench database that bench/__main__ created and filled."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + connection.settings_dict["NAME"]))


def _gunicorn(app: str, port: int, workers: int, *options: str) -> list[str]:
    """One command line for the store's servers and the ceiling's, so both are served the same way."""
    return [
        str(Path(sys.executable).with_name("gunicorn")),
        app,
        *options,
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--log-level",
        "warning",
        "--timeout",
        "60",
    ]


def _wait_for(server: subprocess.Popen, url: str) -> subprocess.Popen:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:
                if answer.status == 200:
                    return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise RuntimeError(f"gunicorn did not answer {url} within a minute")


def start_ceiling(port: int, workers: int = WORKERS) -> subprocess.Popen:
    """ceiling.py on its own gunicorn: the same workers, worker class and gunicorn.conf.py as the store's."""
    path = ceiling_file()
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    command = _gunicorn(f"{path.stem}:application", port, workers, "--chdir", str(path.parent))
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    return _wait_for(server, f"http://127.0.0.1:{port}/")


def server_env(**extra_env: str) -> dict[str, str]:
    """The environment the bench's gunicorn runs in (production settings on the bench database), for
    the server and for a management command that must read and fill the same caches."""
    return {
        **os.environ,
        **extra_env,
        "DJANGO_SETTINGS_MODULE": "bench.server_settings",
        "DATABASE_URL": _bench_database_url(),
        # The nodes of one layout share a key when given one (signed cookies made by one, read by another).
        "SECRET_KEY": extra_env.get("SECRET_KEY") or secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",
        "SECURE_HSTS_SECONDS": "0",
        "CACHE_KEY_PREFIX": settings.CACHES["default"].get("KEY_PREFIX", "tienda-bench"),
    }


def _start_server(port: int, workers: int = WORKERS, stderr=None, **extra_env: str) -> subprocess.Popen:
    env = server_env(**extra_env)
    command = _gunicorn("config.wsgi:application", port, workers)
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=stderr)
    return _wait_for(server, f"http://127.0.0.1:{port}/__bench__/bare/")


def _milliseconds(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * UNITS_MS[unit]


def _wrk(url: str, seconds: int = SECONDS, cookie: str = "") -> dict:
    headers = ["-H", f"Cookie: {cookie}"] if cookie else []
    output = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", "--timeout", "10s", *headers, url],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 60,
    ).stdout
    latency = dict(re.findall(r"^\s+(50|99)(?:\.0+)?%\s+(\S+)\s*$", output, re.MULTILINE))
    if set(latency) != {"50", "99"}:
        raise RuntimeError(f"wrk's output has no latency distribution:\n{output}")
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": round(_milliseconds(latency["50"]), 1),
        "p99_ms": round(_milliseconds(latency["99"]), 1),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "errors": int(errors.group(1)) if errors else 0,
    }


def _pages() -> dict[str, str]:
    biggest = Product.objects.visible().values("category__slug").annotate(n=Count("pk")).order_by("-n").first()
    product = Product.objects.visible().order_by("-units_sold").values_list("slug", flat=True).first()
    return {
        "home": "/",
        "product_page": f"/p/{product}/",
        "category_listing": f"/c/{biggest['category__slug']}/",
        "search": "/search/?q=laptop",
    }


def run():
    if shutil.which("wrk") is None:
        yield {"name": "skipped", "value": "wrk is not installed (make bench-deps)", "unit": ""}
        return
    ceiling_file()  # absent: stop before building anything
    _ensure_catalog()
    port, ceiling_port = _free_port(), _free_port()
    pages = {"bare_store_view": "/__bench__/bare/", **_pages()}
    ceiling_server = start_ceiling(ceiling_port)
    try:
        ceiling_url = f"http://127.0.0.1:{ceiling_port}/"
        first = _wrk(ceiling_url)
        results = _measure(port, pages, signed_in={"product_page.signed_in": pages["product_page"]})
        # The same pages rendered every time (STOREFRONT_PAGE_CACHE off): what a signed-in
        # shopper, a first visit to a page or a page after a catalog change costs.
        rendered = _measure(
            port,
            {name: path for name, path in pages.items() if name != "bare_store_view"},
            signed_in={"product_page.signed_in": pages["product_page"]},
            STOREFRONT_PAGE_CACHE="false",
        )
        last = _wrk(ceiling_url)
    finally:
        ceiling_server.terminate()
        ceiling_server.wait(timeout=30)
    ceiling = (first["rps"] + last["rps"]) / 2
    bare_store = results["bare_store_view"]["rps"]
    yield {"name": "ceiling.req_per_s", "value": first["rps"], "unit": "1/s"}
    yield {"name": "ceiling.req_per_s_last", "value": last["rps"], "unit": "1/s"}
    yield {"name": "ceiling.p50", "value": first["p50_ms"], "unit": "ms"}
    yield {"name": "ceiling.p99", "value": first["p99_ms"], "unit": "ms"}
    for prefix, found in (("", results), ("render_path.", rendered)):
        for name, result in found.items():
            yield {"name": f"{prefix}{name}.req_per_s", "value": result["rps"], "unit": "1/s"}
            yield {"name": f"{prefix}{name}.p50", "value": result["p50_ms"], "unit": "ms"}
            yield {"name": f"{prefix}{name}.p99", "value": result["p99_ms"], "unit": "ms"}
            yield {
                "name": f"{prefix}{name}.ratio_to_ceiling",
                "value": round(result["rps"] / ceiling, 4),
                "unit": "ratio",
            }
            if name != "bare_store_view":
                yield {
                    "name": f"{prefix}{name}.ratio_to_bare_store_view",
                    "value": round(result["rps"] / bare_store, 4),
                    "unit": "ratio",
                }
            if result["errors"]:
                yield {"name": f"{prefix}{name}.errors", "value": result["errors"], "unit": "count"}


BENCH_SHOPPER = "bench-shopper@kallpa.pe"


def _signed_in_cookie(base: str) -> str:
    """A signed-in shopper's cookies, got by signing in through the server's own form (its session
    and CSRF secret are the server's), then one page that shows the "signed in" message."""
    import http.cookiejar

    from accounts.models import User

    password = secrets.token_urlsafe(16)
    user = User.objects.filter(email=BENCH_SHOPPER).first() or User(email=BENCH_SHOPPER, first_name="Bench")
    user.set_password(password)
    user.save()
    jar = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = browser.open(base + "/accounts/login/", timeout=30).read().decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    body = urllib.parse.urlencode({"login": BENCH_SHOPPER, "password": password, "csrfmiddlewaretoken": csrf})
    browser.open(
        urllib.request.Request(
            base + "/accounts/login/", data=body.encode(), headers={"Referer": base + "/accounts/login/"}
        ),
        timeout=30,
    ).read()
    if not any(cookie.name == "sessionid" for cookie in jar):
        raise RuntimeError("the bench shopper could not sign in")
    browser.open(base + "/", timeout=30).read()  # the "signed in" message, shown once
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


def _measure(port: int, pages: dict[str, str], signed_in: dict[str, str] | None = None, **server_env: str) -> dict:
    """wrk on each page against one gunicorn server; `signed_in` pages are measured with a signed-in
    shopper's cookies. The ceiling is measured by the caller, before and after every server."""
    base = f"http://127.0.0.1:{port}"
    server = _start_server(port, **server_env)
    try:
        for path in pages.values():  # warm every worker's caches (templates, catalog tree)
            for _ in range(WORKERS * 3):
                urllib.request.urlopen(base + path, timeout=30).read()
        results = {name: _wrk(base + path) for name, path in pages.items()}
        if signed_in:
            cookie = _signed_in_cookie(base)
            for name, path in signed_in.items():
                for _ in range(WORKERS * 3):
                    urllib.request.urlopen(
                        urllib.request.Request(base + path, headers={"Cookie": cookie}), timeout=30
                    ).read()
                results[name] = _wrk(base + path, cookie=cookie)
        return results
    finally:
        server.terminate()
        server.wait(timeout=30)
