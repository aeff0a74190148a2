"""The alert rules (deploy/prometheus/alerts.yml) and the scrape config, checked by Prometheus' own
promtool: the rules parse, and their unit tests (alerts_test.yml) fire each alert when it should and
not before. promtool comes from Debian's prometheus package (`make test-deps`): missing, this fails."""

import shutil
import subprocess
from pathlib import Path

import pytest

DEPLOY = Path(__file__).resolve().parents[2] / "deploy" / "prometheus"


@pytest.fixture(scope="module")
def promtool() -> str:
    path = shutil.which("promtool")
    assert path, "promtool is missing: `make test-deps` installs Debian's prometheus package"
    return path


@pytest.mark.parametrize(
    "args",
    [["check", "rules", "alerts.yml"], ["check", "config", "prometheus.yml"], ["test", "rules", "alerts_test.yml"]],
    ids=["check-rules", "check-config", "test-rules"],
)
def test_promtool(promtool, args):
    result = subprocess.run([promtool, *args], cwd=DEPLOY, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_alert_is_explained_in_the_docs():
    """docs/operations/metrics.md says what each alert means and what to do (its runbook link)."""
    import yaml

    rules = yaml.safe_load((DEPLOY / "alerts.yml").read_text())
    alerts = [rule for group in rules["groups"] for rule in group["rules"]]
    docs = (DEPLOY.parents[1] / "docs" / "operations" / "metrics.md").read_text()
    assert [rule["alert"] for rule in alerts if f"### {rule['alert']}\n" not in docs] == []
    # Each alert links its own section (MkDocs' anchor: the heading in lower case).
    assert [
        rule["alert"]
        for rule in alerts
        if rule["annotations"]["runbook"] != f"docs/operations/metrics.md#{rule['alert'].lower()}"
    ] == []
