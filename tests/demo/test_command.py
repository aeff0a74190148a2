import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from demo.management.commands import demo_data

ROOT = Path(__file__).resolve().parents[2]


def run_demo_command(monkeypatch, tmp_path) -> str:
    monkeypatch.setattr(demo_data, "DEMO_STEPS", [])  # the users only: each step is tested in its app
    monkeypatch.setattr(demo_data, "CREDENTIALS_FILE", tmp_path / "admin.json")
    out = StringIO()
    call_command("demo_data", verbosity=0, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("host", "port", "expected"),
    [
        (None, None, "http://127.0.0.1:8000"),
        ("127.0.0.1", "8100", "http://127.0.0.1:8100"),
        ("0.0.0.0", "8100", "http://127.0.0.1:8100"),
        ("localhost", "9000", "http://localhost:9000"),
    ],
)
def test_the_printed_addresses_follow_host_and_port(monkeypatch, tmp_path, host, port, expected):
    for name, value in (("HOST", host), ("PORT", port)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)

    out = run_demo_command(monkeypatch, tmp_path)

    assert f"Gestión:     {expected}/admin/" in out
    assert f"Tienda:      {expected}/" in out
    if expected != "http://127.0.0.1:8000":
        assert ":8000" not in out


def test_make_run_passes_host_and_port_to_the_demo_command():
    """`make -n` prints the recipe without running it."""
    recipe = subprocess.run(
        ["make", "-n", "run", "PORT=8100"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert "HOST=127.0.0.1 PORT=8100 .venv/bin/python manage.py demo_data" in recipe
    assert "runserver 127.0.0.1:8100" in recipe


def test_readme_mentions_host_and_port():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "`PORT`" in readme and "`HOST`" in readme
