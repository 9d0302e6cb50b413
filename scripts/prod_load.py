"""make bench-load: the deadline evening (issue 23 item 4) against the stack of make prod-smoke, on 127.0.0.1 only.

The province (bench/province.py): 300,000 applicants in 15,000 units, 1,000,000 dossier records, 30,000
applications at every stage and the unit admins. It is generated set-based into the PostgreSQL database
zc_load_data, kept as a template and regenerated only when missing or of another version or --scale; each run
boots the stack of scripts/prod_smoke.py (nginx, two gunicorn instances, a task worker, PostgreSQL, Redis, S3 in
moto, DEBUG off) on a fresh copy of it, zc_load_run (CREATE DATABASE … TEMPLATE), so that a run's writes never
accumulate, plus the floor: bench.urls' floor view under bench.floor_settings as a third gunicorn instance behind
the same nginx, answering the bytes of a saved 我的业绩 page.

A bounded generator of threads, each a person of her own unit (an applicant with her sessions, her unit's admin
with his), replays the mix of KINDS: sign-ins (Argon2, with the captcha), 我的业绩, a record list, the
application's page, the unit admin's review queue, saving a record with a 1 MB upload, a PDF print, 提交申报 of a
prepared draft of the unit (signing in as its applicant first), and the admin's 审核通过 / 退回 of a pending
record of his queue (a record's review: an application's 用人单位审核 通过 needs a confirmed vacancy quota and
a finished publicity, which the province does not model, so applications' decisions are not in the mix). It
step-ramps the number of people with one app instance and then with two (nginx's
upstream reloaded), finds the knee of each (bench.evening.knee), holds 70 % of the two-instance knee for --hold
seconds (the issue asks 600) and measures the floor with as many people. Then "nothing lost": every filing and
decision the generator saw acknowledged (a redirect with the expected result) is in the database, with its flow
entry. Prints p50/p95/p99 per request kind, errors, the app workers' RSS growth, PostgreSQL's connections, the
floor's req/s and p95 beside the app's; one CSV row per run is appended to var/bench-load/load.csv.
"""

import argparse
import csv
import io
import os
import random
import subprocess
import sys
import threading
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import prod_smoke as smoke

from bench.evening import Ack, Step, knee, missing, pct, stored

TEMPLATE, RUN = "zc_load_data", "zc_load_run"
MEDIA = smoke.ROOT / "var/bench-load/media"  # the files the province refers to (its model application's)
KINDS = [  # (kind, weight)
    ("sign-in", 4), ("我的业绩", 21), ("record list", 21), ("application", 13), ("review queue", 15),
    ("upload 1 MB", 6), ("print", 7), ("healthz", 7), ("filing", 2), ("decision", 4),
]
PAGE_KINDS = {"我的业绩", "record list", "application", "review queue"}
FILED = "申报已提交，信息已锁定"
LOAD_SETUP = """
import django
django.setup()
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("SELECT key, value FROM bench_meta")
    meta = dict(cursor.fetchall())
print(meta["username"], meta["password"], meta["application_pk"])
"""


def one_megabyte_png() -> bytes:
    from PIL import Image  # noqa: PLC0415

    image = Image.frombytes("RGB", (600, 600), random.Random(1).randbytes(600 * 600 * 3))
    buffer = io.BytesIO()
    image.save(buffer, "PNG", compress_level=1)
    return buffer.getvalue()


# ------------------------------------------------------------------ the province, kept as a template


def admin_url(name: str) -> str:
    return urlsplit(smoke.DATABASE_URL)._replace(path=f"/{name}").geturl()


def template_meta() -> dict[str, str]:
    import psycopg  # noqa: PLC0415

    with psycopg.connect(admin_url("postgres"), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [TEMPLATE]).fetchone():
            return {}
    with psycopg.connect(admin_url(TEMPLATE), autocommit=True) as conn:
        if not conn.execute("SELECT to_regclass('bench_meta')").fetchone()[0]:
            return {}
        return dict(conn.execute("SELECT key, value FROM bench_meta").fetchall())


def ensure_province(scale: float) -> tuple[dict[str, str], float | None]:
    """The template's meta, generating it first when missing or stale; the seconds generation took (None: kept)."""
    from bench.province import VERSION  # noqa: PLC0415

    meta = template_meta()
    if meta.get("version") == VERSION and meta.get("scale") == str(scale) and MEDIA.is_dir():
        return meta, None
    began = time.monotonic()
    with smoke.step(f"generate the province (scale {scale}) into {TEMPLATE}"):
        smoke.psql(f"DROP DATABASE IF EXISTS {TEMPLATE} WITH (FORCE)")
        smoke.psql(f"CREATE DATABASE {TEMPLATE}")
        subprocess.run(["rm", "-rf", str(MEDIA)], check=True)  # noqa: S603, S607
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CAPTCHA", "CACHE_URL"))}
        env.update({"DATABASE_URL": admin_url(TEMPLATE), "DEBUG": "1", "ALLOWED_HOSTS": "testserver",
                    "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "MEDIA_ROOT": str(MEDIA),
                    "FILE_STORAGE": "django.core.files.storage.FileSystemStorage", "LOG_LEVEL": "WARNING",
                    "DJANGO_SETTINGS_MODULE": "zhicheng.settings"})
        subprocess.run([smoke.PYTHON, "-m", "bench.province", str(scale)], cwd=smoke.ROOT, env=env,  # noqa: S603
                       check=True)
    return template_meta(), time.monotonic() - began


# ------------------------------------------------------------------ the people


class Slot:
    """One person's world: a unit, its admin, its draft applications ready to file, its pending records."""

    def __init__(self, unit: int, admin: str, drafts: list[tuple[str, int]], pending: list[int]):
        self.unit, self.admin, self.drafts, self.pending = unit, admin, drafts, pending


def slots(n: int, model_pk: int) -> list[Slot]:
    """The `n` units with the most drafts ready to file, each with its first admin and its pending records."""
    from accounts.models import Role, RoleAssignment  # noqa: PLC0415
    from applications.models import Application  # noqa: PLC0415
    from dossier.models import Record, Status  # noqa: PLC0415

    drafts = defaultdict(list)
    for unit, username, pk in (Application.objects.filter(status=Application.Status.DRAFT).exclude(pk=model_pk)
                               .order_by("pk").values_list("unit_id", "applicant__username", "pk")):
        drafts[unit].append((username, pk))
    units = sorted(drafts, key=lambda u: -len(drafts[u]))[:n]
    out = []
    for unit in units:
        admin = (RoleAssignment.objects.filter(role=Role.UNIT_ADMIN, unit_id=unit).order_by("user_id")
                 .values_list("user_id", "user__username").first())
        pending = list(Record.objects.filter(unit_id=unit, status=Status.PENDING).exclude(owner_id=admin[0])
                       .order_by("pk").values_list("pk", flat=True)[:5000])
        out.append(Slot(unit, admin[1], drafts[unit], pending))
    return out


class Person:
    """One simulated person: an applicant's session, her unit admin's, and the model applicant's (the print)."""

    def __init__(self, stack, slot: Slot, printer, png: bytes):
        from bench.generate import PASSWORD  # noqa: PLC0415

        self.stack, self.slot, self.printer, self.png, self.password = stack, slot, printer, png, PASSWORD
        self.username, self.application_pk = slot.drafts.pop(0)
        self.applicant = self.sign_in(self.username)
        self.admin = self.sign_in(slot.admin)
        self.acks: list[Ack] = []
        self.refused: list[tuple[str, int, int]] = []

    def sign_in(self, username: str, password: str | None = None):
        browser = smoke.new_browser(self.stack.base)
        smoke.sign_in(browser, self.stack.base, self.stack.env, username, password or self.password)
        return browser

    def do(self, kind: str) -> int:
        base = self.stack.base
        if kind == "sign-in":
            self.applicant = self.sign_in(self.username)
            return 200
        if kind == "我的业绩":
            return self.applicant.get(f"{base}/dossier/").status_code
        if kind == "record list":
            return self.applicant.get(f"{base}/dossier/k/health_case/").status_code
        if kind == "application":
            return self.applicant.get(f"{base}/apply/{self.application_pk}/").status_code
        if kind == "review queue":
            return self.admin.get(f"{base}/unit/records/k/health_case/").status_code
        if kind == "print":
            return self.printer.get(f"{base}/apply/{self.stack.application_pk}/print/review.pdf").status_code
        if kind == "healthz":
            return self.applicant.get(f"{base}/healthz").status_code
        if kind == "upload 1 MB":
            return self.upload()
        if kind == "filing":
            return self.file()
        if kind == "decision":
            return self.decide()
        raise ValueError(kind)

    def upload(self) -> int:
        from dossier.catalogue import catalogue  # noqa: PLC0415
        from tests.dossier.support import valid_data  # noqa: PLC0415

        browser = self.applicant
        response = browser.post(f"{self.stack.base}/dossier/k/honour/new/", allow_redirects=False,
                                data={**valid_data(catalogue().kind("honour"), seed="负载"), "action": "save",
                                      "csrfmiddlewaretoken": browser.cookies["csrftoken"]},
                                files={"evidence": ("证书.png", self.png, "image/png")})
        return 200 if response.status_code == 302 else response.status_code

    def file(self) -> int:
        """提交申报: the next applicant of the unit with a prepared draft signs in and files it."""
        if not self.slot.drafts:
            return self.do("application")
        username, pk = self.slot.drafts.pop(0)
        browser = self.sign_in(username)
        response = browser.post(f"{self.stack.base}/apply/{pk}/submit/",
                                data={"csrfmiddlewaretoken": browser.cookies["csrftoken"]})
        if response.status_code == 200 and response.history and FILED in response.text:
            self.acks.append(Ack("filing", pk, "submitted"))
        elif response.status_code < 500:
            self.refused.append(("filing", pk, response.status_code))
        return response.status_code

    def decide(self) -> int:
        """审核通过 (three in four) or 退回 with an opinion of a pending record of the admin's queue."""
        if not self.slot.pending:
            return self.do("review queue")
        pk = self.slot.pending.pop(0)
        decision = "return" if pk % 4 == 0 else "approve"
        browser = self.admin
        response = browser.post(f"{self.stack.base}/unit/records/r/{pk}/", allow_redirects=False, data={
            "decision": decision, "opinion": "请补充证明材料。" if decision == "return" else "",
            "csrfmiddlewaretoken": browser.cookies["csrftoken"]})
        if response.status_code == 302:
            self.acks.append(Ack("decision", pk, "returned" if decision == "return" else "approved"))
            return 200
        if response.status_code < 500:
            self.refused.append(("decision", pk, response.status_code))
        return response.status_code


class Load:
    """`people` threads doing the mix (or only `kinds`) for `seconds`; (kind, seconds, ok) samples."""

    def __init__(self, people: list[Person]):
        self.people = people

    def run(self, n: int, seconds: float, kinds=None) -> list[tuple[str, float, bool]]:
        samples: list[tuple[str, float, bool]] = []
        lock = threading.Lock()
        deadline = time.monotonic() + seconds
        names, weights = zip(*(kinds or KINDS))

        def work(person: Person, seed: int):
            rng = random.Random(seed)
            while time.monotonic() < deadline:
                kind = rng.choices(names, weights)[0]
                started = time.monotonic()
                try:
                    ok = person.do(kind) < 500
                except Exception:  # a refused connection, a timeout: an error of the run
                    ok = False
                with lock:
                    samples.append((kind, time.monotonic() - started, ok))

        threads = [threading.Thread(target=work, args=(self.people[i], i + int(time.monotonic()))) for i in range(n)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return samples


class Floor:
    """A person requesting the floor through nginx, without cookies."""

    def __init__(self, stack):
        self.browser = smoke.new_browser(stack.base)
        self.url = f"https://127.0.0.1:{stack.floor[0]}/bench/floor/dossier/"

    def do(self, kind: str) -> int:
        return self.browser.get(self.url).status_code


def ramp(load: Load, steps: list[int], seconds: float, label: str) -> tuple[Step, list[Step]]:
    """Rate and pages' p95 at each step; the knee."""
    rows = []
    for n in steps:
        samples = load.run(n, seconds)
        pages = [t for kind, t, _ in samples if kind in PAGE_KINDS]
        rows.append(Step(n, len(samples) / seconds, pct(pages, 0.95), sum(1 for *_, ok in samples if not ok)))
        print(f"  {label}: {n:3d} people  {rows[-1].rate:7.1f} req/s  pages p95 {rows[-1].pages_p95 * 1000:6.0f} ms  "
              f"errors {rows[-1].errors}", flush=True)
    return knee(rows), rows


def worker_rss_kb(names: tuple[str, ...] = ("gunicorn-a", "gunicorn-b")) -> int:
    """The resident memory of the app's gunicorn processes (masters and workers)."""
    total = 0
    for process in smoke.started:
        if process.name not in names:
            continue
        pids = [process.pid] + [int(p) for p in subprocess.run(  # noqa: S603, S607
            ["pgrep", "-P", str(process.pid)], capture_output=True, text=True).stdout.split()]
        for pid in pids:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total


def pg_connections() -> int:
    from django.db import connection  # noqa: PLC0415

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")
        return cursor.fetchone()[0]


def deadline_evening(args):
    def run(tmp: Path, logs: Path) -> int:
        meta, generated = ensure_province(args.scale)
        print(f"province: {int(meta['people']):,} people in {int(meta['units']):,} units, "
              f"{int(meta['records']):,} records, {int(meta['applications']):,} applications; generated in "
              f"{meta['seconds']} s" + (" (this run)" if generated else " (kept template)"), flush=True)
        floor_dir = tmp / "floor"
        floor_dir.mkdir()
        smoke.use_database(admin_url(RUN))
        stack = smoke.boot(tmp, logs, template=TEMPLATE, setup=LOAD_SETUP, media=MEDIA, floor_dir=floor_dir)
        smoke.django_env(stack.env)
        png = one_megabyte_png()
        steps = [int(s) for s in args.steps.split(",")]
        with smoke.step(f"{max(steps)} people sign in"):
            printer = smoke.new_browser(stack.base)
            smoke.sign_in(printer, stack.base, stack.env, stack.username, stack.password)
            people = [Person(stack, slot, printer, png) for slot in slots(max(steps), stack.application_pk)]
            assert len(people) == max(steps), f"only {len(people)} units with drafts"
            people[0].do("print")  # the print is made once; later requests get the stored file
            # The floor answers the bytes of 我的业绩 as the app serves them.
            (floor_dir / "dossier.html").write_bytes(people[0].applicant.get(f"{stack.base}/dossier/").content)
            smoke.wait_for("the floor", lambda: Floor(stack).do("floor") == 200, 60)
        load = Load(people)
        with smoke.step(f"warm-up: every app worker serves every kind once ({args.warm_up:.0f} s, not measured)"):
            # A worker's first request of a page loads what it needs (seconds): not the deadline evening's figure.
            load.run(len(people), args.warm_up)
            Load([Floor(stack) for _ in people]).run(len(people), 5, [("floor", 1)])
        with smoke.step("step ramp, one app instance"):
            stack.set_upstreams([stack.app_a])
            knee_1, _ = ramp(load, steps, args.step_seconds, "1 instance")
        with smoke.step("step ramp, two app instances"):
            stack.set_upstreams([stack.app_a, stack.app_b])
            knee_2, _ = ramp(load, steps, args.step_seconds, "2 instances")
        hold_people = max(1, round(0.7 * knee_2.people))
        with smoke.step(f"hold {hold_people} people (70 % of the knee) for {args.hold:.0f} s"):
            rss_before = worker_rss_kb()
            connections = []
            sampler_stop = threading.Event()

            def sample():
                while not sampler_stop.wait(2):
                    connections.append(pg_connections())

            sampler = threading.Thread(target=sample)
            sampler.start()
            samples = load.run(hold_people, args.hold)
            sampler_stop.set()
            sampler.join()
            rss_after = worker_rss_kb()
        with smoke.step(f"the floor, {hold_people} people for {args.floor_seconds:.0f} s"):
            floor = Load([Floor(stack) for _ in range(hold_people)]).run(hold_people, args.floor_seconds,
                                                                          [("floor", 1)])
        with smoke.step("nothing lost: every acknowledged filing and decision is in the database"):
            acks = [ack for person in people for ack in person.acks]
            lost = missing(acks, stored(acks))
            refused = [r for person in people for r in person.refused]
            filings = sum(1 for a in acks if a.what == "filing")
            print(f"  acknowledged: {filings} filings, {len(acks) - filings} decisions; refused (not acknowledged): "
                  f"{len(refused)}; missing from the database: {len(lost)} {lost[:5]}", flush=True)
        by_kind = defaultdict(list)
        for kind, seconds, _ in samples:
            by_kind[kind].append(seconds)
        errors = sum(1 for *_, ok in samples if not ok)
        rate = len(samples) / args.hold
        floor_rate = len(floor) / args.floor_seconds
        floor_p95 = pct([t for _, t, _ in floor], .95)
        pages_p95 = pct([t for kind, t, _ in samples if kind in PAGE_KINDS], .95)
        rss_growth = 100 * (rss_after - rss_before) / max(1, rss_before)
        print(f"\nknee, one instance: {knee_1.rate:.1f} req/s at {knee_1.people} people; two instances: "
              f"{knee_2.rate:.1f} req/s at {knee_2.people} people (× {knee_2.rate / knee_1.rate:.2f}; the database, "
              f"the generator and nginx share the machine's {os.cpu_count()} cores with the app)")
        print(f"hold: {len(samples)} requests in {args.hold:.0f} s ({rate:.1f} req/s), errors "
              f"{errors} ({100 * errors / max(1, len(samples)):.2f} %), app RSS {rss_before // 1024} → "
              f"{rss_after // 1024} MB ({rss_growth:+.1f} %), PostgreSQL connections max {max(connections, default=0)}")
        print(f"floor (same stack, {hold_people} people): {floor_rate:.1f} req/s, p95 {floor_p95 * 1000:.0f} ms; "
              f"the app at the hold: {rate:.1f} req/s (every kind), the pages' p95 {pages_p95 * 1000:.0f} ms")
        print(f"{'kind':<14} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
        for kind, _ in KINDS:
            values = by_kind.get(kind, [])
            print(f"{kind:<14} {len(values):>6} {pct(values, .5) * 1000:>8.0f} {pct(values, .95) * 1000:>8.0f} "
                  f"{pct(values, .99) * 1000:>8.0f}")
        out = smoke.ROOT / "var/bench-load"
        out.mkdir(parents=True, exist_ok=True)
        path = out / "load.csv"
        header = ["time", "people", "records", "generated_s", "knee1_rps", "knee1_people", "knee2_rps",
                  "knee2_people", "hold_people", "hold_seconds", "requests", "errors", "rss_growth_pct",
                  "pg_connections_max", "filings_acked", "decisions_acked", "lost", "floor_rps", "floor_p95_ms",
                  *[f"{k} p95 ms" for k, _ in KINDS]]
        if path.exists() and path.read_text().splitlines()[:1] != [",".join(header)]:
            path.rename(path.with_suffix(f".{int(time.time())}.csv"))  # an older shape: kept beside
        new = not path.exists()
        with path.open("a", newline="") as fh:
            writer = csv.writer(fh)
            if new:
                writer.writerow(header)
            writer.writerow([datetime.now(UTC).isoformat(timespec="seconds"), meta["people"], meta["records"],
                             meta["seconds"], f"{knee_1.rate:.1f}", knee_1.people, f"{knee_2.rate:.1f}",
                             knee_2.people, hold_people, args.hold, len(samples), errors, f"{rss_growth:.1f}",
                             max(connections, default=0), filings, len(acks) - filings, len(lost),
                             f"{floor_rate:.1f}", f"{floor_p95 * 1000:.0f}",
                             *[f"{pct(by_kind.get(k, []), .95) * 1000:.0f}" for k, _ in KINDS]])
        print(f"appended to {path}")
        return 1 if lost else 0

    return run


def main() -> int:
    parser = argparse.ArgumentParser(prog="scripts/prod_load.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", default="1,2,4,6,8", help="people at each step of the ramp")
    parser.add_argument("--step-seconds", type=float, default=8, help="length of each step (default 8 s)")
    parser.add_argument("--hold", type=float, default=30, help="seconds at 70 %% of the knee (the issue: 600)")
    parser.add_argument("--warm-up", type=float, default=20, help="unmeasured seconds of the mix before the ramps")
    parser.add_argument("--floor-seconds", type=float, default=20, help="seconds on the floor view (default 20)")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="the province's size (1: 300,000 people, 1,000,000 records); another regenerates")
    args = parser.parse_args()
    return smoke.main(deadline_evening(args))


if __name__ == "__main__":
    sys.exit(main())
