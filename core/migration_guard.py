"""Refuse to migrate a database that is part-way through the old migration chain.

The store's migrations were squashed on 2026-11-25 (docs/operations/deploys.md, "Squashed
migrations"). Some apps have several squashed parts and Django judges each part on its own: on a
database whose old migrations of an app stop exactly where a later part begins, the earlier parts count
as applied, and the later part, which creates nothing (a new database got everything from the first),
would be recorded while the tables stay as the old migrations left them. Such a database first finishes
the old chain with the last release before the squash.

Django records the old names when it applies a squashed part, so a new database whose first `migrate`
stopped part-way looks the same in django_migrations: it is told apart by its tables, which already
have every column of today's models, and is let through.
"""

from django.core.management.base import CommandError
from django.db import connections
from django.db.migrations.recorder import MigrationRecorder

SQUASHED = "_squashed_"


def tables_differ_from_the_models(app_config, connection) -> bool:
    """Whether a table of the app is missing or has other columns than the app's models (as the
    migration state has them before this `migrate`) say."""
    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
        for model in app_config.get_models():
            if not model._meta.managed or model._meta.proxy:
                continue
            if model._meta.db_table not in tables:
                return True
            columns = {c.name for c in connection.introspection.get_table_description(cursor, model._meta.db_table)}
            if columns != {field.column for field in model._meta.local_concrete_fields}:
                return True
    return False


def refuse_part_way_through_the_old_chain(sender, using: str, plan=None, apps=None, **kwargs) -> None:
    """pre_migrate: a squashed part that creates nothing, about to run on an app whose tables were made
    by the old migrations."""
    empty_parts = {m.app_label: m.name for m, backwards in plan or () if m.replaces and not m.operations}
    if not empty_parts:
        return
    connection = connections[using]
    recorded = MigrationRecorder(connection).applied_migrations()
    part_way = []
    for app_label, name in sorted(empty_parts.items()):
        old = sorted(n for a, n in recorded if a == app_label and SQUASHED not in n)
        if old and apps is not None and tables_differ_from_the_models(apps.get_app_config(app_label), connection):
            part_way.append(f"{app_label} (old migrations up to {old[-1]}, then {name})")
    if part_way:
        raise CommandError(
            "This database is part-way through the migrations replaced on 2026-11-25: "
            + ", ".join(part_way)
            + ". Migrate it first with the last release before the squash (commit 44613e4), then with this "
            "one (docs/operations/deploys.md, 'Squashed migrations')."
        )
