"""Deploys without downtime (issue 49): a migration runs while the previous release still serves
(`make deploy` migrates first, then replaces the nodes one at a time), on tables the shop is busy
with. django-migration-linter reads the SQL each new migration would run on PostgreSQL and refuses
what breaks the release still running (a column dropped or renamed, NOT NULL without a database
default, a column's type changed) or locks a busy table while it works (an index built without
CONCURRENTLY, a unique constraint added to a table that exists). The migrations applied before
this check are listed in migration_baseline.txt and not judged again. How to write a migration
that passes: docs/operations/deploys.md."""

import shutil
import sys
import textwrap
import uuid
from pathlib import Path

import pytest
from django.apps import apps
from django.db.migrations.loader import MigrationLoader
from django.test import override_settings
from django_migration_linter import MigrationLinter
from django_migration_linter.migration_linter import MessageType

from tests.factories import ON_POSTGRESQL

ROOT = Path(__file__).resolve().parents[2]
BASELINE = Path(__file__).with_name("migration_baseline.txt")
# The linter's warnings that are a table locked for as long as the statement runs: refused here.
LOCKING = ["CREATE_INDEX", "CREATE_INDEX_EXCLUSIVE", "DROP_INDEX", "REINDEX"]

pytestmark = [ON_POSTGRESQL, pytest.mark.django_db]


def _baseline() -> set[tuple[str, str]]:
    lines = BASELINE.read_text().splitlines()
    return {tuple(line.split(".", 1)) for line in lines if line and not line.startswith("#")}


class BaselinedLinter(MigrationLinter):
    """The linter over the project's own apps (a library's migrations come with its upgrade), the
    migrations of the baseline left out by app and name (the linter's own --ignore-name would
    leave out every app's 0001_initial, a new app's included). A migration that is safe for a reason
    the linter cannot see says why in its `safe_under_load_because` attribute (the linter's own
    IgnoreMigration operation would make the migration import a development tool in production)."""

    def __init__(self, baseline: set[tuple[str, str]]):
        project_apps = [config.label for config in apps.get_app_configs() if Path(config.path).resolve().parent == ROOT]
        assert project_apps, "no app found in the repository: an empty list would lint every library's migrations"
        super().__init__(include_apps=project_apps, warnings_as_errors_tests=LOCKING, no_cache=True)
        self.baseline = baseline

    def lint_migration(self, migration):
        reason = getattr(migration, "safe_under_load_because", "")
        if reason and (migration.app_label, migration.name) not in self.baseline:
            self.nb_total += 1
            self.nb_ignored += 1
            self.print_linting_msg(migration.app_label, migration.name, f"IGNORE ({reason})", MessageType.IGNORE)
            return
        super().lint_migration(migration)

    def should_ignore_migration(self, app_label, migration_name, operations=(), is_initial=False):
        if (app_label, migration_name) in self.baseline:
            return True
        return super().should_ignore_migration(app_label, migration_name, operations, is_initial)


def lint(baseline: set[tuple[str, str]]) -> BaselinedLinter:
    linter = BaselinedLinter(baseline)
    linter.lint_all_migrations()
    linter.print_summary()
    return linter


def test_every_migration_since_the_baseline_is_safe_to_run_under_load():
    linter = lint(_baseline())
    assert not linter.has_errors, (
        "a migration would break the release still serving or lock a busy table (the linter's "
        "findings are printed above); docs/operations/deploys.md says how to write it safely"
    )


def test_the_baseline_names_only_migrations_that_exist():
    """A baseline entry whose file was renamed or squashed would hide nothing, or worse, a new one."""
    on_disk = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    assert _baseline() - on_disk == set()


# --- the check refuses what it must (a migration of orders, the busiest table, written in a copy
# of orders' migrations: the real folder is shared with the other test processes) ---------------


def _orders_with(tmp_path, monkeypatch, name: str, body: str) -> tuple[str, str]:
    package = f"orders_migrations_{uuid.uuid4().hex}"  # a new module name: nothing imported before answers
    shutil.copytree(ROOT / "orders" / "migrations", tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    leaf = MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes("orders")[0][1]
    (tmp_path / package / f"{name}.py").write_text(
        "from django.contrib.postgres.operations import AddIndexConcurrently  # noqa: F401\n"
        "from django.db import migrations, models\n\n\n"
        "class Migration(migrations.Migration):\n"
        f"    dependencies = [('orders', '{leaf}')]\n" + textwrap.indent(textwrap.dedent(body), "    ")
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    return package, name


def _judged(tmp_path, monkeypatch, body: str, capsys) -> tuple[bool, str]:
    package, name = _orders_with(tmp_path, monkeypatch, "0999_under_test", body)
    everything_else = {key for key in MigrationLoader(None).disk_migrations if key != ("orders", name)}
    with override_settings(MIGRATION_MODULES={"orders": package}):
        linter = lint(everything_else)
    return linter.has_errors, capsys.readouterr().out


UNSAFE = {
    "a NOT NULL column whose default only Django knows": """
        operations = [migrations.AddField("order", "gift_note", models.CharField(max_length=80, default=""))]
    """,
    "an index built while the table is locked for writes": """
        operations = [migrations.AddIndex("order", models.Index(fields=["email", "placed_at"], name="order_email_placed"))]
    """,
    "a column dropped under the release that still reads it": """
        operations = [migrations.RemoveField("order", "email")]
    """,
    "a column's type changed (the table rewritten under a lock)": """
        operations = [migrations.AlterField("order", "email", models.TextField())]
    """,
}


@pytest.mark.parametrize("body", UNSAFE.values(), ids=UNSAFE.keys())
def test_a_migration_that_locks_orders_or_breaks_the_running_release_is_refused(tmp_path, monkeypatch, capsys, body):
    refused, findings = _judged(tmp_path, monkeypatch, body, capsys)
    assert refused, findings
    assert "(orders, 0999_under_test)... ERR" in findings


SAFE = {
    "a nullable column": """
        operations = [migrations.AddField("order", "gift_note", models.CharField(max_length=80, null=True))]
    """,
    "a NOT NULL column with the database's own default": """
        operations = [migrations.AddField("order", "gift_note", models.CharField(max_length=80, db_default=""))]
    """,
    "an index built concurrently, outside a transaction": """
        atomic = False
        operations = [AddIndexConcurrently("order", models.Index(fields=["email", "placed_at"], name="order_email_placed"))]
    """,
}


# transaction=True: a test's transaction would refuse AddIndexConcurrently as the migration's would.
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("body", SAFE.values(), ids=SAFE.keys())
def test_the_expand_step_of_the_same_change_passes(tmp_path, monkeypatch, capsys, body):
    refused, findings = _judged(tmp_path, monkeypatch, body, capsys)
    assert not refused, findings
    assert "(orders, 0999_under_test)... OK" in findings


def test_a_migration_may_say_why_it_is_safe_where_the_linter_cannot_see_it(tmp_path, monkeypatch, capsys):
    refused, findings = _judged(
        tmp_path,
        monkeypatch,
        """
        safe_under_load_because = "orders has no row yet on the day this runs"
        operations = [migrations.RemoveField("order", "email")]
        """,
        capsys,
    )
    assert not refused, findings
    assert "(orders, 0999_under_test)... IGNORE (orders has no row yet on the day this runs)" in findings
