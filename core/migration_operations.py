"""Helpers for migrations that use PostgreSQL-only features.

The embedded default database is SQLite (DATABASE_URL unset): a migration that adds a
PostgreSQL-only object (an exclusion constraint, a function, a text search configuration)
runs its SQL on PostgreSQL and skips it elsewhere, where the application keeps a portable
check or query instead.
"""

from django.db.migrations.operations import CreateModel
from django.db.migrations.operations.base import Operation
from django.db.migrations.state import ModelState


def run_on_postgresql(sql: str):
    """A RunPython function that executes `sql` on PostgreSQL and does nothing on other databases."""

    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class CreateModels(Operation):
    """Several CreateModel at once, for the squashed migrations, whose models are all new
    (docs/operations/deploys.md). Django renders the migration state's models again after each
    CreateModel, with every model related to the new one, recursively: one pointing at the user model
    renders most of the project again. Here the state is rendered again once for all of them."""

    reduces_to_sql = True
    reversible = True

    def __init__(self, operations: list[CreateModel]):
        self.operations = operations
        super().__init__()

    def deconstruct(self):
        return (self.__class__.__qualname__, [], {"operations": self.operations})

    def state_forwards(self, app_label, state):
        keys = []
        for operation in self.operations:
            key = (app_label, operation.name_lower)
            state.models[key] = ModelState(
                app_label,
                operation.name,
                list(operation.fields),
                dict(operation.options),
                tuple(operation.bases),
                list(operation.managers),
            )
            if state._relations is not None:
                state.resolve_model_relations(key)
            keys.append(key)
        state.reload_models(keys, delay=False)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        for operation in self.operations:
            operation.database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        for operation in reversed(self.operations):
            operation.database_backwards(app_label, schema_editor, from_state, to_state)

    def describe(self):
        return f"Create models {', '.join(operation.name for operation in self.operations)}"
