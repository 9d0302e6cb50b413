"""Import throughput: a 10,000-row 卫生-病案 file read, validated and inserted, against calamine's bare read.

    DEBUG=1 uv run python -m bench.imports [--db sqlite|postgres] [--rows 10000]

Prints rows/s for calamine reading the file into Python (the floor) and for the whole import (read with the
header and cell checks, every row validated by the generated Django form, all rows inserted in one
transaction with their flow entries and counters), each the median of several runs in this process, and their
ratio. Uses its own database (var/bench/imports.sqlite3 or zc_bench_imports), created and migrated here.
"""

import argparse
import datetime
import io
import os
import statistics
import sys
import time


def _setup(db: str) -> None:
    from bench.database import WORK_DIR

    WORK_DIR.mkdir(parents=True, exist_ok=True)
    url = (f"sqlite:///{WORK_DIR / 'imports.sqlite3'}" if db == "sqlite"
           else "postgres://postgres@127.0.0.1:5432/zc_bench_imports")
    if db != "sqlite":
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = 'zc_bench_imports'").fetchone():
                conn.execute("CREATE DATABASE zc_bench_imports")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DEBUG", "1")
    os.environ["DJANGO_SETTINGS_MODULE"] = "zhicheng.settings"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    # Measured as production runs: DEBUG=1 only lets these settings load without a SECRET_KEY; left on, the
    # debug cursor would record every query and re-quote every parameter of the large inserts.
    settings.DEBUG = False
    call_command("migrate", verbosity=0)


def _file(rows: int) -> bytes:
    from openpyxl import load_workbook

    from dossier.catalogue import catalogue
    from dossier.imports import template_for

    _name, content = template_for(catalogue().kind("health_case"), None)
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook.worksheets[0]
    today = datetime.date.today()
    for i in range(rows):
        admitted = today - datetime.timedelta(days=30 + i % 1500)
        sheet.append([f"{i:08d}", f"患者{i}", admitted, admitted + datetime.timedelta(days=7), "无手术",
                      "社区获得性肺炎", "肺炎 好转", "好转"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class _Upload(io.BytesIO):
    name = "病案.xlsx"

    @property
    def size(self) -> int:
        return len(self.getvalue())


def main(argv) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.imports", description=__doc__)
    parser.add_argument("--db", default="sqlite", choices=["sqlite", "postgres"])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="one more import under cProfile, top functions")
    args = parser.parse_args(argv)
    _setup(args.db)

    from django.db import connection
    from python_calamine import CalamineWorkbook

    from accounts.models import User
    from dossier.catalogue import catalogue
    from dossier.imports import _commit, _validate, import_columns
    from dossier.models import ImportJob, Record, RecordCounter
    from core.excel import read_rows
    from orgs.models import Region, Unit
    from core.models import FlowEntry

    kind = catalogue().kind("health_case")
    region, _ = Region.objects.get_or_create(code="350102", defaults={"name": "鼓楼区", "level": 3})
    unit, _ = Unit.objects.get_or_create(name="基准测试医院", defaults={"region": region, "credit_code": None})
    owner, _ = User.objects.get_or_create(username="bench-import", defaults={"name": "基准测试", "unit": unit,
                                                                            "registration": "approved"})
    data = _file(args.rows)

    def clear():
        ids = list(Record.objects.filter(owner=owner).values_list("pk", flat=True))
        FlowEntry.objects.filter(subject_type="record", subject_id__in=ids).delete() if ids else None
        Record.objects.filter(owner=owner).delete()
        RecordCounter.objects.filter(unit=unit).delete()
        ImportJob.objects.filter(owner=owner).delete()
        if connection.vendor == "postgresql":
            # The rows just deleted stay behind as dead tuples until a vacuum; without one, each run inserts
            # into tables and indexes bloated by every earlier run's rows, which no production table is.
            tables = (model._meta.db_table for model in (Record, FlowEntry, RecordCounter, ImportJob))
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE " + ", ".join(map(connection.ops.quote_name, tables)))

    def one_import() -> dict:
        phases = {}
        start = time.perf_counter()
        parsed = read_rows(_Upload(data), import_columns(kind, None))
        phases["read"] = time.perf_counter() - start
        job = ImportJob.objects.create(owner=owner, kind=kind.key, file_name="病案.xlsx", total=len(parsed))
        _validate(job, parsed)
        assert job.state == ImportJob.State.READY, job.errors[:3]
        phases["validate"] = time.perf_counter() - start - phases["read"]
        ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.IMPORTING)  # as import_commit leaves it
        _commit(job.pk)  # 正式导入 as the background task runs it: the job as stored, its progress, its end
        assert ImportJob.objects.get(pk=job.pk).state == ImportJob.State.DONE
        phases["total"] = time.perf_counter() - start
        phases["insert"] = phases["total"] - phases["read"] - phases["validate"]
        return phases

    def bare_read() -> float:
        start = time.perf_counter()
        CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
        return time.perf_counter() - start

    # Floor and import alternate, run by run, so that a machine that slows down or speeds up during the run
    # moves both alike (the figure is their ratio); the first of each warms the process.
    floor, ours = [], []
    bare_read()
    clear()
    one_import()
    for _ in range(args.runs):
        floor.append(bare_read())
        clear()
        ours.append(one_import())
        assert Record.objects.filter(owner=owner).count() == args.rows
    if args.profile:
        import cProfile
        import pstats

        clear()
        profiler = cProfile.Profile()
        profiler.runcall(one_import)
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(45)
        stats.sort_stats("tottime").print_stats(30)
    clear()
    f = statistics.median(floor)
    o = statistics.median(run["total"] for run in ours)
    phase = {name: statistics.median(run[name] for run in ours) for name in ("read", "validate", "insert")}
    print(f"import throughput ({args.db}, {args.rows} rows, {len(data) // 1024} KiB .xlsx)")
    print(f"  calamine bare read : {args.rows / f:10,.0f} rows/s  ({f * 1000:7.1f} ms)")
    print(f"  read+validate+insert: {args.rows / o:10,.0f} rows/s  ({o * 1000:7.1f} ms)")
    print("  phases (median ms): " + ", ".join(f"{name} {t * 1000:.1f}" for name, t in phase.items()))
    fastest = min(ours, key=lambda run: run["total"])
    print(f"  fastest run (ms)   : {fastest['total'] * 1000:.1f} (read {fastest['read'] * 1000:.1f}, validate "
          f"{fastest['validate'] * 1000:.1f}, insert {fastest['insert'] * 1000:.1f}); fastest bare read "
          f"{min(floor) * 1000:.1f}, ratio of the fastest {min(floor) / fastest['total']:.3f}")
    print(f"  ratio (import / bare read throughput): {f / o:.3f}   target >= 0.30")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
