"""B5, 全省检索: p95 of two- and four-character queries against a primary-key page, in the same run.

    DEBUG=1 uv run python -m bench.lookup [--db sqlite|postgres] [--scale 1] [--samples 300] [--generate-only]

SCALE × 1,000,000 search documents in their own database (var/bench/bench_lookup.sqlite3 or zc_bench_lookup;
`--database-url` for another), generated once and kept (`--regenerate` to make them anew, `--generate-only` to
make them and stop; the time it took is printed). Generation is set-based: a pool of 200,000 distinct contents
(fake people, units and titles from bench.fake, cut into bigrams by lookup.grams as the application cuts them) made
in Python, then the database makes the rows from it a million at a time (INSERT … SELECT over generate_series on
PostgreSQL, a recursive CTE on SQLite; each id its own object id and ID number), and the bigram index is built
once at the end (about 20 min for SCALE=10 on PostgreSQL, 26 min on SQLite, on a busy 2-core machine). Then,
alternating query by query in this process:

- 2 characters: a person's two-character name or a two-character word of a title (康复, 管理);
- 4 characters: a four-character phrase of a title (社区慢病) or a surname with a three-character given name;
- floor: a page of 20 documents by primary key (`id < random` newest first, the unit joined), what a keyset
  page of any list costs.

Each query is `lookup.selectors.documents_search` for the province's HR-bureau clerk (the widest reach: every
document), the first page of 20 rows read into models. Figures: p50 and p95 in milliseconds and p95 / floor p95
(target ≤ 20).
"""

import argparse
import os
import random
import statistics
import sys
import time
from importlib import import_module

TARGET = 20.0
PER_SCALE = 1_000_000


def _setup(db: str, url: str) -> None:
    from bench.database import WORK_DIR, database_url, ensure_exists

    WORK_DIR.mkdir(parents=True, exist_ok=True)
    if not url:
        url = (f"sqlite:///{WORK_DIR / 'bench_lookup.sqlite3'}" if db == "sqlite"
               else "postgres://postgres@127.0.0.1:5432/zc_bench_lookup")
    url = database_url(url)  # refuses a database whose name does not say it is the benchmark's
    ensure_exists(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DEBUG", "1")
    os.environ["DJANGO_SETTINGS_MODULE"] = "zhicheng.settings"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.DEBUG = False  # the debug cursor would keep every query
    call_command("migrate", verbosity=0)


def _words() -> tuple[list[str], list[str]]:
    """Two- and four-character words of the fake titles."""
    from bench import fake

    two, four = set(), set()
    for topic in fake.TOPICS + fake.TOPIC_SUFFIXES + fake.AWARDS:
        for i in range(len(topic) - 1):
            two.add(topic[i:i + 2])
        for i in range(len(topic) - 3):
            four.add(topic[i:i + 4])
    return sorted(two), sorted(four)


POOL = 200_000  # distinct documents made in Python; the table repeats them, ids and ID numbers apart
POOL_COLUMNS = ("k", "kind", "name", "title", "detail", "text", "grams", "unit_id", "department_id", "region_id")


def _pool(rng: random.Random, n: int, units: list):
    """Distinct document contents as tuples keyed 0..n-1: names, titles and units drawn as before, cut into bigrams
    by lookup.grams as the application cuts them."""
    from bench import fake
    from lookup import grams
    from lookup.models import Document

    kinds = list(fake.AWARDS) + list(fake.HONOURS) + ["工作经历", "继续教育", "论文", "著作"]
    for k in range(n):
        name = fake.person_name(rng)
        unit_id, unit_name, department_id, region_id = units[rng.randrange(len(units))]
        if k % 5 == 0:
            kind, title, detail = Document.Kind.APPLICATION, rng.choice(["工程技术副高", "卫生技术中级", "中小学教师正高"]), \
                "2026年度职称评审"
        else:
            kind, title, detail = Document.Kind.RECORD, rng.choice(fake.TOPICS) + rng.choice(fake.TOPIC_SUFFIXES), \
                rng.choice(kinds)
        text = " ".join(grams.terms(f"{name} {title} {detail} {unit_name}"))
        yield (k, kind, name, title, detail, text, " ".join(grams.bigrams(text)), unit_id, department_id, region_id)


COLUMNS = ("id", "kind", "object_id", "name", "id_number", "title", "detail", "status", "unit_id", "department_id",
           "region_id", "body_id", "dated", "text", "grams", "id_number_bidx")
STEP = 7919  # a prime: id g takes pool entry g * STEP mod the pool's size, so neighbouring ids differ
CHUNK = 1_000_000  # ids inserted per statement (and transaction)


def _insert_sql(vendor: str, pool: int) -> str:
    """INSERT … SELECT of the ids %s..%s, each a pool entry with its own id, object id and ID number: set-based,
    the database makes the rows (generate_series on PostgreSQL, a recursive CTE on SQLite). Documents keep the
    ID number masked, as lookup.services writes them; the blind index column gets a stand-in of its width (64 hex
    characters), because the keyed HMAC is not computable in SQL here and B5 searches text, never that column."""
    if vendor == "postgresql":
        series = "generate_series(%s::bigint, %s::bigint) AS n(g)"
        id_number = ("p.region_id || (1960 + n.g %% 40) || lpad((1 + n.g %% 12)::text, 2, '0') "
                     "|| lpad((1 + n.g %% 28)::text, 2, '0') || lpad((n.g %% 1000)::text, 3, '0') || (n.g %% 10)")
        masked = "left({0}, 4) || '**********' || right({0}, 4)"
        bidx = "md5(n.g::text) || md5(p.k::text)"
        head = ""
    else:
        series = "n"
        id_number = ("p.region_id || (1960 + n.g %% 40) || printf('%%02d%%02d%%03d%%d', 1 + n.g %% 12, 1 + n.g %% 28, "
                     "n.g %% 1000, n.g %% 10)")
        masked = "substr({0}, 1, 4) || '**********' || substr({0}, -4)"
        bidx = "lower(hex(randomblob(32)))"
        head = "WITH RECURSIVE n(g) AS (SELECT %s UNION ALL SELECT g + 1 FROM n WHERE g < %s) "
    return (f"{head}INSERT INTO lookup_document ({', '.join(COLUMNS)}) "
            f"SELECT n.g, p.kind, n.g, p.name, {masked.format(f'({id_number})')}, p.title, p.detail, '审核通过', p.unit_id, "
            f"p.department_id, p.region_id, NULL, NULL, p.text, p.grams, {bidx} "
            f"FROM {series} JOIN bench_lookup_pool p ON p.k = (n.g * {STEP}) %% {pool}")


def generate(scale: float, rng: random.Random) -> float:
    """SCALE × 1,000,000 documents: a pool of distinct contents made in Python, then the rows made by the
    database from it in chunks of a million (INSERT … SELECT), the bigram index built once at the end."""
    from django.core.management.color import no_style
    from django.db import connection, transaction

    from bench import fake
    from lookup.models import Document
    from orgs.models import Region, Unit
    from orgs.services import regions_load

    start = time.perf_counter()
    if not Region.objects.filter(code="350000").exists():
        regions_load(provinces={"35"})
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE lookup_document" if postgres else "DELETE FROM lookup_document")
    Unit.objects.filter(department__isnull=False).delete()  # the units, then their departments
    Unit.objects.all().delete()
    districts = list(Region.objects.filter(level=3, code__startswith="35").values_list("code", flat=True))
    departments = Unit.objects.bulk_create([Unit(name=f"{city}卫生健康委员会", kind=Unit.Kind.DEPARTMENT,
                                                 region_id=districts[0]) for city in fake.CITIES])
    units = Unit.objects.bulk_create([
        Unit(name=f"{fake.organisation(rng)}{i}", region_id=rng.choice(districts),
             department=departments[i % len(departments)]) for i in range(2000)])
    units_pool = [(u.pk, u.name, u.department_id, u.region_id) for u in units]
    total = int(scale * PER_SCALE)
    pool = min(total, POOL)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_lookup_pool")
        cursor.execute("CREATE TABLE bench_lookup_pool (k integer PRIMARY KEY, kind text, name text, title text, "
                       "detail text, text text, grams text, unit_id bigint, department_id bigint, region_id text)")
        with transaction.atomic():
            cursor.executemany(f"INSERT INTO bench_lookup_pool ({', '.join(POOL_COLUMNS)}) "
                               f"VALUES ({', '.join(['%s'] * len(POOL_COLUMNS))})", list(_pool(rng, pool, units_pool)))
        print(f"  pool of {pool:,} contents made in {time.perf_counter() - start:.0f} s", flush=True)
        if postgres:
            cursor.execute("DROP INDEX IF EXISTS lookup_document_grams")
            cursor.execute("SET synchronous_commit = off")
        else:  # the FTS5 index is rebuilt once at the end rather than row by row
            cursor.execute("DROP TRIGGER IF EXISTS lookup_document_ai")
        sql = _insert_sql(connection.vendor, pool)
        for low in range(1, total + 1, CHUNK):
            with transaction.atomic():
                cursor.execute(sql, [low, min(total, low + CHUNK - 1)])
            print(f"  {min(total, low + CHUNK - 1):,} rows, {time.perf_counter() - start:.0f} s", flush=True)
        cursor.execute("DROP TABLE bench_lookup_pool")
        for sql in connection.ops.sequence_reset_sql(no_style(), [Document]):  # ids were given: the next follows
            cursor.execute(sql)
        if postgres:
            cursor.execute("SET maintenance_work_mem = '1GB'")
            cursor.execute("CREATE INDEX lookup_document_grams ON lookup_document USING gin "
                           "(string_to_array(grams, ' '))")
            cursor.execute("VACUUM ANALYZE lookup_document")
        else:
            trigger = next(sql for sql in import_module("lookup.migrations.0002_bigram_index").SQLITE[0]
                           if sql.startswith("CREATE TRIGGER lookup_document_ai"))
            cursor.execute(trigger)
            cursor.execute("INSERT INTO lookup_document_fts(lookup_document_fts) VALUES ('rebuild')")
            cursor.execute("INSERT INTO lookup_document_fts(lookup_document_fts) VALUES ('optimize')")
            cursor.execute("ANALYZE")
    return time.perf_counter() - start


def _clerk():
    from accounts.models import Role, RoleAssignment, User

    user, _ = User.objects.get_or_create(username="bench-lookup", defaults={"name": "省人社检索",
                                                                           "registration": "approved"})
    RoleAssignment.objects.get_or_create(user=user, role=Role.BUREAU_STAFF, region_id="350000")
    return User.objects.get(pk=user.pk)


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def main(argv) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.lookup", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="sqlite", choices=["sqlite", "postgres"])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--scale", type=float, default=1)
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--generate-only", action="store_true",
                        help="make the documents when missing (or with --regenerate), then stop")
    args = parser.parse_args(argv)
    _setup(args.db, args.database_url)

    from django.db import connection

    from bench import fake
    from lookup.models import Document
    from lookup.selectors import documents_search

    rng = random.Random(5)
    total = int(args.scale * PER_SCALE)
    have = Document.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    if args.regenerate or have != total:
        print(f"generating {total:,} documents on {connection.vendor} …", flush=True)
        print(f"  generated and indexed in {generate(args.scale, rng):.0f} s", flush=True)
    if args.generate_only:
        return 0
    clerk = _clerk()
    two_words, four_words = _words()

    def two() -> str:
        return rng.choice(two_words) if rng.random() < 0.5 else rng.choice(fake.SURNAMES) + rng.choice(fake.GIVEN)

    def four() -> str:
        if rng.random() < 0.5:
            return rng.choice(four_words)
        return rng.choice(fake.SURNAMES) + "".join(rng.choice(fake.GIVEN) for _ in range(3))

    def floor() -> None:
        after = rng.randint(21, total)
        list(Document.objects.select_related("unit").filter(pk__lt=after).order_by("-pk")[:21])

    times: dict[str, list[float]] = {"2 characters": [], "4 characters": [], "floor (primary-key page)": []}
    found: dict[str, list[int]] = {"2 characters": [], "4 characters": []}
    for _ in range(20):  # warm-up: connection, caches, plans
        documents_search(clerk, two())
        floor()
    for _ in range(args.samples):
        for label, make in (("2 characters", two), ("4 characters", four), ("floor (primary-key page)", None)):
            query = make() if make else None
            begin = time.perf_counter()
            if query is None:
                floor()
            else:
                rows, _next = documents_search(clerk, query)
                found[label].append(len(rows))
            times[label].append(time.perf_counter() - begin)
    base = _p(times["floor (primary-key page)"], 0.95)
    print(f"B5 全省检索, {connection.vendor}, {total:,} documents, {args.samples} queries each")
    for label, values in times.items():
        p95 = _p(values, 0.95)
        rows = f", {statistics.mean(found[label]):.1f} rows a page on average" if label in found else ""
        print(f"  {label:<26} p50 {_p(values, 0.5):8.2f} ms   p95 {p95:8.2f} ms   p95/floor {p95 / base:6.1f}{rows}")
    worst = max(_p(times[k], 0.95) for k in found) / base
    print(f"  worst p95 / floor p95: {worst:.1f} (target ≤ {TARGET:.0f}): {'ok' if worst <= TARGET else 'OVER'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
