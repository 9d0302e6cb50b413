"""B5, 全省检索: p95 of two- and four-character queries against a primary-key page, in the same run.

    DEBUG=1 uv run python -m bench.lookup [--db sqlite|postgres] [--scale 1] [--samples 300]

SCALE × 1,000,000 search documents (fake people, units and titles from bench.fake, cut into bigrams by
lookup.grams as the application cuts them) in their own database (var/bench/bench_lookup.sqlite3 or
zc_bench_lookup; `--database-url` for another), generated once and kept (`--regenerate` to make them anew; the time
it took is printed). Then, alternating query by query in this process:

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


def _documents(rng: random.Random, n: int, units: list, start: int):
    """Rows of lookup_document as tuples, ids from `start`."""
    from bench import fake
    from core.masking import mask_id_number
    from core.personal_data import blind_index
    from lookup import grams
    from lookup.models import Document

    kinds = list(fake.AWARDS) + list(fake.HONOURS) + ["工作经历", "继续教育", "论文", "著作"]
    for i in range(start, start + n):
        name = fake.person_name(rng)
        unit_id, unit_name, department_id, region_id = units[rng.randrange(len(units))]
        if i % 5 == 0:
            kind, title, detail = Document.Kind.APPLICATION, rng.choice(["工程技术副高", "卫生技术中级", "中小学教师正高"]), \
                "2026年度职称评审"
        else:
            kind, title, detail = Document.Kind.RECORD, rng.choice(fake.TOPICS) + rng.choice(fake.TOPIC_SUFFIXES), \
                rng.choice(kinds)
        text = " ".join(grams.terms(f"{name} {title} {detail} {unit_name}"))
        id_number = f"{region_id}{1960 + i % 40}{1 + i % 12:02d}{1 + i % 28:02d}{i % 1000:03d}{i % 10}"
        yield (i, kind, i, name, mask_id_number(id_number), title, detail, "审核通过", unit_id, department_id,
               region_id, None, None, text, " ".join(grams.bigrams(text)), blind_index(id_number))


COLUMNS = ("id", "kind", "object_id", "name", "id_number", "title", "detail", "status", "unit_id", "department_id",
           "region_id", "body_id", "dated", "text", "grams", "id_number_bidx")


def generate(scale: float, rng: random.Random) -> float:
    from django.db import connection, transaction

    from bench import fake
    from orgs.models import Region, Unit
    from orgs.services import regions_load

    start = time.perf_counter()
    if not Region.objects.filter(code="350000").exists():
        regions_load(provinces={"35"})
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE lookup_document" if connection.vendor == "postgresql" else
                       "DELETE FROM lookup_document")
    Unit.objects.filter(department__isnull=False).delete()  # the units, then their departments
    Unit.objects.all().delete()
    districts = list(Region.objects.filter(level=3, code__startswith="35").values_list("code", flat=True))
    departments = Unit.objects.bulk_create([Unit(name=f"{city}卫生健康委员会", kind=Unit.Kind.DEPARTMENT,
                                                 region_id=districts[0]) for city in fake.CITIES])
    units = Unit.objects.bulk_create([
        Unit(name=f"{fake.organisation(rng)}{i}", region_id=rng.choice(districts),
             department=departments[i % len(departments)]) for i in range(2000)])
    pool = [(u.pk, u.name, u.department_id, u.region_id) for u in units]
    total, batch = int(scale * PER_SCALE), 20_000
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP INDEX IF EXISTS lookup_document_grams")
            with cursor.cursor.copy(f"COPY lookup_document ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for row in _documents(rng, total, pool, 1):
                    copy.write_row(row)
            cursor.execute("SET maintenance_work_mem = '512MB'")
            cursor.execute("CREATE INDEX lookup_document_grams ON lookup_document USING gin "
                           "(string_to_array(grams, ' '))")
            cursor.execute("VACUUM ANALYZE lookup_document")
        else:
            sql = (f"INSERT INTO lookup_document ({', '.join(COLUMNS)}) VALUES ({', '.join(['%s'] * len(COLUMNS))})")
            rows = _documents(rng, total, pool, 1)
            for _ in range(0, total, batch):
                with transaction.atomic():
                    cursor.executemany(sql, [next(rows) for _ in range(min(batch, total - _))])
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
