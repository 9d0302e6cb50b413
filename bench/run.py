"""The driver: data, sessions, server, load, report. Runs inside Django (bench.settings)."""

import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
from datetime import timedelta
from importlib import import_module
from urllib.parse import quote

from django.conf import settings
from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.crypto import get_random_string

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.middleware import LAST_SEEN, SIGNED_IN_AT
from accounts.models import Role, RoleAssignment, User
from accounts.second_factor import TOTP_NAME, is_staff_user
from dossier.models import Record, RecordCounter, Status

from . import database, generate
from .load import percentile
from .profile import Browser, cpu_ms

WORK_DIR = database.WORK_DIR
FLOOR_DIR = WORK_DIR / "floors"
TARGET = 0.25
DEEP_TARGET = 1.5  # page 1,000 of a review queue against its page 1 (latency)
DEEP_PAGE = 1000
DEEP_SAMPLES = 200
SPLIT_SECONDS = 5  # each target's load while the CPU of the server's workers and the database is read

# The measured pages: what a signed-in response must contain, and what the report calls them.
PAGES = {
    "applicant": (b"zc-dossier-menu", "/dossier/k/<kind>/, an applicant's 业绩类别 menu and record list"),
    "review": (b"batch-form", "/unit/records/k/<kind>/, a unit admin's review queue with its tab counts"),
}


def main(args) -> int:
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    FLOOR_DIR.mkdir(parents=True, exist_ok=True)
    clock = Clock()
    before = generate.stored_meta() if _database_exists() else {}
    meta = generate.ensure(args.scale, regenerate=args.regenerate)
    reused = before.get("generated_at") == meta.get("generated_at")
    clock.step("data ready")
    Session.objects.all().delete()  # earlier benchmark sessions
    cache.clear()  # the benchmark's own cache (bench.settings): sessions of earlier runs
    pages = {"applicant": sessions_for(args.people), "review": admin_sessions_for(args.people)}
    deep = deep_queue()
    clock.step(f"{sum(len(t) for t in pages.values()):,} sessions made")
    if args.profile:
        from .profile import profile

        if args.page == "deep":
            profile([[deep.paths[DEEP_PAGE], deep.cookie]] * args.profile, args.profile)
        else:
            profile(pages[args.page], args.profile)
        return 0
    queries = {name: queries_per_page(targets[:20]) for name, targets in pages.items()}
    clock.step("queries counted")
    workers = args.workers or (os.cpu_count() or 1) + 1
    concurrency = args.concurrency or 2 * workers
    with Server(workers) as server:
        clock.step(f"server up on 127.0.0.1:{server.port}")
        sizes, plan_targets = {}, {}
        for name, targets in pages.items():
            sample = server.typical_page(targets[:25], PAGES[name][0])
            (FLOOR_DIR / f"{name}.html").write_bytes(sample)
            sizes[name] = len(sample)
            plan_targets[name] = targets
            plan_targets[f"{name} floor"] = [[f"/bench/floor/{name}/", ""]]
        results = run_load(server, plan_targets, concurrency, seconds=args.seconds, rounds=args.rounds,
                           warmup=args.warmup)
        clock.step("load done")
        deep_results = deep.measure(server)
        clock.step(f"page {DEEP_PAGE:,} against page 1 measured")
        split = cpu_split(server, plan_targets, concurrency, SPLIT_SECONDS)
        clock.step("CPU under load split by process")
    clock.step("server stopped")
    os.environ["BENCH_FLOOR_DIR"] = str(FLOOR_DIR)
    cpu = {}
    for name, targets in pages.items():
        cpu[name] = cpu_ms(targets, 1000)
        cpu[f"{name} floor"] = cpu_ms([[f"/bench/floor/{name}/", ""]] * 2000, 2000)
    clock.step("CPU per request measured")
    report(meta, reused, results, queries, cpu, split, workers, concurrency, args, pages, sizes, deep, deep_results,
           clock.total())
    errors = sum(sum(r["errors"].values()) for r in results.values())
    return 1 if errors else 0


class Clock:
    def __init__(self):
        self.start = self.last = time.perf_counter()

    def step(self, what: str) -> None:
        now = time.perf_counter()
        print(f"  {what}: {now - self.last:.1f} s", flush=True)
        self.last = now

    def total(self) -> float:
        return time.perf_counter() - self.start


def _database_exists() -> bool:
    url = settings.BENCH_DATABASE_URL
    if database.is_sqlite(url):
        return database.sqlite_path(url).exists()
    try:
        connection.ensure_connection()
    except Exception:  # noqa: BLE001 — a missing PostgreSQL database: ensure() creates it
        return False
    return True


# ------------------------------------------------------------------ signed-in people


def sessions_for(n: int, seed: int = 7) -> list[list[str]]:
    """Sessions for up to `n` people drawn through random records, each with the list page of that record's
    kind: [path, cookie] pairs."""
    rng = random.Random(seed)
    picks = dict(_random_records(rng, n).values_list("owner_id", "kind"))
    users = User.objects.filter(pk__in=picks).only("pk", "password")
    return _signed_in(rng, [(user, f"/dossier/k/{picks[user.pk]}/") for user in users])


def admin_sessions_for(n: int, seed: int = 8) -> list[list[str]]:
    """Sessions for the admins of up to `n` units drawn through random submitted records (so a large unit,
    whose admins have more to review, comes up more often), each with the review queue of that record's
    kind: [path, cookie] pairs."""
    rng = random.Random(seed)
    picks = dict(_random_records(rng, n).exclude(status=Status.DRAFT).values_list("unit_id", "kind"))
    admins = dict(RoleAssignment.objects.filter(role=Role.UNIT_ADMIN, unit_id__in=picks)
                  .values_list("user_id", "unit_id"))
    users = User.objects.filter(pk__in=admins).only("pk", "password")
    return _signed_in(rng, [(user, f"/unit/records/k/{picks[admins[user.pk]]}/") for user in users])


def _random_records(rng: random.Random, n: int):
    top = Record.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    return Record.objects.filter(pk__in=[rng.randint(1, top) for _ in range(n)])


def _signed_in(rng: random.Random, pairs) -> list[list[str]]:
    """A session for each (user, path): made directly in the session table (as a login would), since the login
    form's captcha cannot be switched off with DEBUG off. A staff member's session has passed her second factor
    (the device django_otp.login stores; one is enrolled for her if she has none). With a cached_db engine a
    worker caches each session when it first reads it (the warm-up)."""
    backend = "accounts.backends.LoginBackend"
    now = timezone.now()
    expire = now + timedelta(seconds=settings.SESSION_COOKIE_AGE)
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    rows, targets = [], []
    for user, path in pairs:
        key = get_random_string(32, VALID_KEY_CHARS)
        # seen within the last minute, so that the idle clock's writes (one per person and minute) happen at
        # their steady rate from the first request on
        seen = now - timedelta(seconds=rng.uniform(0, 60))
        data = {"_auth_user_id": str(user.pk), "_auth_user_backend": backend,
                "_auth_user_hash": user.get_session_auth_hash(), SIGNED_IN_AT: int(now.timestamp()),
                LAST_SEEN: int(seen.timestamp())}
        if is_staff_user(user):
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
                user=user, name=TOTP_NAME, confirmed=True)
            data[DEVICE_ID_SESSION_KEY] = device.persistent_id
        rows.append(Session(session_key=key, session_data=store.encode(data), expire_date=expire))
        # a browser also returns the CSRF cookie it was given, so pages do not mint a new one each time
        cookie = f"{settings.SESSION_COOKIE_NAME}={key}; {settings.CSRF_COOKIE_NAME}={get_random_string(32)}"
        targets.append([path, cookie])
    Session.objects.bulk_create(rows, batch_size=1000)
    rng.shuffle(targets)
    return targets


# ------------------------------------------------------------------ page 1,000 of a review queue


class DeepQueue:
    """The longest review queue (a unit and kind with the most submitted records): its admin's page 1 and the
    real page 1,000, reached by following the queue's keyset cursors as the 下一页 links do."""

    def __init__(self, kind: str, total: int, size: int, cookie: str, after: str):
        self.kind, self.total, self.size, self.cookie = kind, total, size, cookie
        base = f"/unit/records/k/{kind}/"
        self.paths = {1: base, DEEP_PAGE: f"{base}?after={quote(after)}&p={DEEP_PAGE}"}

    def measure(self, server: "Server") -> dict:
        """Sequential requests on one keep-alive connection (latency without queueing), alternating between
        page 1 and page 1,000; each response is checked to be the page it claims to be."""
        first_row = {1: b"<td>1</td>", DEEP_PAGE: f"<td>{(DEEP_PAGE - 1) * self.size + 1}</td>".encode()}
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        times: dict[int, list[float]] = {1: [], DEEP_PAGE: []}
        try:
            for i in range(DEEP_SAMPLES + 10):
                for number in (1, DEEP_PAGE) if i % 2 == 0 else (DEEP_PAGE, 1):
                    started = time.perf_counter()
                    conn.request("GET", self.paths[number], headers={"Cookie": self.cookie})
                    response = conn.getresponse()
                    body = response.read()
                    elapsed = time.perf_counter() - started
                    if response.status != 200 or first_row[number] not in body:
                        raise SystemExit(f"bench: {self.paths[number]} answered {response.status}, not page {number}")
                    if i >= 10:  # the first rounds warm the workers
                        times[number].append(elapsed)
        finally:
            conn.close()
        out = {}
        for number, values in times.items():
            values.sort()
            out[number] = {f"p{p}_ms": percentile(values, p) * 1000 for p in (50, 95, 99)}
        browser = Browser()
        browser.get(self.paths[DEEP_PAGE], self.cookie)
        with CaptureQueriesContext(connection) as ctx:
            browser.get(self.paths[DEEP_PAGE], self.cookie)
        out["queries"] = len(ctx.captured_queries)
        return out


def deep_queue() -> DeepQueue:
    """The admin session and cursor of the longest queue; stops the run if it has no page 1,000."""
    from dossier.catalogue import catalogue
    from review.selectors import REVIEWED, unit_records

    row = (RecordCounter.objects.filter(status__in=REVIEWED).values("unit_id", "kind").annotate(total=Sum("n"))
           .order_by("-total").first())
    size = catalogue().page_size
    if not row or row["total"] < DEEP_PAGE * size:
        raise SystemExit(f"bench: no review queue has {DEEP_PAGE:,} pages; regenerate the data (--regenerate)")
    admin = RoleAssignment.objects.filter(role=Role.UNIT_ADMIN, unit_id=row["unit_id"]).order_by("pk").first()
    user = User.objects.get(pk=admin.user_id)
    after = ""
    for _ in range(DEEP_PAGE - 1):
        page = unit_records(user, kind=row["kind"], after=after, size=size)
        after = page.next_cursor
    ((_path, cookie),) = _signed_in(random.Random(9), [(user, "")])
    return DeepQueue(row["kind"], row["total"], size, cookie, after)


def queries_per_page(targets: list[list[str]]) -> tuple[list[int], list[str]]:
    """SQL queries of one page request for each target, in this process (the second request of each person,
    as a worker that has served before would see it), and the tables the first one's queries read."""
    counts, tables = [], []
    browser = Browser()
    for path, cookie in targets:
        browser.get(path, cookie)
        with CaptureQueriesContext(connection) as ctx:
            response = browser.get(path, cookie)
        if response.status_code != 200:
            raise SystemExit(f"bench: {path} answered {response.status_code} in process")
        counts.append(len(ctx.captured_queries))
        if not tables:
            tables = [_table(q["sql"]) for q in ctx.captured_queries]
    return counts, tables


def _table(sql: str) -> str:
    """The first table a query names after FROM (or the statement's verb and table for writes)."""
    words = sql.replace('"', "").split()
    if words and words[0].upper() in ("UPDATE", "INSERT", "DELETE"):
        return " ".join(words[:3 if words[0].upper() != "UPDATE" else 2]).lower()
    upper = [w.upper() for w in words]
    return words[upper.index("FROM") + 1] if "FROM" in upper else words[0].lower()


# ------------------------------------------------------------------ the server


class Server:
    """gunicorn on 127.0.0.1 with bench.settings, started and stopped around the load."""

    def __init__(self, workers: int):
        self.workers = workers
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]

    def __enter__(self):
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "BENCH_FLOOR_DIR": str(FLOOR_DIR)}
        self.log = open(WORK_DIR / "server.log", "w")  # noqa: SIM115
        (WORK_DIR / "server.pid").unlink(missing_ok=True)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "zhicheng.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
             "--workers", str(self.workers), "--worker-class", "sync", "--log-level", "warning",
             "--pid", str(WORK_DIR / "server.pid")],
            env=env, cwd=database.BASE_DIR, stdout=self.log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                self._get("/healthz", "")
                return self
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"bench: the server did not start; see {WORK_DIR / 'server.log'}") from None
                time.sleep(0.2)

    def __exit__(self, *exc):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()

    def _get(self, path: str, cookie: str) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    def typical_page(self, targets: list[list[str]], marker: bytes) -> bytes:
        """One response of a measured page, of the median size among a few people (the floor's bytes); every
        one must be the signed-in page (containing `marker`), or the run stops."""
        bodies = []
        for path, cookie in targets:
            status, body = self._get(path, cookie)
            if status != 200 or marker not in body:
                raise SystemExit(f"bench: {path} answered {status} (not the signed-in list page)")
            bodies.append(body)
        return sorted(bodies, key=len)[len(bodies) // 2]


# ------------------------------------------------------------------ CPU by process under load


def cpu_split(server: "Server", targets: dict, concurrency: int, seconds: float) -> dict:
    """For each target, one more phase of the same load, with the CPU time of the server's workers, of the
    database server (PostgreSQL's processes; none for SQLite) and of the whole machine read before and after
    (bench.cpu): milliseconds per request of each. Empty where /proc is not there."""
    from . import cpu

    if not cpu.available():
        return {}
    workers = cpu.children(server.process.pid)
    db_server = cpu.named("postgres") if connection.vendor == "postgresql" else []
    out = {}
    for name, pairs in targets.items():
        before = cpu.Sample(workers, db_server)
        done = run_load(server, {name: pairs}, concurrency, seconds=seconds, rounds=1, warmup=0)
        out[name] = before.per_request(cpu.Sample(workers, db_server), done[name]["requests"])
    return out


def run_load(server: "Server", targets: dict, concurrency: int, *, seconds: float, rounds: int,
             warmup: float) -> dict:
    """The load process (bench.load) against `targets` ({name: [[path, cookie], …]}): each warmed for `warmup`
    seconds, then `rounds` alternating phases of `seconds`; its results by name."""
    plan = {"port": server.port, "concurrency": concurrency, "phase_seconds": seconds, "rounds": rounds,
            "warmup_seconds": warmup, "max_requests": 200_000, "targets": targets}
    plan_file = WORK_DIR / "plan.json"
    plan_file.write_text(json.dumps(plan))
    limit = 60 + len(targets) * (warmup + rounds * seconds) * 2
    out = subprocess.run([sys.executable, "-m", "bench.load", str(plan_file)], capture_output=True, text=True,
                         timeout=limit, check=True, cwd=database.BASE_DIR)
    return json.loads(out.stdout)


# ------------------------------------------------------------------ the report


def report(meta, reused, results, queries, cpu, split, workers, concurrency, args, pages, sizes, deep, deep_results,
           seconds) -> None:
    vendor = connection.vendor
    print()
    print(f"bench: {vendor}, scale {meta['scale']}: {int(meta['records']):,} records, {int(meta['people']):,} people, "
          f"{int(meta['units']):,} units ({'reused; ' if reused else ''}generated in {meta['seconds']} s)")
    print(f"server: gunicorn, {workers} worker processes, DEBUG off; load: {concurrency} concurrent clients, "
          f"{args.rounds} alternating rounds of {args.seconds:g} s per target, each warmed {args.warmup:g} s first")
    engine = settings.SESSION_ENGINE.rsplit(".", 1)[-1]
    shared = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    print(f"sessions: {engine}" + (f" (cache: {shared})" if engine == "cached_db" else " (no shared cache)")
          + f"; database options: {settings.DATABASES['default'].get('OPTIONS', {})}")
    print(f"{'':15}{'requests':>10}{'req/s':>10}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'bytes':>9}  errors")
    for name, r in results.items():
        errors = ", ".join(f"{k}×{v}" for k, v in r["errors"].items()) or "0"
        print(f"{name:15}{r['requests']:>10,}{r['rps']:>10.1f}{r['p50_ms']:>9.1f}{r['p95_ms']:>9.1f}"
              f"{r['p99_ms']:>9.1f}{r['mean_bytes']:>9,.0f}  {errors}")
    for name, targets in pages.items():
        page, floor = results[name], results[f"{name} floor"]
        ratio = page["rps"] / floor["rps"] if floor["rps"] else 0.0
        counts, tables = queries[name]
        spread = f"{min(counts)}" if min(counts) == max(counts) else f"{min(counts)}–{max(counts)}"
        print()
        print(f"{name}: {PAGES[name][1]}, for {len(targets):,} signed-in people; floor: one such page's "
              f"{sizes[name]:,} bytes from memory")
        print(f"  SQL queries per request: {spread} (over {len(counts)} people; {', '.join(tables)})")
        print(f"  CPU per request in one process, without the network: page {cpu[name]:.2f} ms, "
              f"floor {cpu[name + ' floor']:.2f} ms")
        if name in split:
            page_cpu, floor_cpu = split[name], split[f"{name} floor"]
            database_part = f", database server {page_cpu['database']:.2f}" if vendor == "postgresql" else ""
            print(f"  CPU per request under load, whole machine: page {page_cpu['machine']:.2f} ms (server "
                  f"workers {page_cpu['workers']:.2f}{database_part}), floor {floor_cpu['machine']:.2f} ms "
                  f"(workers {floor_cpu['workers']:.2f})")
        print(f"  ratio page/floor: {ratio:.3f}  (target ≥ {TARGET})")
    first, last = deep_results[1], deep_results[DEEP_PAGE]
    print()
    print(f"review queue of {deep.total:,} {deep.kind} records, one client, {DEEP_SAMPLES} requests each "
          f"({deep_results['queries']} SQL queries on page {DEEP_PAGE:,}):")
    for number, r in ((1, first), (DEEP_PAGE, last)):
        print(f"  page {number:>5,}: p50 {r['p50_ms']:.1f} ms, p95 {r['p95_ms']:.1f} ms, p99 {r['p99_ms']:.1f} ms")
    print(f"  page {DEEP_PAGE:,} / page 1 (p50): {last['p50_ms'] / first['p50_ms']:.2f}×  (target ≤ {DEEP_TARGET}×)")
    print(f"[whole run {seconds:.0f} s]")
