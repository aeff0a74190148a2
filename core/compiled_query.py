"""Querysets whose SQL is compiled once per process, their values bound each time they run.

Django compiles a queryset's SQL every time it is evaluated, and for a query with correlated
subqueries in its annotations (the cart's discounts, offers and launches, a product page's price
reveal) compiling is most of what reading it costs: about 7 ms of Python for the cart's variants,
against under 1 ms for the database to answer. `CompiledQuery` compiles such a query the first time
it runs on a database alias and keeps the SQL and the compiler's description of the columns; later
runs bind this run's values to the same SQL and read the rows as Django would.

Only what `Slot`s name may change between runs: the queryset is built once (with its filters,
ordering, limits and prefetches) and never chained further, so `CompiledQuery` is not a queryset
(a query made from its queryset, a filter or a count, is another query, compiled as Django would).
Its prefetches are compiled on every run: Django writes the rows' ids into them.
A `Slot` stands for one value in the SQL (an id, a slug), `InSlot` for "this column is one of these
values" (`OneOf`, its base, for values known when the queryset is built); a `core.query_moment.QueryMoment` in it is bound to the moment the run judges at."""

import json
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Generic, TypeVar, cast

from django.db.models import BooleanField, Expression, F, Model, QuerySet
from django.db.models.sql.query import Query

M = TypeVar("M", bound=Model)

# The values the slots of the query running now are bound to.
_values: ContextVar[dict[str, Any] | None] = ContextVar("compiled_query_values", default=None)
# Set while CompiledQuery.all copies its queryset: the copy keeps the compiled SQL, no other does.
_copying: ContextVar[bool] = ContextVar("compiled_query_copying", default=False)
# Set while a CompiledQuery's SQL is compiled: a QueryMoment then compiles to a slot, not to the clock.
_compiling: ContextVar[bool] = ContextVar("compiled_query_compiling", default=False)


class _Bound:
    """A parameter of compiled SQL filled when the query runs, by `read` from the run's values."""

    __slots__ = ("read",)

    def __init__(self, read: Callable[[dict[str, Any]], Any]) -> None:
        self.read = read


def compiling() -> bool:
    """Whether a CompiledQuery's SQL is being compiled (its values are bound later)."""
    return _compiling.get()


def bound(read: Callable[[dict[str, Any]], Any]) -> list[Any]:
    """An expression's parameter, `read(values)`: now, or when the query runs if it is compiled once."""
    return [_Bound(read) if compiling() else read(_values.get() or {})]


def _given(name: str, adapt: Callable[[Any], Any] | None = None) -> Callable[[dict[str, Any]], Any]:
    def read(values: dict[str, Any]) -> Any:
        if name not in values:
            raise LookupError(f"no value given for the query's slot {name!r}")
        return adapt(values[name]) if adapt is not None else values[name]

    return read


class Slot(Expression):
    """One value of a CompiledQuery, given when it runs (`CompiledQuery.all(name=value)`)."""

    def __init__(self, name: str, output_field: Any = None) -> None:
        super().__init__(output_field=output_field)
        self.name = name

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        return "%s", bound(_given(self.name))


class OneOf(Expression):
    """`column` is one of `values`, as one parameter whatever their number: `= ANY(%s)` on PostgreSQL, a
    JSON array on SQLite. Django's `__in` writes one placeholder per value, and resolving and splitting
    them costs Python about 15 µs a value: some 15 ms for a search's 1,000 matches, on each of the four
    queries that read them."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, column: str, values: Sequence[Any] = ()) -> None:
        super().__init__()
        self.column, self.values = F(column), values

    def get_source_expressions(self) -> list[Any]:
        return [self.column]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        (self.column,) = exprs

    def _values_param(self, adapt: Callable[[Any], Any]) -> list[Any]:
        return [adapt(self.values)]

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        column, params = compiler.compile(self.column)
        adapt: Callable[[Any], Any]
        if connection.vendor == "postgresql":
            sql, adapt = f"{column} = ANY(%s)", list
        else:
            sql, adapt = f"{column} IN (SELECT value FROM json_each(%s))", lambda values: json.dumps(list(values))
        return sql, [*params, *self._values_param(adapt)]


class InSlot(OneOf):
    """`column` is one of the values given for `name` (a list) when the CompiledQuery runs."""

    def __init__(self, column: str, name: str) -> None:
        super().__init__(column)
        self.name = name

    def _values_param(self, adapt: Callable[[Any], Any]) -> list[Any]:
        return bound(_given(self.name, adapt))


# (query's key, alias, as_sql's arguments) → (sql, params, the compiler's state after compiling)
_COMPILED: dict[tuple, tuple[str, tuple, dict[str, Any]]] = {}
# What ModelIterable and results_iter read from the compiler once as_sql has run.
_STATE = ("select", "klass_info", "annotation_col_map", "col_count", "has_extra_select")
_mixed_classes: dict[type, type] = {}
# The attribute of a connection holding its converters of compiled queries' columns.
_CONVERTERS = "_compiled_query_converters"


class _CompiledOnce:
    """Mixed into the backend's compiler of a CompiledQuery's query."""

    query: Any
    using: str

    def as_sql(self, with_limits: bool = True, with_col_aliases: bool = False) -> tuple[str, list[Any]]:
        key = (self.query.compiled_key, type(self).__name__, self.using, with_limits, with_col_aliases)
        found = _COMPILED.get(key)
        if found is None:
            token = _compiling.set(True)
            try:
                sql, params = super().as_sql(with_limits, with_col_aliases)  # type: ignore[misc]
            finally:
                _compiling.reset(token)
            found = (sql, tuple(params), {name: getattr(self, name) for name in _STATE})
            _COMPILED[key] = found
        else:
            self.__dict__.update(found[2])
        values = _values.get() or {}
        sql, params, _state = found
        return sql, [param.read(values) if isinstance(param, _Bound) else param for param in params]

    def get_converters(self, expressions: Sequence[Any]) -> dict[int, Any]:
        """The columns' converters, worked out once per connection for the compiled SQL's columns (the
        same expressions on every run: as_sql restores them): asking each column for them on every
        run cost as much as binding the values. Kept on the connection, which the bound methods
        among them belong to."""
        key = (self.query.compiled_key, tuple(map(id, expressions)))
        kept = self.connection.__dict__.setdefault(_CONVERTERS, {})  # type: ignore[attr-defined]
        found = kept.get(key)
        if found is None:
            found = kept[key] = super().get_converters(expressions)  # type: ignore[misc]
        return found


class _CompiledOnceQuery(Query):
    compiled_key: str | None

    def clone(self) -> Any:
        """A copy for CompiledQuery.all keeps the compiled SQL; any other (a filter, a count: another
        query) is compiled as Django would."""
        found = cast(_CompiledOnceQuery, super().clone())
        if not _copying.get():
            found.compiled_key = None
        return found

    def get_compiler(self, using: Any = None, connection: Any = None, elide_empty: bool = True) -> Any:
        compiler = super().get_compiler(using, connection, elide_empty)
        if self.compiled_key is None:
            return compiler
        base = type(compiler)
        if base not in _mixed_classes:
            _mixed_classes[base] = type(f"CompiledOnce{base.__name__}", (_CompiledOnce, base), {})
        compiler.__class__ = _mixed_classes[base]
        return compiler


class CompiledQuery(Generic[M]):
    """`queryset` (built once, its varying values as Slots), compiled once per database alias."""

    def __init__(self, queryset: QuerySet[M]) -> None:
        query = cast(_CompiledOnceQuery, queryset.query.chain(klass=_CompiledOnceQuery))
        query.compiled_key = uuid.uuid4().hex  # names its SQL in _COMPILED
        self._queryset = queryset.all()
        # Django's setter makes a query with values() read dicts; values_list() keeps its tuples.
        iterable = self._queryset._iterable_class
        self._queryset.query = query
        self._queryset._iterable_class = iterable

    def all(self, **values: Any) -> list[M]:
        """The rows, with `values` bound to the slots (and prefetches made)."""
        token = _copying.set(True)
        try:
            queryset = self._queryset.all()
        finally:
            _copying.reset(token)
        with _bound_values(values):
            return list(queryset)


@contextmanager
def _bound_values(values: dict[str, Any]) -> Iterator[None]:
    token = _values.set(values)
    try:
        yield
    finally:
        _values.reset(token)


def prefetched(instance: Model, name: str, rows: list[Any], queryset: QuerySet[Any] | None = None) -> None:
    """`instance.<name>.all()` answers `rows` with no query, as after Django's prefetch_related: for rows
    read by a CompiledQuery (a prefetch's query is built and compiled on every run). As Django does, the
    cached queryset is the related manager's own, narrowed by `queryset` (a Prefetch's), so a query made
    from it (a filter) stays within what was read."""
    manager = getattr(instance, name)
    cached = manager._apply_rel_filters(queryset) if queryset is not None else manager.get_queryset()
    cached._result_cache = rows
    cached._prefetch_done = True
    # A many-to-many manager names its cache entry; a reverse foreign key's is its relation's.
    cache_name = getattr(manager, "prefetch_cache_name", None) or manager.field.remote_field.cache_name
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[cache_name] = cached
