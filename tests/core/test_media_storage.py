"""Uploads go to S3-compatible object storage when a bucket is named (production settings,
django-storages), to the local disk otherwise; the pictures' URLs are plain (no signature) so a
CDN caches them."""

import json
import os
import subprocess
import sys

import pytest


def production_settings(**env) -> dict:
    """The production settings under these variables, read in a process of their own (importing
    them here would change the running test settings they share objects with)."""
    environ = {name: value for name, value in os.environ.items() if not name.startswith("MEDIA_")}
    environ.update(SECRET_KEY="k" * 60, ALLOWED_HOSTS="tienda.example.pe", **env)
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json, config.settings.production as p; print(json.dumps({'STORAGES': p.STORAGES}))",
        ],
        capture_output=True,
        text=True,
        env=environ,
        timeout=60,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_without_a_bucket_uploads_stay_on_the_local_disk(monkeypatch):
    storages = production_settings()["STORAGES"]
    assert storages["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"


def test_a_bucket_puts_uploads_in_object_storage(monkeypatch):
    storages = production_settings(
        MEDIA_S3_BUCKET="kallpa-media", MEDIA_S3_ENDPOINT_URL="https://abc.r2.cloudflarestorage.com"
    )["STORAGES"]
    default = storages["default"]
    assert default["BACKEND"] == "storages.backends.s3.S3Storage"
    assert default["OPTIONS"]["bucket_name"] == "kallpa-media"
    assert default["OPTIONS"]["endpoint_url"] == "https://abc.r2.cloudflarestorage.com"
    assert default["OPTIONS"]["querystring_auth"] is False
    assert storages["staticfiles"]["BACKEND"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_object_storage_urls_are_plain_and_go_through_the_cdn(monkeypatch):
    s3 = pytest.importorskip("storages.backends.s3")  # django-storages[s3], in requirements.lock
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test-key")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test-secret")
    options = production_settings(
        MEDIA_S3_BUCKET="kallpa-media",
        MEDIA_CDN_DOMAIN="media.kallpa.pe",
        MEDIA_S3_ENDPOINT_URL="http://127.0.0.1:9000",
    )["STORAGES"]["default"]["OPTIONS"]
    assert (
        s3.S3Storage(**options).url("products/2026/11/casaca.webp")
        == "https://media.kallpa.pe/media/products/2026/11/casaca.webp"
    )
    options["custom_domain"] = None
    url = s3.S3Storage(**options).url("products/casaca.webp")
    assert url == "http://127.0.0.1:9000/kallpa-media/media/products/casaca.webp"  # no signature to expire
