"""The benchmark's data: units, people and their dossier records, bulk-inserted and kept between runs.

At scale 1: 5,000 units, 100,000 people, 1,000,000 records over every kind and status of the catalogue (scale
10: ten times each). Rows go in with COPY on PostgreSQL and executemany in one transaction on SQLite (journal
off), with the record table's secondary indexes dropped during the load and rebuilt after it; nothing goes
through the ORM one row at a time. A `bench_meta` table remembers what was generated, so a rerun at the same
scale reuses the data.

Records are written as the services write them (denormalised title and search text, the owner's unit, the
submission and decision times of their status) but without history or flow rows, which the measured pages do
not read. Counters that services maintain are rebuilt at the end with the application's own command.
"""

import datetime
import random
import time
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management import call_command, get_commands
from django.db import connection, connections
from django.db.models import Model
from django.utils import timezone

from accounts.models import Role, RoleAssignment, User, person_username
from core.personal_data import blind_index, encrypt
from zhicheng.demo.ids import make_credit_code, make_id_number
from dossier.catalogue import catalogue
from dossier.models import Record, Source, Status
from orgs.models import Region, Unit
from orgs.services import regions_load

from . import database, fake

VERSION = "5"  # bump when the generated shape changes, so existing benchmark databases are regenerated
PEOPLE, UNITS, RECORDS = 100_000, 5_000, 1_000_000
# The largest employer (a provincial hospital group): its staff's share of all people. Its unit admins' review
# queue of continuing education runs past 10,000 records, so that the queue's page 1,000 exists (issue 4).
LARGEST_SHARE = 0.08
POOL_SIZE = 400  # distinct contents per kind
BLOCK = 100_000  # people whose records are generated, shuffled in time and written together
PASSWORD = "Bench2026"

# How common each kind is in a dossier (yearly appraisals and training dominate; patents are rare).
KIND_WEIGHTS = {
    "continuing_education": 22, "appraisal": 14, "work_experience": 9, "education": 7, "paper": 9,
    "honour": 6, "certificate": 6, "research_project": 5, "project_award": 3, "work_report": 4,
    "academic_post": 3, "comprehensive": 3, "engineering_project": 3, "patent": 2, "book": 1.5,
    "standard": 1, "adoption": 1, "aid": 0.5,
    "health_case": 6, "health_paper": 2, "health_work": 2, "health_topic": 1, "health_review": 1,
}
# The applicants' professional series (a series-limited category, 行业专用, is for 卫生技术 only).
SERIES_WEIGHTS = {"卫生技术": 30, "中小学教师": 25, "工程技术": 20, "高等学校教师": 5, "会计": 5, "经济": 5, "农业技术": 5,
                  "其他": 5}
STATUS_WEIGHTS = {Status.APPROVED: 62, Status.PENDING: 15, Status.DRAFT: 12, Status.RETURNED: 8, Status.TERMINATED: 3}
EPOCH = datetime.datetime(2019, 1, 1, tzinfo=datetime.UTC)
HOURS = 7 * 365 * 24  # records were created over seven years


# ------------------------------------------------------------------ what is there


def stored_meta() -> dict[str, str]:
    if "bench_meta" not in connection.introspection.table_names():
        return {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT key, value FROM bench_meta")
        return dict(cursor.fetchall())


def wanted_meta(scale: int) -> dict[str, str]:
    return {"version": VERSION, "scale": str(scale)}


def _write_meta(meta: dict[str, str]) -> None:
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_meta (key varchar(40) PRIMARY KEY, value text NOT NULL)")
        cursor.execute("DELETE FROM bench_meta")
        for key, value in meta.items():
            cursor.execute("INSERT INTO bench_meta (key, value) VALUES (%s, %s)", [key, value])


def ensure(scale: int, *, regenerate: bool = False, log=print) -> dict[str, str]:
    """Make sure the benchmark database holds the data of `scale` (migrating it first); returns its meta."""
    url = settings.BENCH_DATABASE_URL
    database.ensure_exists(url)
    call_command("migrate", verbosity=0, interactive=False)
    meta = stored_meta()
    wanted = wanted_meta(scale)
    if not regenerate and all(meta.get(k) == v for k, v in wanted.items()):
        return meta
    log(f"generating scale {scale} data in {database.database_name(url)} ({connection.vendor}) ...")
    connections.close_all()
    database.drop(url)
    database.ensure_exists(url)
    call_command("migrate", verbosity=0, interactive=False)
    started = time.perf_counter()
    counts = generate(scale, log=log)
    seconds = time.perf_counter() - started
    meta = {**wanted, **{k: str(v) for k, v in counts.items()}, "seconds": f"{seconds:.1f}",
            "generated_at": timezone.now().isoformat(timespec="seconds")}
    _write_meta(meta)
    log(f"generated {counts['records']:,} records for {counts['people']:,} people in {counts['units']:,} units "
        f"in {seconds:.1f} s")
    return meta


# ------------------------------------------------------------------ bulk writing


class Writer:
    """Bulk inserts of prepared string rows; missing columns get the model field's default."""

    def __init__(self):
        connection.ensure_connection()
        self.vendor = connection.vendor
        self.now = self.timestamp(timezone.now())

    def timestamp(self, value: datetime.datetime) -> str:
        value = value.astimezone(datetime.UTC)
        if self.vendor == "sqlite":
            return value.replace(tzinfo=None).isoformat(" ")
        return value.isoformat(" ")

    def escape(self, text: str) -> str:
        if self.vendor == "sqlite":
            return text
        return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")

    def columns(self, model: type[Model], given: list[str]) -> tuple[list[str], tuple]:
        """All concrete columns of `model`: the given ones first, then the rest with their default values."""
        rest, values = [], []
        for f in model._meta.concrete_fields:
            if f.attname in given or f.name in given:
                continue
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                value = self.now
            else:
                value = f.get_db_prep_save(f.get_default(), connection)
                if value is None and not f.null:
                    raise SystemExit(f"bench: {model.__name__}.{f.name} needs a value in bench/generate.py")
                if isinstance(value, bool):
                    value = "1" if value else "0"
                value = None if value is None else self.escape(str(value))
            rest.append(f.column)
            values.append(value)
        given_columns = [model._meta.get_field(name).column for name in given]
        return given_columns + rest, tuple(values)

    def insert(self, model: type[Model], given: list[str], rows: Iterable[tuple]) -> int:
        columns, defaults = self.columns(model, given)
        table = model._meta.db_table
        n = 0
        if self.vendor == "sqlite":
            raw = connection.connection
            sql = f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({", ".join("?" * len(columns))})'
            batch = []
            for row in rows:
                batch.append(row + defaults)
                if len(batch) >= 50_000:
                    raw.executemany(sql, batch)
                    n += len(batch)
                    batch = []
            raw.executemany(sql, batch)
            return n + len(batch)
        tail = "".join("\t" + (r"\N" if v is None else v) for v in defaults)
        with connection.connection.cursor() as cursor:
            with cursor.copy(f'COPY "{table}" ({", ".join(columns)}) FROM STDIN') as copy:
                lines = []
                for row in rows:
                    lines.append("\t".join(r"\N" if v is None else v for v in row) + tail)
                    if len(lines) >= 20_000:
                        copy.write("\n".join(lines) + "\n")
                        n += len(lines)
                        lines = []
                if lines:
                    copy.write("\n".join(lines) + "\n")
        return n + len(lines)

    # Secondary indexes slow a bulk load several times over: drop them, load, rebuild.
    def drop_indexes(self, model: type[Model]) -> list[str]:
        table = model._meta.db_table
        with connection.cursor() as cursor:
            if self.vendor == "sqlite":
                cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                               "AND sql IS NOT NULL", [table])
            else:
                cursor.execute(
                    "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
                    "WHERE indrelid = %s::regclass AND NOT indisprimary "
                    "AND indexrelid NOT IN (SELECT conindid FROM pg_constraint)", [table])
            found = cursor.fetchall()
            for name, _sql in found:
                cursor.execute(f'DROP INDEX "{name.strip(chr(34))}"')
        return [sql for _name, sql in found]

    # On PostgreSQL each row would also fire the foreign-key checks: drop them, then re-add them (which checks
    # every row at once).
    def drop_foreign_keys(self, model: type[Model]) -> list[str]:
        if self.vendor != "postgresql":
            return []
        table = model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                           "WHERE conrelid = %s::regclass AND contype = 'f'", [table])
            found = cursor.fetchall()
            for name, _definition in found:
                cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
        return [f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}' for name, definition in found]

    def restore(self, statements: list[str]) -> None:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


# ------------------------------------------------------------------ the data


def generate(scale: float, *, log=print, seed: int = 2026, people: int | None = None, units: int | None = None,
             records: int | None = None) -> dict[str, int]:
    """`scale` times the default counts; `people`, `units` or `records` given replace that count (the load
    harness's province: 300,000 people in 15,000 units with 1,000,000 records, bench/province.py)."""
    rng = random.Random(seed)
    people = int(PEOPLE * scale) if people is None else people
    units = int(UNITS * scale) if units is None else units
    records = int(RECORDS * scale) if records is None else records
    writer = Writer()
    step = time.perf_counter()
    regions_load(provinces={"35"})
    districts = list(Region.objects.filter(level=Region.Level.DISTRICT).values_list("code", flat=True))
    if writer.vendor == "sqlite":
        # One writer, nothing to recover: no journal, no fsync, a large page cache. WAL comes back with the
        # next connection (settings' init_command).
        raw = connection.connection
        raw.isolation_level = None
        for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-1000000", "temp_store=MEMORY",
                       "locking_mode=EXCLUSIVE"):
            raw.execute(f"PRAGMA {pragma}")
        raw.execute("BEGIN")
    else:
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit = off")
            cursor.execute("SET maintenance_work_mem = '512MB'")

    unit_sizes = _unit_sizes(rng, units, people)
    writer.insert(Unit, ["id", "kind", "name", "credit_code", "nature", "region", "contact_name", "contact_phone",
                         "address"], _units(rng, writer, units, districts))

    password = writer.escape(make_password(PASSWORD))
    unit_of = [u for u, size in enumerate(unit_sizes, start=1) for _ in range(size)]
    rng.shuffle(unit_of)
    series_of = rng.choices(list(SERIES_WEIGHTS), weights=list(SERIES_WEIGHTS.values()), k=people)
    writer.insert(User, ["id", "username", "password", "kind", "name", "id_number", "gender", "birth_date", "phone",
                         "unit", "series", "registration", "registration_decided_at", "date_joined",
                         "id_number_bidx", "phone_bidx"],
                  _people(rng, writer, people, unit_of, series_of, districts, password))
    # The first person of each unit administers it (issue 4's review queue reads records by unit).
    admins, seen = [], set()
    for pk, unit in enumerate(unit_of, start=1):
        if unit not in seen:
            seen.add(unit)
            admins.append((str(len(admins) + 1), str(pk), Role.UNIT_ADMIN.value, str(unit)))
    writer.insert(RoleAssignment, ["id", "user", "role", "unit"], admins)
    log(f"  units, people and unit admins: {time.perf_counter() - step:.1f} s")

    step = time.perf_counter()
    kinds = catalogue().kinds()
    pools = {k.key: [tuple(writer.escape(s) for s in entry) for entry in fake.pool(rng, k, POOL_SIZE)] for k in kinds}
    log(f"  record contents ({POOL_SIZE} per kind, checked by the forms): {time.perf_counter() - step:.1f} s")

    step = time.perf_counter()
    indexes = writer.drop_indexes(Record) + writer.drop_foreign_keys(Record)
    per_person = _records_per_person(rng, people, records)
    hours = [writer.timestamp(EPOCH + datetime.timedelta(hours=h)) for h in range(HOURS + 24 * 200)]
    total = 0
    next_id = 1
    for first in range(0, people, BLOCK):
        rows = _records(rng, range(first, min(first + BLOCK, people)), per_person, unit_of, series_of, kinds, pools,
                        hours)
        rows.sort(key=lambda r: r[0])  # interleave people in time, as records arrive in production
        total += writer.insert(
            Record, ["id", "owner", "unit", "kind", "status", "data", "title", "search_text", "source",
                     "created_at", "submitted_at", "decided_at", "updated_at"],
            ((str(next_id + i),) + row[1:] for i, row in enumerate(rows)))
        next_id += len(rows)
    log(f"  {total:,} records: {time.perf_counter() - step:.1f} s")

    step = time.perf_counter()
    if writer.vendor == "sqlite":
        raw.execute("COMMIT")
    writer.restore(indexes)
    with connection.cursor() as cursor:
        # Statistics (and on PostgreSQL the visibility map, for index-only scans), as routine maintenance keeps them.
        cursor.execute("ANALYZE" if writer.vendor == "sqlite" else "VACUUM ANALYZE")
    if writer.vendor == "postgresql":
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(_no_style(), [Unit, User, RoleAssignment, Record]):
                cursor.execute(sql)
    log(f"  indexes, constraints and statistics: {time.perf_counter() - step:.1f} s")
    connections.close_all()  # back to WAL and normal synchronous mode on SQLite

    if "recount_records" in get_commands():
        step = time.perf_counter()
        call_command("recount_records", stdout=_Null())
        log(f"  record counters (recount_records): {time.perf_counter() - step:.1f} s")
    return {"units": units, "people": people, "records": total}


def _no_style():
    from django.core.management.color import no_style

    return no_style()


class _Null:
    def write(self, *_args):
        pass

    def flush(self):
        pass


def _unit_sizes(rng: random.Random, units: int, people: int) -> list[int]:
    """Staff per unit: unit 1 is the largest employer (LARGEST_SHARE of all people), then a few large hospitals
    and schools and many small employers (Zipf-like)."""
    largest = int(people * LARGEST_SHARE)
    people -= largest
    weights = [1 / (rank + 20) ** 0.9 for rank in range(units - 1)]
    scale = people / sum(weights)
    sizes = [max(1, int(w * scale)) for w in weights]
    while sum(sizes) < people:
        sizes[rng.randrange(units - 1)] += 1
    while sum(sizes) > people:
        u = rng.randrange(units - 1)
        if sizes[u] > 1:
            sizes[u] -= 1
    rng.shuffle(sizes)
    return [largest, *sizes]


def _units(rng, writer, units, districts):
    natures = [n for n, _ in Unit.Nature.choices]
    for pk in range(1, units + 1):
        region = rng.choice(districts)
        yield (str(pk), Unit.Kind.UNIT.value, writer.escape(f"{fake.organisation(rng)}{pk}"),
               make_credit_code(region, f"{pk:09d}"), rng.choice(natures), region,
               fake.person_name(rng), encrypt(f"139{pk:08d}"), f"{writer.escape(fake.organisation(rng))}大楼")


def _people(rng, writer, people, unit_of, series_of, districts, password):
    start = datetime.date(1965, 1, 1)
    days = 35 * 365
    approved = writer.timestamp(EPOCH)
    for i in range(people):
        pk = i + 1
        # (district, birth date, sequence) differs for every i below len(districts) * days * 100.
        area = districts[i % len(districts)]
        birth = start + datetime.timedelta(days=(i // len(districts)) % days)
        gender = "M" if rng.random() < 0.5 else "F"
        id_number = make_id_number(area, birth, i // (len(districts) * days), gender)
        phone = f"13{i:09d}"  # personal numbers as the fields store them: encrypted, with their blind indexes
        yield (str(pk), person_username(id_number), password, User.Kind.PERSON.value, fake.person_name(rng),
               encrypt(id_number), gender, birth.isoformat(), encrypt(phone), str(unit_of[i]), series_of[i],
               User.Registration.APPROVED.value, approved, approved, blind_index(id_number), blind_index(phone))


def _records_per_person(rng, people, records):
    """A skewed number of records per person (most have a handful, a few keep a long dossier)."""
    counts = [min(200, int(rng.gammavariate(1.6, records / people / 1.6))) for _ in range(people)]
    diff = records - sum(counts)
    while diff:
        i = rng.randrange(people)
        if diff > 0:
            counts[i] += 1
            diff -= 1
        elif counts[i] > 0:
            counts[i] -= 1
            diff += 1
    return counts


def _records(rng, persons, per_person, unit_of, series_of, kinds, pools, hours):
    # per series, the kinds its applicants see and how common each is
    shown = {}
    for series in SERIES_WEIGHTS:
        keys = [k.key for k in kinds if catalogue().category_shown_to(k.category, series)]
        shown[series] = (keys, _cumulative([KIND_WEIGHTS.get(k, 1) for k in keys]))
    statuses = [s.value for s in STATUS_WEIGHTS]
    status_cum = _cumulative(list(STATUS_WEIGHTS.values()))
    choices, randrange, random_ = rng.choices, rng.randrange, rng.random
    user_source, auto_source = Source.USER.value, Source.AUTO.value
    rows = []
    for i in persons:
        n = per_person[i]
        if not n:
            continue
        owner, unit = str(i + 1), str(unit_of[i])
        keys, kind_cum = shown[series_of[i]]
        kinds_drawn = choices(keys, cum_weights=kind_cum, k=n)
        for kind, status in zip(kinds_drawn, choices(statuses, cum_weights=status_cum, k=n)):
            data, title, search = pools[kind][randrange(POOL_SIZE)]
            created = randrange(HOURS)
            submitted = decided = None
            updated = created
            if status != "draft":
                updated = submitted = created + randrange(24 * 30)
                if status != "pending":
                    updated = decided = submitted + 1 + randrange(24 * 60)
            source = auto_source if kind == "continuing_education" and random_() < 0.3 else user_source
            rows.append((created, owner, unit, kind, status, data, title, search, source, hours[created],
                         None if submitted is None else hours[submitted],
                         None if decided is None else hours[decided], hours[updated]))
    return rows


def _cumulative(weights):
    out, total = [], 0
    for w in weights:
        total += w
        out.append(total)
    return out
