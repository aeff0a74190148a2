"""Race-free running numbers: order, return, store-credit and purchase-order numbers and
receipt correlatives all count in core.models.Counter."""

from typing import Any, cast

from django.db import connection
from django.db.models import Field

from .models import Counter


def counter_next(*, scope: str, key: str) -> int:
    """Add one to the counter (scope, key), creating it at 1, and return the new value.

    One upsert statement, so two transactions can never get the same value: the second waits
    for the first's row lock until it commits or rolls back (a rollback leaves a gap, never a
    repeat). PostgreSQL and SQLite ≥ 3.35 both run it. Call it inside the transaction that
    uses the number, as late as possible: it holds the row lock until that transaction ends."""
    quote = connection.ops.quote_name
    table = quote(Counter._meta.db_table)
    scope_column, key_column, last_column = (
        quote(cast("Field[Any, Any]", Counter._meta.get_field(name)).column) for name in ("scope", "key", "last")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({scope_column}, {key_column}, {last_column}) VALUES (%s, %s, 1) "
            f"ON CONFLICT ({scope_column}, {key_column}) DO UPDATE SET {last_column} = {table}.{last_column} + 1 "
            f"RETURNING {last_column}",
            [scope, key],
        )
        return cursor.fetchone()[0]
