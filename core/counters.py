"""Race-free running numbers (order numbers, purchase order numbers)."""

from django.db import connection


def counter_next(model, *, key, key_field: str, value_field: str) -> int:
    """Add one to the counter row `key` of `model` (creating it at 1) and return the new value.

    One upsert statement, so two transactions can never get the same value: the second waits
    for the first's row lock until it commits or rolls back (a rollback leaves a gap, never a
    repeat). PostgreSQL and SQLite ≥ 3.35 both run it. Call it inside the transaction that
    uses the number, as late as possible: it holds the row lock until that transaction ends."""
    table = connection.ops.quote_name(model._meta.db_table)
    key_column, value_column = (connection.ops.quote_name(name) for name in (key_field, value_field))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({key_column}, {value_column}) VALUES (%s, 1) "
            f"ON CONFLICT ({key_column}) DO UPDATE SET {value_column} = {table}.{value_column} + 1 "
            f"RETURNING {value_column}",
            [key],
        )
        return cursor.fetchone()[0]
