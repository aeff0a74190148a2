"""SUNAT's own judge of a receipt: the validation stylesheets its OSEs run
(`ValidaExprRegFactura-2.0.1.xsl`, `…Boleta…`, `…NC…`, `…ND…`, with the `util/` folder they include), run
with Saxon-HE (Debian's libsaxonhe-java) and the file name the store sends, as SUNAT runs them.

The stylesheets are SUNAT's, not ours, and are not kept in this repository: point
`SUNAT_XSL_DIR` at a folder holding them (the folder with `vprod-4/` and `util/`, or one with the
three files and `../util/` beside), or lay them in `shared/sunat-xsl/` beside the repository. A public copy is `META-INF/xsl/` of the repository
C4rl0s3nr1qu3/axteroid-ose (commit cd30557, "Update 2024/06/19"). Without them the tests that
need them skip (tests/conftest.py allows that skip, as for a real MongoDB); the rules this store
relies on are also stated in tests/receipts/sunat_rules.py, which always runs."""

import atexit
import os
import re
import select
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
    "08": "ValidaExprRegND-2.0.1.xsl",
    "09": "ValidaExprRegGreRemitente-2.0.1.xsl",  # guía de remisión remitente (despatch)
    # The sunat app's summaries (their `kind`): the resumen diario, and the comunicación de baja of
    # facturas and their notas (SummaryVoided: OtrosVoided takes only retenciones and percepciones, 20/40).
    "RC": "ValidaExprRegSummary-1.1.0.xsl",
    "RA": "ValidaExprRegSummaryVoided-1.0.1.xsl",
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


# One SunatCheck JVM per test process, started at the first judgement: each stylesheet compiles
# once (seconds each, the bulk of a run), later calls only run their documents. C1 alone and the
# serial collector halve the compilation's cost in a JVM this short-lived.
_checker: subprocess.Popen | None = None
_checker_errors = tempfile.TemporaryFile()
ANSWER_SECONDS = 300


def _sunat_check() -> subprocess.Popen:
    global _checker
    if _checker is None or _checker.poll() is not None:
        _checker = subprocess.Popen(
            ["java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", str(SAXON_JAR), str(DRIVER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=_checker_errors,
            text=True,
            encoding="utf-8",
        )
        atexit.register(_checker.kill)
    return _checker


def _judged(request: str) -> str:
    """SunatCheck's answer line for one request line, or a failure naming why none came."""
    checker = _sunat_check()
    assert checker.stdin is not None and checker.stdout is not None
    checker.stdin.write(request + "\n")
    checker.stdin.flush()
    # One request at a time, so nothing waits in the reader's buffer when select looks.
    ready, _, _ = select.select([checker.stdout], [], [], ANSWER_SECONDS)
    answer = checker.stdout.readline() if ready else ""
    if not answer:
        checker.kill()
        checker.wait()
        _checker_errors.seek(0)
        pytest.fail(
            f"SunatCheck gave no answer for {request}: {_checker_errors.read()[-3000:].decode(errors='replace')}"
        )
    return answer.rstrip("\n")


def sunat_verdicts(receipts) -> list[Verdict]:
    """Each receipt's XML, as stored, judged under the file name the store sends (`<file_name>.zip`).
    Any document with `file_name`, `kind` (a key of STYLESHEETS) and `xml` will do: a summary too."""
    folder = require_stylesheets()
    with tempfile.TemporaryDirectory() as scratch:
        verdicts = []
        for receipt in receipts:
            path = Path(scratch) / f"{receipt.file_name}.xml"
            path.write_text(receipt.xml, encoding="utf-8")
            answer = _judged(f"{folder / STYLESHEETS[receipt.kind]}\t{receipt.file_name}.zip\t{path}")
            answered_path, error, observations = (answer.split("\t") + ["", ""])[:3]
            assert answered_path == str(path), answer
            verdicts.append(
                Verdict(
                    file_name=receipt.file_name,
                    error=_rule(error) if error else "",
                    observations=tuple(o for o in observations.split(" | ") if o),
                )
            )
    return verdicts
