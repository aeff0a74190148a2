"""The moment a query judges time windows at (a discount running, a drop launched), as a parameter
read when the query is compiled (or, compiled once, each time it runs: core.compiled_query), not
when its expressions are built.

Building a queryset whose annotations are correlated subqueries (the cart's discounts, offers and
launches) costs Django several milliseconds of Python per request, most of it resolving them, and a
datetime written into them ties each build to one instant. With `QueryMoment()` in their place the
annotated queryset is built once per process and only filtered per request; `at_moment(now)` names
the instant every `QueryMoment` of the queries run inside it compiles to (one instant for the whole
query, where separate `timezone.now()` calls would each read the clock)."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import Any

from django.db.models import DateTimeField, Expression
from django.utils import timezone

from core import compiled_query

_moment: ContextVar[datetime | None] = ContextVar("query_moment", default=None)


@contextmanager
def at_moment(now: datetime) -> Iterator[datetime]:
    """Queries compiled inside the block judge their QueryMoments at `now`."""
    token = _moment.set(now)
    try:
        yield now
    finally:
        _moment.reset(token)


def moment_now() -> datetime:
    """The moment at_moment names, else the clock."""
    return _moment.get() or timezone.now()


class QueryMoment(Expression):
    """The moment at_moment names, else the clock when the query is compiled, as a parameter."""

    output_field = DateTimeField()

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        # In a query compiled once (core.compiled_query), read each time it runs.
        return "%s", compiled_query.bound(lambda _values: connection.ops.adapt_datetimefield_value(moment_now()))


# What the time-window filters take: an instant, or the moment read at compile time.
Moment = datetime | QueryMoment
