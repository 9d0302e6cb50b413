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

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.crypto import get_random_string

from accounts.models import User
from dossier.models import Record

from . import database, generate
from .profile import Browser, cpu_ms

WORK_DIR = database.WORK_DIR
FLOOR_FILE = WORK_DIR / "floor.html"
TARGET = 0.35


def main(args) -> int:
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    clock = Clock()
    before = generate.stored_meta() if _database_exists() else {}
    meta = generate.ensure(args.scale, regenerate=args.regenerate)
    reused = before.get("generated_at") == meta.get("generated_at")
    clock.step("data ready")
    targets = sessions_for(args.people)
    clock.step(f"{len(targets):,} sessions made")
    if args.profile:
        from .profile import profile

        profile(targets, args.profile)
        return 0
    queries, tables = queries_per_page(targets[:20])
    clock.step("queries counted")
    workers = args.workers or (os.cpu_count() or 1) + 1
    concurrency = args.concurrency or 2 * workers
    with Server(workers) as server:
        clock.step(f"server up on 127.0.0.1:{server.port}")
        sample = server.typical_page(targets[:25])
        FLOOR_FILE.write_bytes(sample)
        plan = {
            "port": server.port, "concurrency": concurrency, "phase_seconds": args.seconds, "rounds": args.rounds,
            "warmup_seconds": 2, "max_requests": 200_000,
            "targets": {"page": targets, "floor": [["/bench/floor/", ""]]},
        }
        plan_file = WORK_DIR / "plan.json"
        plan_file.write_text(json.dumps(plan))
        limit = 60 + 2 * 2 + args.rounds * 2 * args.seconds * 2
        out = subprocess.run([sys.executable, "-m", "bench.load", str(plan_file)], capture_output=True, text=True,
                             timeout=limit, check=True, cwd=database.BASE_DIR)
        results = json.loads(out.stdout)
        clock.step("load done")
    clock.step("server stopped")
    os.environ["BENCH_FLOOR_FILE"] = str(FLOOR_FILE)
    cpu = {"page": cpu_ms(targets, 1000), "floor": cpu_ms([["/bench/floor/", ""]] * 2000, 2000)}
    clock.step("CPU per request measured")
    report(meta, reused, results, (queries, tables), cpu, workers, concurrency, args, len(targets), len(sample),
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
    kind: [path, cookie] pairs. Made directly in the session table (as a login would), since the login form's
    captcha cannot be switched off with DEBUG off. Earlier benchmark sessions are removed."""
    rng = random.Random(seed)
    top = Record.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    picks = dict(Record.objects.filter(pk__in=[rng.randint(1, top) for _ in range(n)])
                 .values_list("owner_id", "kind"))
    users = User.objects.filter(pk__in=picks).only("pk", "password")
    backend = "accounts.backends.LoginBackend"
    now, expire = time.time(), timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE)
    store = SessionStore()
    rows, targets = [], []
    for user in users:
        key = store._get_new_session_key()
        data = {"_auth_user_id": str(user.pk), "_auth_user_backend": backend,
                "_auth_user_hash": user.get_session_auth_hash(),
                # seen within the last minute, so that the idle-timeout refreshes (one session write per person
                # and minute) happen at their steady rate from the first request on
                "last_seen": now - rng.uniform(0, 60)}
        rows.append(Session(session_key=key, session_data=store.encode(data), expire_date=expire))
        # a browser also returns the CSRF cookie it was given, so pages do not mint a new one each time
        cookie = f"{settings.SESSION_COOKIE_NAME}={key}; {settings.CSRF_COOKIE_NAME}={get_random_string(32)}"
        targets.append([f"/dossier/k/{picks[user.pk]}/", cookie])
    Session.objects.all().delete()
    Session.objects.bulk_create(rows, batch_size=1000)
    rng.shuffle(targets)
    return targets


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
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "BENCH_FLOOR_FILE": str(FLOOR_FILE)}
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

    def typical_page(self, targets: list[list[str]]) -> bytes:
        """One response of the measured page, of the median size among a few people (the floor's bytes);
        every one must be the signed-in list page, or the run stops."""
        bodies = []
        for path, cookie in targets:
            status, body = self._get(path, cookie)
            if status != 200 or b"zc-dossier-menu" not in body:
                raise SystemExit(f"bench: {path} answered {status} (not the signed-in list page)")
            bodies.append(body)
        return sorted(bodies, key=len)[len(bodies) // 2]


# ------------------------------------------------------------------ the report


def report(meta, reused, results, queries, cpu, workers, concurrency, args, people, page_bytes, seconds) -> None:
    page, floor = results["page"], results["floor"]
    ratio = page["rps"] / floor["rps"] if floor["rps"] else 0.0
    vendor = connection.vendor
    print()
    print(f"bench: {vendor}, scale {meta['scale']}: {int(meta['records']):,} records, {int(meta['people']):,} people, "
          f"{int(meta['units']):,} units ({'reused; ' if reused else ''}generated in {meta['seconds']} s)")
    print(f"server: gunicorn, {workers} worker processes, DEBUG off; load: {concurrency} concurrent clients, "
          f"{args.rounds} alternating rounds of {args.seconds:g} s per target")
    print(f"{'':8}{'requests':>10}{'req/s':>10}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'bytes':>9}  errors")
    for name, r in (("page", page), ("floor", floor)):
        errors = ", ".join(f"{k}×{v}" for k, v in r["errors"].items()) or "0"
        print(f"{name:8}{r['requests']:>10,}{r['rps']:>10.1f}{r['p50_ms']:>9.1f}{r['p95_ms']:>9.1f}"
              f"{r['p99_ms']:>9.1f}{r['mean_bytes']:>9,.0f}  {errors}")
    queries, tables = queries
    spread = f"{min(queries)}" if min(queries) == max(queries) else f"{min(queries)}–{max(queries)}"
    print(f"SQL queries per page request: {spread} (over {len(queries)} people; {', '.join(tables)})")
    print(f"page: /dossier/k/<kind>/ of {people:,} signed-in people; floor: one such page's {page_bytes:,} bytes "
          f"from memory")
    print(f"CPU per request in one process, without the network: page {cpu['page']:.2f} ms, "
          f"floor {cpu['floor']:.2f} ms")
    print(f"ratio page/floor: {ratio:.3f}  (target ≥ {TARGET})   [whole run {seconds:.0f} s]")
