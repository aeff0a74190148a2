"""SUNAT's own judge of a receipt: the validation stylesheets its OSEs run
(`ValidaExprRegFactura-2.0.1.xsl`, `…Boleta…`, `…NC…`, with the `util/` folder they include), run
with Saxon-HE (Debian's libsaxonhe-java) and the file name the store sends, as SUNAT runs them.

The stylesheets are SUNAT's, not ours, and are not kept in this repository: point
`SUNAT_XSL_DIR` at a folder holding them (the folder with `vprod-4/` and `util/`, or one with the
three files and `../util/` beside), or lay them in `shared/sunat-xsl/` beside the repository. A public copy is `META-INF/xsl/` of the repository
C4rl0s3nr1qu3/axteroid-ose (commit cd30557, "Update 2024/06/19"). Without them the tests that
need them skip (tests/conftest.py allows that skip, as for a real MongoDB); the rules this store
relies on are also stated in tests/receipts/sunat_rules.py, which always runs."""

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

SAXON_JAR = Path("/usr/share/java/Saxon-HE.jar")
DRIVER = Path(__file__).parent / "sunat" / "SunatCheck.java"
STYLESHEETS = {
    "01": "ValidaExprRegFactura-2.0.1.xsl",
    "03": "ValidaExprRegBoleta-2.0.1.xsl",
    "07": "ValidaExprRegNC-2.0.1.xsl",
}
_RULE = re.compile(r"(\d{4}) - (.*)$")


@dataclass(frozen=True)
class Verdict:
    """SUNAT's answer for one document: a rejection (error) and observations (accepted with notes)."""

    file_name: str
    error: str
    observations: tuple[str, ...]

    @property
    def clean(self) -> bool:
        return not self.error and not self.observations

    def __str__(self) -> str:
        return f"{self.file_name}: error={self.error or '-'} observations={list(self.observations) or '-'}"


# Where a project's shared folder beside the repository may hold a copy (as CI lays it out).
SHARED_COPY = Path(__file__).resolve().parents[3] / "shared" / "sunat-xsl"


def stylesheet_folder() -> Path | None:
    """SUNAT_XSL_DIR, else a copy in the shared folder beside the repository, if either is there."""
    for folder in (os.environ.get("SUNAT_XSL_DIR", ""), str(SHARED_COPY)):
        if not folder:
            continue
        for candidate in (Path(folder) / "vprod-4", Path(folder)):
            if (candidate / STYLESHEETS["01"]).is_file():
                return candidate
    return None


def require_stylesheets() -> Path:
    folder = stylesheet_folder()
    if folder is None:
        pytest.skip("needs SUNAT's validation stylesheets: set SUNAT_XSL_DIR (see tests/receipts/sunat_xsl.py)")
    if not SAXON_JAR.is_file() or not shutil.which("java"):
        pytest.fail("Saxon-HE is missing: `make test-deps` installs Debian's libsaxonhe-java")
    return folder


def _rule(text: str) -> str:
    match = _RULE.search(text)
    return f"{match.group(1)} - {match.group(2)}" if match else text


def sunat_verdicts(receipts) -> list[Verdict]:
    """Each receipt's XML, as stored, judged under the file name the store sends (`<file_name>.zip`)."""
    folder = require_stylesheets()
    with tempfile.TemporaryDirectory() as scratch:
        requests, names = [], {}
        for receipt in receipts:
            path = Path(scratch) / f"{receipt.file_name}.xml"
            path.write_text(receipt.xml, encoding="utf-8")
            names[str(path)] = receipt.file_name
            requests.append(f"{folder / STYLESHEETS[receipt.kind]}\t{receipt.file_name}.zip\t{path}")
        run = subprocess.run(
            ["java", "-cp", str(SAXON_JAR), str(DRIVER)],
            input="\n".join(requests) + "\n",
            capture_output=True,
            text=True,
            timeout=300,
        )
        verdicts = []
        for line in run.stdout.splitlines():
            path, error, observations = (line.split("\t") + ["", ""])[:3]
            verdicts.append(
                Verdict(
                    file_name=names[path],
                    error=_rule(error) if error else "",
                    observations=tuple(o for o in observations.split(" | ") if o),
                )
            )
    assert len(verdicts) == len(requests), run.stderr[-3000:]
    return verdicts
