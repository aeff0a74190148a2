"""The restore drill (`make backup-drill`, docs/operations/backups.md): proves that the backups restore.

On a throwaway PostgreSQL (initdb in a temporary folder, a free port) archiving its WAL to a
throwaway pgBackRest repository, through scripts/backup as the runbook uses it: the store is
migrated, orders are written through the store's own services (paid, cancelled, left unpaid: stock
movements, payments, receipts), a full base backup with a media snapshot is taken, more orders are
written, the moment is noted with what the store holds then, more orders again; then PostgreSQL is
restored to that moment into a new data folder and started there, the store starts on it
(`manage.py check --database default`, `migrate --check`, `inventory_verify`, /healthz) and the
counts and money totals read from it are compared with the ones noted at the moment. It prints
what it compared and exits 1 on any difference.

    .venv/bin/python scripts/backup_drill.py [--keep] [--schema-from DATABASE_URL]

--keep leaves the folder for a look. --schema-from copies an already migrated database (pg_dump)
instead of running every migration (a minute of CPU): what the test suite does with its own test
database; `migrate` still runs after it, and must find nothing to do.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "tienda"
AS_ROOT = os.geteuid() == 0
SERVICE_USER = "postgres" if AS_ROOT else ""
ORDERS_PER_STEP = 4


def pg_bin(tool: str) -> str:
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda path: int(path.parent.name))
    if not versions:
        sys.exit("PostgreSQL is missing (make cluster-deps installs it)")
    return str(versions[-1] / tool)


def as_service(*command: str, env: dict[str, str] | None = None, capture: bool = False) -> str:
    """Run a PostgreSQL or pgBackRest command; as root, as `postgres` (PostgreSQL refuses root)."""
    prefix = ["runuser", "-u", SERVICE_USER, "--"] if AS_ROOT else []
    result = subprocess.run(
        [*prefix, *command], env=env, check=True, text=True, stdout=subprocess.PIPE if capture else None
    )
    return result.stdout if capture else ""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Drill:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port, self.restored_port = free_port(), free_port()
        self.primary, self.restored = folder / "primary", folder / "restored"
        self.media, self.restored_media = folder / "media", folder / "media-restored"
        self.backup_env = {
            **os.environ,
            "CLUSTER_DIR": str(folder),
            "BACKUP_PG_DATA": str(self.primary),
            "BACKUP_PG_PORT": str(self.port),
            "BACKUP_PG_SOCKET": str(folder),
            "BACKUP_REPO": str(folder / "repository"),
            "BACKUP_MEDIA_ROOT": str(self.media),
            "BACKUP_CONFIG": str(folder / "pgbackrest.conf"),
        }

    def url(self, port: int) -> str:
        return f"postgres://postgres@127.0.0.1:{port}/{DATABASE}"

    def app_env(self, port: int, media: Path) -> dict[str, str]:
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.base",
            "DATABASE_URL": self.url(port),
            "MEDIA_ROOT": str(media),
            "EMAIL_URL": "dummymail://",
            "IN_PROCESS_SCHEDULER": "false",
            "LOG_LEVEL": "WARNING",
            "ALLOWED_HOSTS": "testserver,127.0.0.1",
            "REDIS_URL": "",
            "CELERY_BROKER_URL": "",
        }

    def copy_schema(self, source_url: str) -> None:
        dump = subprocess.run(
            [pg_bin("pg_dump"), "--no-owner", "--no-privileges", "-d", source_url], check=True, stdout=subprocess.PIPE
        ).stdout
        subprocess.run(
            [pg_bin("psql"), "-q", "-v", "ON_ERROR_STOP=1", "-d", self.url(self.port)], input=dump, check=True,
            stdout=subprocess.DEVNULL,
        )  # fmt: skip

    def backup(self, *args: str) -> None:
        subprocess.run(
            [str(ROOT / "scripts/backup"), *args], env=self.backup_env, check=True, stdout=subprocess.DEVNULL
        )

    def start_primary(self) -> None:
        as_service(pg_bin("initdb"), "-D", str(self.primary), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                   "--locale=C.UTF-8", capture=True)  # fmt: skip
        archive = subprocess.run(
            [str(ROOT / "scripts/backup"), "postgres-settings"], env=self.backup_env, check=True, text=True,
            stdout=subprocess.PIPE,
        ).stdout  # fmt: skip
        with (self.primary / "postgresql.conf").open("a") as conf:
            conf.write(
                f"listen_addresses = '127.0.0.1'\nport = {self.port}\nunix_socket_directories = '{self.folder}'\n"
                "jit = off\npg_trgm.word_similarity_threshold = 0.45\n"
                # Throwaway: what the drill proves is the archive and the restore, not the disk's flush.
                "fsync = off\nfull_page_writes = on\n" + archive
            )
        as_service(pg_bin("pg_ctl"), "-D", str(self.primary), "-l", str(self.folder / "primary.log"), "-w", "start",
                   capture=True)  # fmt: skip
        as_service(pg_bin("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", DATABASE)
        self.backup("init")

    def stop(self, data: Path) -> None:
        if (data / "postmaster.pid").exists():
            as_service(pg_bin("pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop", capture=True)

    def start_restored(self) -> None:
        as_service(pg_bin("pg_ctl"), "-D", str(self.restored), "-l", str(self.folder / "restored.log"), "-w",
                   "-o", f"-p {self.restored_port}", "start", capture=True)  # fmt: skip
        # Started, it replays the archived WAL up to the moment, then is promoted.
        for _ in range(240):
            state = as_service(pg_bin("psql"), "-h", "127.0.0.1", "-p", str(self.restored_port), "-U", "postgres",
                               "-qAtc", "SELECT pg_is_in_recovery()", DATABASE, capture=True)  # fmt: skip
            if state.strip() == "f":
                return
            time.sleep(0.25)
        sys.exit("the restored PostgreSQL did not finish its recovery (restored.log)")

    def on_restored(self) -> dict[str, Any]:
        """The store started on the restored database, in a process of its own: its answers and figures."""
        result = subprocess.run(
            [sys.executable, __file__, "--on-restored"], cwd=ROOT, env=self.app_env(self.restored_port, self.restored_media),
            text=True, stdout=subprocess.PIPE, check=True,
        )  # fmt: skip
        return dict(json.loads(result.stdout))


# --- inside Django (the store's own code) ------------------------------------------------------


def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def write_orders(step: str) -> None:
    """Orders as the shop makes them: paid through the test gateway, one cancelled, one left unpaid."""
    from orders.services import order_cancel

    # The test suite's builders (tests/factories.py), through the store's services; imported by name
    # so the type checker leaves the tests' module to the tests.
    build = importlib.import_module("tests.factories")
    warehouse = build.WarehouseFactory(name=f"Almacén {step}")
    variants = [build.stocked_variant(warehouse, units=40, price=price) for price in ("59.90", "129.50", "18.35")]
    build.ProductImageFactory(product=variants[0].product, image=build.png_file(f"drill-{step}.png"))
    for index in range(ORDERS_PER_STEP):
        lines = [build.line_for(variants[index % 3], quantity=index + 1), build.line_for(variants[2], quantity=1)]
        order = build.make_order(lines=lines)
        if index == ORDERS_PER_STEP - 1:
            order_cancel(order=order, actor=None, reason="Prueba de restauración", by_customer=True)
        elif index == ORDERS_PER_STEP - 2:
            continue  # left waiting for its payment: its units stay held
        else:
            build.pay(order)


def figures() -> dict[str, Any]:
    """What the store holds: counts and money totals (as text: exact decimals) the restore must match."""
    from django.db.models import Count, Sum

    from catalog.models import ProductImage
    from inventory.models import Movement, Reservation, StockLevel
    from orders.models import Order, OrderLine
    from payments.models import Payment
    from receipts.models import Receipt

    def total(queryset: Any, field: str) -> str:
        return str(queryset.aggregate(value=Sum(field))["value"] or Decimal("0.00"))

    by_status = {row["status"]: row["n"] for row in Order.objects.values("status").annotate(n=Count("pk"))}
    paid = Payment.objects.filter(status=Payment.Status.SUCCEEDED)
    return {
        "orders": Order.objects.count(),
        **{f"orders {status}": by_status[status] for status in sorted(by_status)},
        "order lines": OrderLine.objects.count(),
        "orders total (S/)": total(Order.objects.all(), "total"),
        "payments succeeded": paid.count(),
        "payments total (S/)": total(paid, "amount"),
        "receipts": Receipt.objects.count(),
        "receipts total (S/)": total(Receipt.objects.all(), "total"),
        "stock movements": Movement.objects.count(),
        "stock movements' units": str(Movement.objects.aggregate(value=Sum("quantity"))["value"] or 0),
        "units on hand": str(StockLevel.objects.aggregate(value=Sum("on_hand"))["value"] or 0),
        "stock holds (any state)": Reservation.objects.count(),
        "product pictures": ProductImage.objects.count(),
    }


def store_on_restored() -> dict[str, Any]:
    """What the drill asks the store running on the restored database (one process: one start-up)."""
    from io import StringIO

    from django.core.files.storage import default_storage
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from catalog.models import ProductImage

    answers = {}
    for title, command in (
        ("manage.py check --database default", ("check", "--database", "default")),
        ("manage.py migrate --check", ("migrate", "--check")),
        ("manage.py inventory_verify", ("inventory_verify",)),
    ):
        out = StringIO()
        try:
            call_command(*command, stdout=out, stderr=out)
            answers[title] = (out.getvalue().strip().splitlines() or ["ok"])[-1]
        except (CommandError, SystemExit) as error:
            answers[title] = f"FAILED: {error} {out.getvalue().strip()}"
    answers["GET /healthz"] = healthz()
    pictures = ProductImage.objects.all()
    without_file = sum(not default_storage.exists(picture.image.name) for picture in pictures)
    return {"answers": answers, "figures": figures(), "pictures without a file": without_file}


def healthz() -> str:
    from django.test import Client

    response = Client().get("/healthz")
    database = response.json()["database"]["status"]
    answer = f"{response.status_code}, database {database}"
    return answer if answer == "200, database ok" else f"FAILED: {answer}"


def media_files(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def server_moment() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00'")
        return str(cursor.fetchone()[0])


def archive_everything() -> None:
    """The WAL segment being written is closed and archived, so the restore can replay past the moment."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_walfile_name(pg_switch_wal())")
        segment = cursor.fetchone()[0]
        for _ in range(240):
            cursor.execute("SELECT coalesce(last_archived_wal, '') FROM pg_stat_archiver")
            if cursor.fetchone()[0] >= segment:
                return
            time.sleep(0.25)
    sys.exit(f"WAL segment {segment} was not archived (primary.log)")


def step(title: str, action: Callable[[], Any], clock: float) -> Any:
    value = action()
    print(f"  {time.monotonic() - clock:5.1f} s  {title}", flush=True)
    return value


def run(keep: bool, schema_from: str = "") -> int:
    clock = time.monotonic()
    folder = Path(tempfile.mkdtemp(prefix="tienda-backup-drill-"))
    if AS_ROOT:
        shutil.chown(folder, SERVICE_USER)
    drill = Drill(folder)
    print(f"Restore drill in {folder}")
    try:
        step(f"PostgreSQL on port {drill.port}, archiving to pgBackRest", drill.start_primary, clock)
        setup_django(drill.app_env(drill.port, drill.media))
        from django.core.management import call_command
        from django.db import connections

        if schema_from:
            step("schema copied from an already migrated database", lambda: drill.copy_schema(schema_from), clock)
        step("store migrated", lambda: call_command("migrate", verbosity=0), clock)
        step(f"{ORDERS_PER_STEP} orders written", lambda: write_orders("antes"), clock)
        media_at_backup, pictures_at_backup = media_files(drill.media), figures()["product pictures"]
        step(
            "full base backup and media snapshot (scripts/backup run full)", lambda: drill.backup("run", "full"), clock
        )
        # pgBackRest picks the backup a time target restores from by whole seconds, its stop time strictly
        # before the target: a moment in the very second the backup stopped finds none (seen on a busy machine).
        time.sleep(1 - time.time() % 1)
        step(f"{ORDERS_PER_STEP} more orders", lambda: write_orders("durante"), clock)
        expected, moment = figures(), server_moment()
        print(f"           the moment: {moment}")
        step(f"{ORDERS_PER_STEP} more orders after the moment", lambda: write_orders("despues"), clock)
        latest = figures()

        def archive_and_stop() -> None:
            archive_everything()
            connections.close_all()
            drill.stop(drill.primary)  # the restore must stand without it

        step("WAL archived, primary stopped", archive_and_stop, clock)
        step(
            "restored to the moment into a new data folder (scripts/backup restore)",
            lambda: drill.backup("restore", moment, str(drill.restored), str(drill.restored_media)),
            clock,
        )
        step(f"restored PostgreSQL started on port {drill.restored_port}", drill.start_restored, clock)
        store = step("the store started on the restored database", drill.on_restored, clock)
        media = Media(
            at_backup=media_at_backup,
            restored=media_files(drill.restored_media),
            uploaded_since=expected["product pictures"] - pictures_at_backup,
            without_file=store["pictures without a file"],
        )
        return report(expected, latest, store["figures"], store["answers"], media, clock)
    finally:
        drill.stop(drill.restored)
        drill.stop(drill.primary)
        if keep:
            print(f"left in {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


@dataclass
class Media:
    at_backup: dict[str, str]  # path: SHA-256, when the snapshot was taken
    restored: dict[str, str]
    uploaded_since: int  # pictures uploaded between the snapshot and the moment
    without_file: int  # pictures the restored database names whose file the restored media lack


def report(
    expected: dict[str, Any],
    latest: dict[str, Any],
    restored: dict[str, Any],
    answers: dict[str, str],
    media: Media,
    clock: float,
) -> int:
    print("\nThe store on the restored database:")
    failures = 0
    for command, answer in answers.items():
        failures += answer.startswith("FAILED")
        print(f"  {command:36} {answer}")
    print(f"\n  {'compared':30} {'at the moment':>14} {'restored':>14} {'latest':>14}")
    for name in sorted(expected.keys() | restored.keys(), key=list({**expected, **restored}).index):
        same = restored.get(name) == expected.get(name)
        failures += not same
        row = f"{expected.get(name, '-')!s:>14} {restored.get(name, '-')!s:>14} {latest.get(name, '-')!s:>14}"
        print(f"  {name:30} {row}  {'ok' if same else 'DIFFERENT'}")
    same_files = media.restored == media.at_backup
    failures += not same_files
    print(f"  {'media files, by SHA-256':30} {len(media.at_backup):>14} {len(media.restored):>14} {'':>14}  "
          f"{'ok' if same_files else 'DIFFERENT'}")  # fmt: skip
    # The media come back as the snapshot taken with the base backup: a picture uploaded between it and
    # the moment is named by the restored database without its file (docs/operations/backups.md).
    as_expected = media.without_file == media.uploaded_since
    failures += not as_expected
    print(f"  {'pictures without their file':30} {media.uploaded_since:>14} {media.without_file:>14} {'':>14}  "
          f"{'ok' if as_expected else 'DIFFERENT'}  (uploaded after the media snapshot)")  # fmt: skip
    verdict = "the restore matches the moment" if not failures else f"{failures} check(s) failed"
    print(f"\n{verdict}; drill took {time.monotonic() - clock:.0f} s")
    return 1 if failures else 0


def print_store_on_restored() -> None:
    setup_django({})
    print(json.dumps(store_on_restored()))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--keep", action="store_true", help="leave the drill's folder (PostgreSQL stopped)")
    parser.add_argument("--schema-from", default="", help="copy this migrated database instead of migrating anew")
    parser.add_argument("--on-restored", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.on_restored:
        print_store_on_restored()
    else:
        sys.exit(run(arguments.keep, arguments.schema_from))
