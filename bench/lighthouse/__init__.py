"""Lighthouse (mobile) on the shop's four main pages: home, a category listing, a product, a search.

`make lighthouse` serves the demo data the way `make serve` does (production settings, gunicorn,
collected static files, media with cache headers) and prints one JSON line per page and category;
tests/e2e/test_lighthouse.py runs the accessibility, best-practices and SEO categories against the
live server. Lighthouse itself is an npm package pinned in this folder (`make lighthouse-deps`),
driven against Debian's Chromium.
"""

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
LIGHTHOUSE = HERE / "node_modules" / ".bin" / "lighthouse"
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run"
)
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


def chromium_path() -> str | None:
    return os.environ.get("CHROME_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")


def missing_reason() -> str | None:
    """Why Lighthouse cannot run here, or None."""
    if not LIGHTHOUSE.exists():
        return "Lighthouse is not installed (make lighthouse-deps runs npm ci in bench/lighthouse)"
    if not shutil.which("node"):
        return "node is not installed"
    if not chromium_path():
        return "Debian's chromium is not installed (make test-deps installs it)"
    return None


def audit_pages(urls: list[str], categories=CATEGORIES, timeout: float = 300) -> list[dict]:
    """Lighthouse's mobile run (its default form factor and throttling) on each URL, one Chrome for
    all of them (audit.mjs): their reports (dicts), in the order of the URLs."""
    with tempfile.TemporaryDirectory(prefix="lighthouse-") as folder:
        job = {
            "urls": urls,
            "categories": list(categories),
            "chromePath": chromium_path() or "",
            "chromeFlags": CHROME_FLAGS.split(),
            "outputDir": folder,
        }
        subprocess.run(
            ["node", str(HERE / "audit.mjs"), json.dumps(job)],
            cwd=HERE,
            check=True,
            timeout=timeout,
            capture_output=True,
        )
        return [json.loads((Path(folder) / f"{index}.json").read_text()) for index in range(len(urls))]


def scores(report: dict) -> dict[str, int]:
    return {key: round((category["score"] or 0) * 100) for key, category in report["categories"].items()}


def failed_audits(report: dict, category: str) -> list[str]:
    """The audits that cost a category points: id, title and the first offending items."""
    audits = report["audits"]
    found = []
    for ref in report["categories"][category]["auditRefs"]:
        result = audits[ref["id"]]
        if ref["weight"] and result["score"] is not None and result["score"] < 1:
            items = (result.get("details") or {}).get("items") or []
            nodes = [str((item.get("node") or {}).get("snippet") or item.get("url") or "")[:120] for item in items[:3]]
            found.append(f"{ref['id']} ({result['title']}): {nodes}")
    return found


def is_noindex(report: dict) -> bool:
    """The page asks not to be indexed (its only SEO failure may then be that)."""
    return report["audits"].get("is-crawlable", {}).get("score") == 0
