"""Querysets compiled to SQL once and run many times: for the few reads that every page makes (the session, the
signed-in user and their roles) and the list pages' own queries.

Building and compiling a queryset costs a quarter of a millisecond of Python each time, several times what
SQLite or PostgreSQL need to answer such a query; a list page made five of them. A `Prepared` query keeps the
ORM as the only author of its SQL: the queryset is built once per database connection with marker values in
place of the arguments, compiled, and then each call runs the same SQL with the real values where the markers
were, and turns the rows into model instances or tuples exactly as the queryset would (the compiler's own
converters and `Model.from_db`).

    user_by_pk = Prepared(lambda pk: User.objects.filter(pk=pk))
    user_by_pk.all(42)      # [User] or []

Each argument must reach the SQL as the value of a plain lookup (`=`, `<`, `in` of one value…), once: an int
or a string unchanged, an aware datetime as the backend adapts a DateTimeField's value; anything else (a
`contains` lookup, a value used twice, a naive datetime) is refused when the query is first compiled or run. Ordering and annotations are part of the query's shape, fixed by `build`; a page of the
results is asked for with `limit` and `offset` (parameters too, so every page runs the same SQL).
"""

import datetime
from collections.abc import Callable
from itertools import count

from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.utils import CursorDebugWrapper
from django.db.models.query import FlatValuesListIterable, ModelIterable, QuerySet, ValuesListIterable

_ATTR = "_zc_prepared"  # on each connection object (one per thread): its compiled queries
_serial = count(1)


class Prepared:
    def __init__(self, build: Callable[..., QuerySet]):
        self.build = build
        self.key = next(_serial)

    def all(self, *args, limit: int | None = None, offset: int = 0, using: str = DEFAULT_DB_ALIAS) -> list:
        connection = connections[using]
        plans = connection.__dict__.setdefault(_ATTR, {})
        shape = (self.key, limit is not None, *(type(a) for a in args))
        plan = plans.get(shape)
        if plan is None:
            plan = plans[shape] = _Plan(self.build, args, using, paged=limit is not None)
        return plan.run(args if limit is None else (*args, int(limit), int(offset)))

    def first(self, *args, using: str = DEFAULT_DB_ALIAS):
        rows = self.all(*args, using=using)
        return rows[0] if rows else None


def _marker(i: int, value):
    if isinstance(value, datetime.datetime):
        return datetime.datetime(1000 + i, 1, 1, tzinfo=datetime.UTC)
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ImproperlyConfigured(f"a prepared query's arguments are ints, strings or datetimes, "
                                   f"not {type(value).__name__}")
    return -(7_300_000_000_000 + i) if isinstance(value, int) else f"\x00prepared-{i}\x00"


def _adapter(connection, marker):
    """How an argument of the marker's type becomes a parameter, as the ORM's lookups make it."""
    if isinstance(marker, datetime.datetime):
        def adapt(value):
            if value.tzinfo is None or value.utcoffset() is None:
                raise ValueError("a prepared query's datetimes are aware")
            return connection.ops.adapt_datetimefield_value(value)
        return adapt
    return None


def _cursor(connection):
    """A cursor for a prepared query. On PostgreSQL with prepared statements switched on (the connection's
    prepare_threshold, zhicheng.settings), one that binds parameters on the server, so that psycopg prepares the
    query once per connection and the server no longer parses and plans it on every request (two thirds of
    what such a query costs the server); Django's own cursors bind on the client and are never prepared. Made
    as Django makes its cursors (time zone, error wrapping, query logging)."""
    if connection.vendor != "postgresql":
        return connection.cursor()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:
        return connection.cursor()
    from django.db.backends.postgresql import base

    with connection.wrap_database_errors:
        cursor = base.ServerBindingCursor(raw)
        tzloader = raw.adapters.get_loader(base.TIMESTAMPTZ_OID, base.Format.TEXT)
        if connection.timezone != tzloader.timezone:
            base.register_tzloader(connection.timezone, cursor)
        connection.validate_thread_sharing()
        return _LoggedCursor(cursor, connection) if connection.queries_logged else connection.make_cursor(cursor)


class _LoggedCursor(CursorDebugWrapper):
    """Query logging (DEBUG, tests) for a prepared statement, whose text the driver no longer sends: the SQL
    with its parameters, as Django logs its own queries."""

    def execute(self, sql, params=None):
        with self.debug_sql(self.db.ops.compose_sql(sql, params), params):
            return self._execute_with_wrappers(sql, params, many=False, executor=self._execute)


class _Plan:
    """One query's SQL, where each argument goes, and how rows become results, for one connection."""

    def __init__(self, build, args: tuple, using: str, *, paged: bool):
        markers = [_marker(i, a) for i, a in enumerate(args)]
        queryset = build(*markers)
        if queryset.query.is_sliced:
            raise ImproperlyConfigured("a prepared query is not sliced: ask for a page with limit and offset")
        self.iterable = queryset._iterable_class
        if self.iterable not in (ModelIterable, ValuesListIterable, FlatValuesListIterable):
            raise ImproperlyConfigured("a prepared query returns model instances or values_list() rows")
        self.compiler = compiler = queryset.query.get_compiler(using=using)
        self.sql, params = compiler.as_sql()
        self.params = list(params)
        self.slots = []
        self.adapters = [_adapter(compiler.connection, marker) for marker in markers]
        for marker, adapt in zip(markers, self.adapters, strict=True):
            expected = adapt(marker) if adapt else marker
            found = [i for i, p in enumerate(self.params) if p == expected and type(p) is type(expected)]
            if len(found) != 1:
                raise ImproperlyConfigured(f"a prepared query must use each argument once as a plain lookup "
                                           f"value: {self.sql}")
            self.slots.append(found[0])
        if paged:  # LIMIT and OFFSET as the last two parameters: the same SQL on SQLite and PostgreSQL
            self.sql += " LIMIT %s OFFSET %s"
            self.slots += [len(self.params), len(self.params) + 1]
            self.params += [None, None]
            self.adapters += [None, None]
        self.converters = compiler.get_converters([s[0] for s in compiler.select[:compiler.col_count]])
        self.db = using
        if self.iterable is ModelIterable:
            info = compiler.klass_info
            if info.get("related_klass_infos"):
                raise ImproperlyConfigured("a prepared query does not follow select_related()")
            fields = info["select_fields"]
            self.model = info["model"]
            self.start, self.end = fields[0], fields[-1] + 1
            self.init_list = [s[0].target.attname for s in compiler.select[self.start:self.end]]
            self.annotations = list(compiler.annotation_col_map.items())

    def run(self, args: tuple) -> list:
        params = self.params.copy()
        for slot, adapt, value in zip(self.slots, self.adapters, args, strict=True):
            params[slot] = adapt(value) if adapt else value
        with _cursor(self.compiler.connection) as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        if self.converters:
            rows = list(map(tuple, self.compiler.apply_converters(rows, self.converters)))
        if self.iterable is ValuesListIterable:
            return rows
        if self.iterable is FlatValuesListIterable:
            return [row[0] for row in rows]
        out = []
        from_db, db, init_list, start, end = self.model.from_db, self.db, self.init_list, self.start, self.end
        for row in rows:
            obj = from_db(db, init_list, row[start:end])
            for name, position in self.annotations:
                setattr(obj, name, row[position])
            out.append(obj)
        return out
