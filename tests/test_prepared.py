"""core.prepared: a query compiled once gives what the ORM gives, for every argument and page; shapes it cannot
run faithfully are refused when first compiled."""

import datetime
import threading

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, connections
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from accounts.models import RoleAssignment, User
from core.prepared import Prepared
from dossier.models import Record
from tests.dossier.support import make_record
from tests.factories import PersonFactory, UnitFactory, unit_admin

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(regions):
    unit = UnitFactory(name="福州市第一医院")
    return [PersonFactory(unit=unit, name=name) for name in ("张三", "李四", "王五")]


def test_model_rows_equal_the_orm_rows_field_by_field(people):
    by_unit = Prepared(lambda unit_id: User.objects.filter(unit_id=unit_id).order_by("pk"))
    unit_id = people[0].unit_id
    got, expected = by_unit.all(unit_id), list(User.objects.filter(unit_id=unit_id).order_by("pk"))
    assert [u.pk for u in got] == [u.pk for u in expected] == [p.pk for p in people]
    for a, b in zip(got, expected, strict=True):
        assert {f.attname: getattr(a, f.attname) for f in User._meta.concrete_fields} == \
               {f.attname: getattr(b, f.attname) for f in User._meta.concrete_fields}
        assert a._state.adding is False and a._state.db == "default"
    assert by_unit.all(unit_id + 1000) == []


def test_each_call_runs_with_its_own_arguments_one_query_each(people):
    by_pk = Prepared(lambda pk: User.objects.filter(pk=pk))
    by_pk.first(people[0].pk)  # compiled here
    with CaptureQueriesContext(connection) as queries:
        names = [by_pk.first(p.pk).name for p in people]
    assert names == ["张三", "李四", "王五"] and len(queries) == 3
    assert by_pk.first(-1) is None


def test_values_list_flat_and_annotations_are_converted_as_the_orm_does(people):
    owner = people[0]
    for kind in ("honour", "honour", "paper"):
        make_record(owner, kind, evidence=False)
    make_record(people[1], "honour", evidence=False)
    grouped = Prepared(lambda owner_id: Record.objects.filter(owner_id=owner_id).values_list("kind", "status")
                       .annotate(n=Count("pk")).order_by("kind"))
    assert grouped.all(owner.pk) == list(Record.objects.filter(owner=owner).values_list("kind", "status")
                                         .annotate(n=Count("pk")).order_by("kind"))
    assert grouped.all(owner.pk) == [("honour", "draft", 2), ("paper", "draft", 1)]

    created = Prepared(lambda owner_id: Record.objects.filter(owner_id=owner_id).order_by("pk")
                       .values_list("created_at", flat=True))
    assert created.all(owner.pk) == list(Record.objects.filter(owner=owner).order_by("pk")
                                         .values_list("created_at", flat=True))
    assert all(value.tzinfo is not None for value in created.all(owner.pk))  # aware, as the ORM converts them

    annotated = Prepared(lambda owner_id: Record.objects.filter(owner_id=owner_id).annotate(n=Count("evidence"))
                         .order_by("pk"))
    assert [(r.pk, r.n, r.data) for r in annotated.all(owner.pk)] == \
           [(r.pk, r.n, r.data) for r in Record.objects.filter(owner=owner).annotate(n=Count("evidence"))
            .order_by("pk")]


def test_pages_are_limit_and_offset_parameters_of_one_statement(people):
    owner = people[0]
    made = [make_record(owner, "honour", seed=s, evidence=False) for s in "甲乙丙丁戊"]
    newest_first = Prepared(lambda owner_id, kind: Record.objects.filter(owner_id=owner_id, kind=kind)
                            .order_by("-created_at", "-pk"))
    expected = [r.pk for r in reversed(made)]
    statements = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        pages = [[r.pk for r in newest_first.all(owner.pk, "honour", limit=2, offset=start)] for start in (0, 2, 4)]
    assert pages == [expected[0:2], expected[2:4], expected[4:5]]
    assert len(statements) == 3 and len(set(statements)) == 1
    assert newest_first.all(owner.pk, "honour", limit=2, offset=10) == []
    assert [r.pk for r in newest_first.all(owner.pk, "honour")] == expected  # unpaged: its own statement


def test_strings_ints_and_aware_datetimes_are_arguments_and_nothing_else_is(people):
    by_name = Prepared(lambda name: User.objects.filter(name=name))
    assert [u.pk for u in by_name.all("李四")] == [people[1].pk]
    assert by_name.all("nobody'; DROP TABLE accounts_user; --") == []
    for wrong in (1.5, None, True, ("a",)):
        with pytest.raises(ImproperlyConfigured, match="ints, strings or datetimes"):
            Prepared(lambda value: User.objects.filter(pk=value)).all(wrong)


def test_datetimes_compare_as_the_orm_compares_them(people):
    owner = people[0]
    records = [make_record(owner, "honour", seed=seed, evidence=False) for seed in "甲乙丙丁"]
    stamps = [datetime.datetime(2026, 3, 1, 8, 0, 0, i * 250_000, tzinfo=datetime.UTC) for i in range(4)]
    for record, stamp in zip(records, stamps, strict=True):
        Record.objects.filter(pk=record.pk).update(created_at=stamp)
    before = Prepared(lambda owner_id, at: Record.objects.filter(owner_id=owner_id, created_at__lt=at)
                      .order_by("pk").values_list("pk", flat=True))
    since = Prepared(lambda at, owner_id: Record.objects.filter(created_at__gte=at, owner_id=owner_id)
                     .order_by("pk").values_list("pk", flat=True))
    shanghai = datetime.timezone(datetime.timedelta(hours=8))
    for at in (*stamps, stamps[2].astimezone(shanghai), stamps[0] - datetime.timedelta(microseconds=1)):
        assert before.all(owner.pk, at) == list(Record.objects.filter(owner=owner, created_at__lt=at)
                                                 .order_by("pk").values_list("pk", flat=True))
        assert since.all(at, owner.pk) == list(Record.objects.filter(created_at__gte=at, owner=owner)
                                                .order_by("pk").values_list("pk", flat=True))
    assert before.all(owner.pk, stamps[2]) == [records[0].pk, records[1].pk]
    assert since.all(stamps[2].astimezone(shanghai), owner.pk) == [records[2].pk, records[3].pk]
    with pytest.raises(ValueError, match="aware"):
        before.all(owner.pk, datetime.datetime(2026, 3, 1, 8))


@pytest.mark.parametrize("build", [
    lambda name: User.objects.filter(name__contains=name),                   # the value becomes %name%
    lambda name: User.objects.filter(name=name) | User.objects.filter(username=name),  # the marker is not…
    lambda pk: User.objects.filter(pk=pk)[:5],                               # sliced
    lambda pk: RoleAssignment.objects.filter(pk=pk).select_related("user"),  # related rows
    lambda pk: User.objects.filter(pk=pk).values("pk"),                      # dicts
], ids=["contains", "used-twice", "sliced", "select-related", "values"])
def test_shapes_it_cannot_run_faithfully_are_refused(people, build):
    query = Prepared(build)
    # The second build uses a distinct argument, so "used twice" only applies to the one above.
    argument = people[0].name if "name" in build.__code__.co_varnames else people[0].pk
    with pytest.raises(ImproperlyConfigured):
        query.all(argument)


@pytest.mark.django_db(transaction=True)  # the other thread reads what this one wrote
def test_the_compiled_statement_is_kept_per_connection(people):
    by_pk = Prepared(lambda pk: User.objects.filter(pk=pk))
    by_pk.first(people[0].pk)
    plans = connections["default"].__dict__["_zc_prepared"]
    before = len(plans)
    by_pk.first(people[1].pk)
    assert len(plans) == before  # the same plan served the second call

    seen = {}

    def elsewhere():  # another thread has its own connection object, and compiles its own plan
        from django.db import connections as theirs
        try:
            seen["name"] = by_pk.first(people[2].pk).name
            seen["plans"] = theirs["default"].__dict__["_zc_prepared"]
        finally:
            theirs.close_all()

    worker = threading.Thread(target=elsewhere)
    worker.start()
    worker.join()
    assert seen["name"] == "王五"
    assert seen["plans"] is not plans and len(seen["plans"]) == 1


def test_the_role_lookup_uses_a_prepared_query_and_stays_per_user(people):
    from accounts.roles import roles_of
    admin = unit_admin(people[0].unit, name="单位管理员")
    fresh = User.objects.get(pk=admin.pk)
    assert [(a.role, a.unit_id) for a in roles_of(fresh)] == \
           [(a.role, a.unit_id) for a in RoleAssignment.objects.filter(user=admin)]
    assert roles_of(User.objects.get(pk=people[1].pk)) == list(RoleAssignment.objects.filter(user=people[1]))


def test_on_postgresql_a_repeated_query_is_planned_once_and_other_queries_never(people):
    """PostgreSQL (zhicheng.settings' prepare_threshold): the second run of a prepared query makes it a
    server-side prepared statement of the connection, used from then on; the ORM's own queries bind on the client
    and are not prepared. SQLite keeps Django's own cursor (its driver caches compiled statements itself)."""
    by_unit = Prepared(lambda unit_id: User.objects.filter(unit_id=unit_id).order_by("pk"))
    unit_id = people[0].unit_id
    with CaptureQueriesContext(connection) as ctx:
        runs = [by_unit.all(unit_id) for _ in range(3)]
    list(User.objects.filter(unit_id=unit_id))
    list(User.objects.filter(unit_id=unit_id))

    assert [[u.pk for u in run] for run in runs] == [[p.pk for p in people]] * 3
    # logged like every other query, with the values in place
    assert [q["sql"].count(f"= {unit_id}") for q in ctx.captured_queries] == [1, 1, 1]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            statements = [row[0] for row in cursor.fetchall()]
        mine = [s for s in statements if '"accounts_user"."unit_id" = $1' in s]
        assert len(mine) == 1 and "ORDER BY" in mine[0]
        assert not [s for s in statements if "%s" in s or f"= {unit_id}" in s]
    else:
        assert connection.vendor == "sqlite"
        assert "prepare_threshold" not in connection.settings_dict["OPTIONS"]
