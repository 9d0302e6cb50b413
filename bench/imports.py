"""Import throughput: a 10,000-row 卫生-病案 file, in the two parts a person meets, each against its own floor.

    DEBUG=1 uv run python -m bench.imports [--db sqlite|postgres] [--rows 10000]

1. The preview she waits for: the file read (container, extent and header checks, the sheet read in a child
   process of bounded memory, cells converted) and every row validated by the generated Django form, the job
   stored READY. Floor: calamine reading the same file into Python in this process.
2. 正式导入, run in the background: every record written with its history row and flow entry, the counters and
   the job's end, in one transaction. Floor: psycopg's COPY of the same record rows into the same table, in one
   transaction (PostgreSQL); on SQLite, the same rows by one executemany, shown for information.

Each figure is the median of several runs in this process, floors and imports alternating run by run; the
ratios are floor / ours (1.0: as fast as the floor). Uses its own database (var/bench/bench_imports.sqlite3 or
zc_bench_imports, `--database-url` for another), created and migrated here.
"""

import argparse
import datetime
import io
import os
import statistics
import sys
import time

TARGET = 0.30


def _setup(db: str, url: str) -> None:
    from bench.database import WORK_DIR, database_url, ensure_exists

    WORK_DIR.mkdir(parents=True, exist_ok=True)
    if not url:
        url = (f"sqlite:///{WORK_DIR / 'bench_imports.sqlite3'}" if db == "sqlite"
               else "postgres://postgres@127.0.0.1:5432/zc_bench_imports")
    url = database_url(url)  # refuses a database whose name does not say it is the benchmark's
    ensure_exists(url)
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
    parser = argparse.ArgumentParser(prog="python -m bench.imports", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="sqlite", choices=["sqlite", "postgres"])
    parser.add_argument("--database-url", default="", help="instead of --db: a database URL whose name contains "
                                                           "'bench'")
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--profile", choices=["preview", "commit"], help="one more run of that part under "
                                                                          "cProfile, top functions")
    args = parser.parse_args(argv)
    _setup(args.db, args.database_url)

    from django.db import connection, transaction
    from python_calamine import CalamineWorkbook

    from accounts.models import User
    from core.excel import read_rows
    from dossier.catalogue import catalogue
    from dossier.imports import _commit, _validate, import_columns
    from dossier.models import ImportJob, Record, RecordCounter
    from dossier.services import _title_and_search
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
        Record.history.filter(owner=owner).delete()
        Record.objects.filter(owner=owner).delete()
        RecordCounter.objects.filter(unit=unit).delete()
        ImportJob.objects.filter(owner=owner).delete()
        if connection.vendor == "postgresql":
            # The rows just deleted stay behind as dead tuples until a vacuum; without one, each run inserts
            # into tables and indexes bloated by every earlier run's rows, which no production table is.
            tables = (model._meta.db_table for model in (Record, Record.history.model, FlowEntry, RecordCounter,
                                                         ImportJob))
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE " + ", ".join(map(connection.ops.quote_name, tables)))

    def preview() -> tuple[float, float, int]:
        """Upload to 允许导入, as the page does it: (seconds reading, seconds in all, the job's id)."""
        start = time.perf_counter()
        parsed = read_rows(_Upload(data), import_columns(kind, None))
        read = time.perf_counter() - start
        job = ImportJob.objects.create(owner=owner, kind=kind.key, file_name="病案.xlsx", total=len(parsed))
        _validate(job, parsed)
        assert job.state == ImportJob.State.READY, job.errors[:3]
        return read, time.perf_counter() - start, job.pk

    def commit(job_id: int) -> float:
        """正式导入 as the background task runs it: the job as stored, its progress, its end."""
        ImportJob.objects.filter(pk=job_id).update(state=ImportJob.State.IMPORTING)  # as import_commit leaves it
        start = time.perf_counter()
        _commit(job_id)
        seconds = time.perf_counter() - start
        assert ImportJob.objects.get(pk=job_id).state == ImportJob.State.DONE
        assert Record.objects.filter(owner=owner).count() == args.rows
        return seconds

    def bare_read() -> float:
        start = time.perf_counter()
        CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
        return time.perf_counter() - start

    # The floor of the commit: the same record rows (as the preview validated them) in one transaction, by
    # psycopg's COPY on PostgreSQL, by one executemany on SQLite.
    validated = [row.values for row in read_rows(_Upload(data), import_columns(kind, None))]
    fields = [f for f in Record._meta.concrete_fields if not f.primary_key]
    template = Record(owner=owner, kind=kind.key, unit=unit, data={})

    def floor_rows() -> list[list]:
        import orjson

        shared = {f.attname: f.get_db_prep_save(f.pre_save(template, add=True), connection) for f in fields}
        out = []
        for values in validated:
            title, search = _title_and_search(values, kind)
            own = {"data": orjson.dumps(values).decode(), "title": title, "search_text": search}
            out.append([own.get(f.attname, shared[f.attname]) for f in fields])
        return out

    def copy_floor() -> float:
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        table = connection.ops.quote_name(Record._meta.db_table)
        start = time.perf_counter()
        rows = floor_rows()
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(fields))
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)
        seconds = time.perf_counter() - start
        Record.objects.filter(owner=owner).delete()
        return seconds

    # Floors and imports alternate, run by run, so that a machine that slows down or speeds up during the run
    # moves both alike (each figure is a ratio); the first of each warms the process.
    clear()
    bare_read(), copy_floor(), commit(preview()[2])
    reads, copies, previews, commits = [], [], [], []
    for _ in range(args.runs):
        clear()
        reads.append(bare_read())
        read, seconds, job_id = preview()
        previews.append((read, seconds))
        copies.append(copy_floor())
        commits.append(commit(job_id))
    if args.profile:
        import cProfile
        import pstats

        clear()
        profiler = cProfile.Profile()
        if args.profile == "preview":
            profiler.runcall(preview)
        else:
            job_id = preview()[2]
            profiler.runcall(commit, job_id)
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(40)
        stats.sort_stats("tottime").print_stats(25)
    clear()

    bare, copied = statistics.median(reads), statistics.median(copies)
    shown, done = statistics.median(s for _r, s in previews), statistics.median(commits)
    reading = statistics.median(r for r, _s in previews)
    floor_name = "psycopg COPY" if connection.vendor == "postgresql" else "one executemany"
    target = f"target ≥ {TARGET}" if connection.vendor == "postgresql" else "for information"
    print(f"import ({connection.vendor}, {args.rows:,} rows, {len(data) // 1024} KiB .xlsx), medians of "
          f"{args.runs} runs:")
    print(f"  calamine bare read           : {bare * 1000:8.1f} ms  ({args.rows / bare:9,.0f} rows/s)")
    print(f"  preview (read + validate)    : {shown * 1000:8.1f} ms  ({args.rows / shown:9,.0f} rows/s; read "
          f"{reading * 1000:.1f}, validate {(shown - reading) * 1000:.1f})")
    print(f"  ratio bare read / preview    : {bare / shown:8.3f}     target ≥ {TARGET}")
    print(f"  {floor_name + ' of the records':29}: {copied * 1000:8.1f} ms  ({args.rows / copied:9,.0f} rows/s)")
    print(f"  正式导入 (records, history, flow): {done * 1000:6.1f} ms  ({args.rows / done:9,.0f} rows/s)")
    print(f"  ratio {floor_name} / 正式导入{' ' * (12 - len(floor_name))}: {copied / done:8.3f}     {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
