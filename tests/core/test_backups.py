"""Backups that restore (docs/operations/backups.md): the restore drill run for real (a throwaway
PostgreSQL archiving to pgBackRest, orders, a base backup, more orders, a restore to the moment
between, the store on it, the figures compared), and the containers' primary wired to pgBackRest
the way scripts/backup wires the cluster's."""

import subprocess
import sys
from pathlib import Path

import yaml
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def test_the_restore_drill_brings_back_the_moment_between_two_batches_of_orders(db):
    command = [sys.executable, "scripts/backup_drill.py"]
    if connection.vendor == "postgresql":
        # The test database is migrated already: the drill copies it (what is committed: the
        # migrations' rows) rather than migrating anew.
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_database()")
            name = cursor.fetchone()[0]
        settings = connection.settings_dict
        source = f"postgres://{settings['USER']}:{settings['PASSWORD']}@{settings['HOST']}:{settings['PORT']}/{name}"
        command += ["--schema-from", source]
    drill = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=900)
    output = drill.stdout + drill.stderr
    assert drill.returncode == 0, output
    assert "the restore matches the moment" in drill.stdout, output
    compared = [line for line in drill.stdout.splitlines() if line.rstrip().endswith(" ok") or "  ok  " in line]
    assert len(compared) >= 10, output  # every figure and the media files, each said "ok"
    assert "DIFFERENT" not in drill.stdout
    for check in ("manage.py check --database default", "manage.py inventory_verify", "GET /healthz"):
        assert check in drill.stdout, output
    assert "200, database ok" in drill.stdout, output


def test_a_restore_target_that_is_not_a_moment_is_refused_before_anything_is_touched(tmp_path):
    refused = subprocess.run(
        [str(ROOT / "scripts/backup"), "restore", "ayer por la tarde", str(tmp_path / "data")],
        env={"PATH": "/usr/bin:/bin", "CLUSTER_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
    )
    assert refused.returncode == 2
    assert "not a moment: ayer por la tarde" in refused.stderr
    assert not (tmp_path / "data").exists()


def test_the_containers_primary_archives_to_pgbackrest_with_the_repository_and_media_in_volumes():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    postgres = compose["services"]["postgres"]
    dockerfile = (ROOT / postgres["build"]["dockerfile"]).read_text()
    env = dict(
        word.split("=", 1)
        for line in dockerfile.replace("\\\n", " ").splitlines()
        if line.startswith("ENV ")
        for word in line.split()[1:]
    )
    command = postgres["command"]
    assert "archive_mode=on" in command
    assert f"archive_command=pgbackrest --config={env['BACKUP_CONFIG']} --stanza=tienda archive-push %p" in command
    assert f"backups:{env['BACKUP_REPO']}" in postgres["volumes"]
    assert f"media:{env['BACKUP_MEDIA_ROOT']}" in postgres["volumes"]
    assert "backups" in compose["volumes"]
    # The superuser the image creates is the one pgBackRest connects as.
    assert env["BACKUP_PG_USER"] == postgres["environment"]["POSTGRES_USER"]
    assert "scripts/backup" in dockerfile and "backup-init.sh" in dockerfile
