"""Helpers for migrations that use PostgreSQL-only features.

The embedded default database is SQLite (DATABASE_URL unset): a migration that adds a
PostgreSQL-only object (an exclusion constraint, a function, a text search configuration)
runs its SQL on PostgreSQL and skips it elsewhere, where the application keeps a portable
check or query instead.
"""


def run_on_postgresql(sql: str):
    """A RunPython function that executes `sql` on PostgreSQL and does nothing on other databases."""

    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run
