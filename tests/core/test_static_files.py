"""Production static files: the manifest storage either finds its manifest or the server
refuses to start with the command to run (never a 500 on every page)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import override_settings

from core.checks import missing_static_manifest, require_collected_static, static_manifest_check

ROOT = Path(__file__).resolve().parents[2]
MANIFEST_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


def test_without_collected_files_the_check_and_the_start_say_what_to_run(tmp_path):
    with override_settings(STORAGES=MANIFEST_STORAGES, STATIC_ROOT=str(tmp_path)):
        message = missing_static_manifest()
        [error] = static_manifest_check()
        with pytest.raises(ImproperlyConfigured, match="collectstatic --noinput"):
            require_collected_static()

    assert "collectstatic --noinput" in message and str(tmp_path) in message
    assert error.id == "core.E001"


def test_with_collected_files_everything_starts(tmp_path):
    with override_settings(STORAGES=MANIFEST_STORAGES, STATIC_ROOT=str(tmp_path)):
        call_command("collectstatic", "--noinput", verbosity=0)
        assert missing_static_manifest() is None
        assert static_manifest_check() == []
        require_collected_static()  # no error
        manifest = json.loads((tmp_path / "staticfiles.json").read_text())
    assert "css/store.css" in manifest["paths"]


def test_development_storage_needs_no_manifest():
    assert missing_static_manifest() is None


def test_the_production_wsgi_entry_point_refuses_to_start_without_static_files(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "k" * 60,
        "ALLOWED_HOSTS": "tienda.example.pe",
        "STATIC_ROOT": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-c", "import config.wsgi"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "collectstatic --noinput" in result.stderr


def _unclosed_blocks(css: str) -> list[int]:
    """The lines where a `{` opens a block that no `}` closes (comments and strings skipped)."""
    opened, line, index = [], 1, 0
    while index < len(css):
        if css.startswith("/*", index):
            end = css.index("*/", index + 2) + 2
            line += css.count("\n", index, end)
            index = end
            continue
        char = css[index]
        if char in "\"'":
            end = css.index(char, index + 1) + 1
            index = end
            continue
        if char == "\n":
            line += 1
        elif char == "{":
            opened.append(line)
        elif char == "}":
            assert opened, f"a `}}` closes nothing on line {line}"
            opened.pop()
        index += 1
    return opened


@pytest.mark.parametrize("stylesheet", sorted((ROOT / "static" / "css").glob("*.css")), ids=lambda p: p.name)
def test_every_rule_of_a_stylesheet_is_closed(stylesheet):
    # One missing `}` turns every later rule into a nested selector that matches nothing.
    assert _unclosed_blocks(stylesheet.read_text(encoding="utf-8")) == []
