"""`make lighthouse`: serve the demo data like `make serve` and print Lighthouse's mobile scores,
one JSON line per page and category ({"page": "home", "category": "performance", "score": 97, ...}).

Uses the database of DATABASE_URL (SQLite's db.sqlite3 without it) with the demo data loaded
(`make demo`), collects the static files, and starts gunicorn with the production settings on
a free port of loopback over plain HTTP, media served with their cache headers (SERVE_MEDIA).
"""

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from urllib.parse import urlencode

import django

from bench.lighthouse import audit_pages, failed_audits, missing_reason, scores

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def page_paths() -> dict[str, str]:
    """The four pages, found in the demo data: a category with products, a featured product, a search."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    django.setup()
    from django.urls import reverse

    from catalog.models import Product

    product = (
        Product.objects.filter(status=Product.Status.ACTIVE, images__isnull=False)
        .order_by("-is_featured", "pk")
        .first()
    )
    if product is None:
        sys.exit("No products with photos: load the demo data first (make demo).")
    query = product.brand.name if product.brand_id else product.name.split()[0]
    return {
        "home": reverse("storefront:home"),
        "listing": product.category.get_absolute_url(),
        "product": product.get_absolute_url(),
        "search": reverse("catalog:search") + "?" + urlencode({"q": query}),
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",  # plain HTTP on loopback (a secure context for the browser)
        "SECURE_COOKIES": "false",
        "SERVE_MEDIA": "true",
    }
    python = sys.executable
    subprocess.run([python, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    server = subprocess.Popen(
        [
            os.path.join(os.path.dirname(python), "gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return server
        except OSError:
            time.sleep(0.3)
        except Exception:  # /healthz answers 503 while a service is degraded: the server is up
            return server
    server.terminate()
    sys.exit("gunicorn did not start within 30 s")


def main() -> int:
    reason = missing_reason()
    if reason:
        print(json.dumps({"error": reason}))
        return 1
    paths = page_paths()
    port = free_port()
    server = serve(port)
    try:
        for page, path in paths.items():
            url = f"http://127.0.0.1:{port}{path}"
            urllib.request.urlopen(url, timeout=30).read()  # warm the caches a real shop's pages live in
            (report,) = audit_pages([url])
            for category, score in scores(report).items():
                line = {"page": page, "path": path, "category": category, "score": score}
                if category == "performance":
                    audits = report["audits"]
                    line.update(
                        {
                            key: round(audits[key]["numericValue"], 3 if key == "cumulative-layout-shift" else 0)
                            for key in (
                                "first-contentful-paint",
                                "largest-contentful-paint",
                                "total-blocking-time",
                                "cumulative-layout-shift",
                            )
                        }
                    )
                    line["image_bytes"] = sum(
                        item.get("transferSize", 0)
                        for item in audits["network-requests"]["details"]["items"]
                        if item.get("resourceType") == "Image"
                    )
                if score < 100:
                    line["failing"] = failed_audits(report, category)
                print(json.dumps(line, ensure_ascii=False), flush=True)
    finally:
        server.terminate()
        server.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
