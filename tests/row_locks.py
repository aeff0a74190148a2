"""What a `SELECT ... FOR UPDATE` locks, watched in every test. PostgreSQL locks the rows of every
table the statement joins unless `OF` names the ones meant, so `select_for_update()` beside
`select_related()` also locked what was only read: a payment's method (which every shopper paying by
card shares, and which each new payment's foreign key waits on), a purchase order's variants (which
every checkout selling them waits on). A statement that joins a table and does not name the tables
it locks fails the test that ran it: pass `of=("self",)`, or name the related rows meant."""

import re

from django.db.backends.signals import connection_created

_found: list[str] = []
# Quoted names and string literals first, so the words inside them are not read as SQL.
_TOKEN = re.compile(r'"[^"]*"|\'(?:[^\']|\'\')*\'|(\()|(\))|\b(JOIN|FOR|OF)\b', re.IGNORECASE)


def locks_joined_rows(sql: str) -> bool:
    """Whether the statement locks rows (FOR UPDATE / FOR NO KEY UPDATE) and joins a table at its
    top level (a subquery's joins lock nothing) without naming, by OF, the tables it locks."""
    if not sql.lstrip().startswith("SELECT") or (" FOR UPDATE" not in sql and " FOR NO KEY UPDATE" not in sql):
        return False  # a function's definition holds its statements as text
    depth, joins, locking, named = 0, False, False, False
    for opening, closing, word in _TOKEN.findall(sql):
        if opening or closing:
            depth += 1 if opening else -1
        elif depth == 0 and word:
            word = word.upper()
            joins = joins or word == "JOIN"
            locking = locking or word == "FOR"
            named = named or (word == "OF" and locking)
    return joins and not named


def _observe(execute, sql, params, many, context):
    if locks_joined_rows(sql):
        _found.append(sql)
    return execute(sql, params, many, context)


def _watch(sender, connection, **kwargs) -> None:
    if _observe not in connection.execute_wrappers:
        connection.execute_wrappers.append(_observe)


def install() -> None:
    """Every connection from now on, a thread's included, and those open already."""
    from django.db import connections

    connection_created.connect(_watch, dispatch_uid="tests.row_locks")
    for connection in connections.all(initialized_only=True):
        _watch(None, connection)


def forget() -> None:
    _found.clear()


def found() -> list[str]:
    return list(_found)
