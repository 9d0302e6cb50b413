"""Fault drills (docs/drills.md): each bounded in time, each followed by a "nothing lost" check, each appending one
row to var/drills/drills.csv (when, drill, passed, seconds, figures) so that regressions show as numbers.

    DEBUG=1 uv run python -m bench.drills [--database-url postgres://…/zc_drills] [--only worker-kill,pg-restart]

- worker-kill: the task worker killed (SIGKILL) halfway through the background 正式导入 of a 10,000-row 卫生-病案
  file; the import's transaction leaves no record behind; the worker restarted, the stale job expired (as
  `manage.py expire_import_jobs` does ten minutes later: the drill moves the job's clock back instead of waiting)
  and 正式导入 pressed again, the job ends 已导入 with exactly 10,000 records, no duplicates.
- pg-restart: a private PostgreSQL cluster (initdb on a free port, so that nobody else's database restarts) behind
  two gunicorn workers, signed-in readers requesting 我的业绩 continuously; PostgreSQL restarted (pg_ctl restart -m
  fast) in the middle: errors only while it restarts plus 5 s, none after, nobody signed out, /readyz green again.
- web-worker-kill: one of gunicorn's two app workers killed (SIGKILL) every 30 s, three times, under signed-in
  readers: failed requests at most those in flight at the kills, nobody signed out, two workers again after.
- disk-full: the media folder on a 1 MiB tmpfs (as root); an applicant saves records with a 300 KB scan until the
  disk is full: the page says 服务器存储空间不足, no partial file, no row without its file, no file without its row;
  once the tmpfs grows she saves again.
- s3-down: evidence on S3 (moto's server behind a TCP gate): the S3 server unreachable while a record is saved:
  文件存储暂时不可用 on the page, nothing saved, no object without its row; saving works once it is back.
- db-slow: PostgreSQL reached through a TCP gate that holds every answer back by 1 s for 30 s, under signed-in
  readers: requests slow down but none fails nor waits past the timeouts, /readyz is 503 while the database
  is slow and 200 after, and once the database is fast again pages are fast again within 5 s on their own.
- redis-stop: Redis (its own, on a free port) as the cache and the sessions' cache of two gunicorn workers, stopped
  for 60 s under signed-in readers: no reader fails or is signed out, a new sign-in works, an SMS code is refused
  (its limits cannot be counted: fail closed), five wrong passwords still lock an account (counted in the
  database), /readyz is 503 during the outage and 200 after.

Everything runs on 127.0.0.1, on ports chosen free at run time; every process it starts is stopped at the end,
also on failure.
"""

import argparse
import contextlib
import csv
import datetime
import http.cookiejar
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CSV_FILE = ROOT / "var" / "drills" / "drills.csv"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/zc_drills"
PG_BIN = Path("/usr/lib/postgresql/15/bin")


def record(drill: str, passed: bool, seconds: float, figures: dict) -> None:
    CSV_FILE.parent.mkdir(parents=True, exist_ok=True)
    new = not CSV_FILE.exists()
    with open(CSV_FILE, "a", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        if new:
            writer.writerow(["at", "drill", "passed", "seconds", "figures"])
        writer.writerow([datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"), drill,
                         "yes" if passed else "NO", f"{seconds:.1f}", json.dumps(figures, ensure_ascii=False)])
    print(f"{drill}: {'passed' if passed else 'FAILED'} in {seconds:.1f} s  {json.dumps(figures, ensure_ascii=False)}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fresh_database(url: str) -> None:
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def environment(url: str, **extra) -> dict:
    env = {key: value for key, value in os.environ.items() if key != "CACHE_URL"}  # only a drill's own cache
    return {**env, "DJANGO_SETTINGS_MODULE": "zhicheng.settings", "DEBUG": "1", "DATABASE_URL": url,
            "CAPTCHA_DISABLED": "1", **extra}


def manage(env: dict, *args) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, timeout=600,
                   stdout=subprocess.DEVNULL)


def start(command: list[str], env: dict, log: Path) -> subprocess.Popen:
    """A process in a session of its own, so that it and its children are stopped together."""
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True, stdout=open(log, "ab"),
                            stderr=subprocess.STDOUT)


def stop(process: subprocess.Popen | None, sig=signal.SIGTERM) -> None:
    if process is None or process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=15)


def worker_command() -> list[str]:
    return [sys.executable, "manage.py", "db_worker", "--queue-name", "default", "--interval", "0.1", "--no-reload",
            "--no-startup-delay", "-v", "0"]


# --- worker-kill ---------------------------------------------------------------------------------------------

def drill_worker_kill(url: str, work: Path, rows: int = 10_000) -> None:
    started = time.monotonic()
    fresh_database(url)
    env = environment(url, MEDIA_ROOT=str(work / "media"))
    manage(env, "migrate", "--no-input", "-v0")
    _django(env)
    from django.db import connection
    from django.utils import timezone

    from accounts.models import User
    from bench.imports import _file, _Upload
    from core.excel import read_rows
    from dossier.catalogue import catalogue
    from dossier.imports import STALE_AFTER, _validate, import_columns, import_commit
    from dossier.models import ImportJob, Record
    from orgs.models import Region, Unit

    kind = catalogue().kind("health_case")
    region, _ = Region.objects.get_or_create(code="350102", defaults={"name": "鼓楼区", "level": 3})
    unit = Unit.objects.create(name="演练医院", region=region)
    owner = User.objects.create(username="drill-import", name="演练", unit=unit, registration="approved")
    job = ImportJob.objects.create(owner=owner, kind=kind.key, file_name="病案.xlsx", total=rows)
    _validate(job, read_rows(_Upload(_file(rows)), import_columns(kind, None)))
    job.refresh_from_db()
    assert job.state == ImportJob.State.READY, job.errors[:3]

    worker = None
    figures: dict = {"rows": rows}
    try:
        import_commit(actor=owner, job=job)  # queued for the worker (autocommit: on_commit runs at once)
        worker = start(worker_command(), env, work / "worker.log")
        deadline = time.monotonic() + 300
        processed = 0
        while time.monotonic() < deadline:
            job.refresh_from_db()
            processed = job.processed
            if job.state != ImportJob.State.IMPORTING or processed >= rows // 2:
                break
            time.sleep(0.02)
        stop(worker, signal.SIGKILL)
        job.refresh_from_db()
        figures.update(processed_at_kill=processed, state_after_kill=job.state,
                       records_after_kill=Record.objects.filter(owner=owner).count())
        killed_midway = job.state == ImportJob.State.IMPORTING and figures["records_after_kill"] == 0
        worker = start(worker_command(), env, work / "worker.log")
        # Ten minutes without progress: the timer's expire_import_jobs marks it failed. Moved back, not waited.
        ImportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - STALE_AFTER - datetime.timedelta(
            minutes=1))
        retried = time.monotonic()
        import_commit(actor=owner, job=job)
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.state in (ImportJob.State.DONE, ImportJob.State.FAILED):
                break
            time.sleep(0.1)
        figures["retry_seconds"] = round(time.monotonic() - retried, 1)
        records = list(Record.objects.filter(owner=owner).values_list("data", flat=True))
        distinct = len({json.dumps(data, sort_keys=True, ensure_ascii=False) for data in records})
        figures.update(final_state=job.state, records=len(records), distinct=distinct)
        passed = killed_midway and job.state == ImportJob.State.DONE and len(records) == distinct == rows
    finally:
        stop(worker)
        connection.close()
    record("worker-kill", passed, time.monotonic() - started, figures)


# --- pg-restart ----------------------------------------------------------------------------------------------

class Readers:
    """Signed-in clients requesting a page in a loop; every answer kept as (seconds since start at its end, ok,
    status or error, seconds it took)."""

    def __init__(self, base: str, path: str, sessions: list[http.cookiejar.CookieJar], timeout: float = 10.0):
        self.base, self.path, self.sessions, self.timeout = base, path, sessions, timeout
        self.results: list[tuple[float, bool, str, float]] = []
        self.stop_event = threading.Event()
        self.t0 = time.monotonic()
        self.threads = [threading.Thread(target=self._loop, args=(jar,), daemon=True) for jar in sessions]

    def _loop(self, jar):
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect())
        while not self.stop_event.is_set():
            at = time.monotonic()
            try:
                with opener.open(self.base + self.path, timeout=self.timeout) as response:
                    ok, what = response.status == 200, str(response.status)
            except urllib.error.HTTPError as error:
                ok, what = False, str(error.code)
            except OSError as error:
                ok, what = False, type(error).__name__
            # Kept at its end: a request in flight when PostgreSQL stops fails then, inside the window.
            end = time.monotonic()
            self.results.append((end - self.t0, ok, what, end - at))
            time.sleep(0.05)

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop_event.set()
        for thread in self.threads:
            thread.join(timeout=15)
        return False


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect to the sign-in page is an error here: the reader was signed out


def sign_in(base: str, username: str, password: str, otp_code=None) -> http.cookiejar.CookieJar:
    """Signs a person in through the login page (GET for the CSRF cookie, POST the form); the captcha is off
    (CAPTCHA_DISABLED=1, as in the browser tests). A staff account is then sent to 二次验证: `otp_code()` gives
    its authenticator's current code (for a demo account, what `manage.py demo_otp_code USERNAME` prints), which
    is posted there; the drills sign in applicants, who have none."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect())
    opener.open(base + "/accounts/login/", timeout=30).read()  # noqa: S310 - http://127.0.0.1 only
    token = next(cookie.value for cookie in jar if cookie.name == "csrftoken")
    body = urllib.parse.urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token}).encode()
    request = urllib.request.Request(base + "/accounts/login/", data=body, headers={"Referer": base + "/accounts/login/"})  # noqa: S310
    location = ""
    try:
        opener.open(request, timeout=30)
    except urllib.error.HTTPError as error:
        if error.code != 302:
            raise
        location = error.headers.get("Location", "")
    assert any(cookie.name == "sessionid" for cookie in jar), "sign-in failed"
    if location.startswith("/accounts/second-factor/"):
        assert otp_code is not None, f"{username} signs in with a second factor: pass otp_code"
        token = next(cookie.value for cookie in jar if cookie.name == "csrftoken")
        body = urllib.parse.urlencode({"code": otp_code(), "csrfmiddlewaretoken": token}).encode()
        request = urllib.request.Request(base + location, data=body, headers={"Referer": base + location})  # noqa: S310
        try:
            opener.open(request, timeout=30)
            raise AssertionError("the second factor was refused")
        except urllib.error.HTTPError as error:
            if error.code != 302:
                raise
    return jar


def drill_pg_restart(work: Path, *, readers: int = 4, seconds: float = 30.0) -> None:
    started = time.monotonic()
    data, port, web_port = work / "pgdata", free_port(), free_port()
    # PostgreSQL refuses to run as root: as root, the cluster belongs to the postgres user.
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if as_postgres:
        shutil.chown(work, "postgres")
    subprocess.run([*as_postgres, PG_BIN / "initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"],
                   check=True, stdout=subprocess.DEVNULL)
    pg = [*as_postgres, PG_BIN / "pg_ctl", "-D", data, "-l", work / "pg.log", "-o", f"-p {port} -k {work} -c listen_addresses=127.0.0.1"]
    web = None
    figures: dict = {"readers": readers}
    try:
        subprocess.run([*pg, "-w", "start"], check=True, stdout=subprocess.DEVNULL)
        url = f"postgres://postgres@127.0.0.1:{port}/zc_drills"
        fresh_database(url)
        env = environment(url, MEDIA_ROOT=str(work / "media"), PYTHONPATH=str(ROOT))
        (work / "media").mkdir(exist_ok=True)
        manage(env, "migrate", "--no-input", "-v0")
        manage(env, "seed_demo")
        web = start([sys.executable, "-m", "gunicorn", "zhicheng.wsgi", "--bind", f"127.0.0.1:{web_port}",
                     "--workers", "2", "--timeout", "30", "--graceful-timeout", "5"], env, work / "web.log")
        base = f"http://127.0.0.1:{web_port}"
        for _ in range(300):
            with contextlib.suppress(OSError):
                urllib.request.urlopen(base + "/healthz", timeout=2).read()  # noqa: S310 - 127.0.0.1
                break
            time.sleep(0.1)
        jars = [sign_in(base, "350102199005120124", "Demo2026") for _ in range(readers)]
        with Readers(base, "/dossier/", jars) as load:
            time.sleep(seconds / 3)
            down_at = time.monotonic() - load.t0
            subprocess.run([*pg, "-m", "fast", "-w", "restart"], check=True, stdout=subprocess.DEVNULL)
            up_at = time.monotonic() - load.t0
            time.sleep(seconds * 2 / 3)
        results = list(load.results)
        window_end = up_at + 5
        late = [r for r in results if r[0] > window_end and not r[1]]
        early = [r for r in results if r[0] < down_at and not r[1]]
        failed = [r for r in results if not r[1]]
        signed_out = [r for r in results if r[2] == "302"]
        ready = urllib.request.urlopen(base + "/readyz", timeout=10).status  # noqa: S310 - 127.0.0.1
        figures.update(requests=len(results), failed=len(failed), failed_after_window=len(late),
                       failed_before_restart=len(early), restart_seconds=round(up_at - down_at, 2),
                       signed_out=len(signed_out), readyz_after=ready,
                       kinds=sorted({r[2] for r in failed}))
        passed = not late and not early and not signed_out and ready == 200 and len(results) > 0
    finally:
        stop(web)
        subprocess.run([*pg, "-m", "immediate", "stop"], check=False, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
    record("pg-restart", passed, time.monotonic() - started, figures)


# --- redis-stop ----------------------------------------------------------------------------------------------

def post_form(jar, base: str, path: str, fields: dict, *, page: str) -> tuple[int, str]:
    """GET `page` (for the CSRF cookie), then POST the form to `path`: (status, body)."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect())
    opener.open(base + page, timeout=30).read()  # noqa: S310 - http://127.0.0.1 only
    token = next(cookie.value for cookie in jar if cookie.name == "csrftoken")
    body = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": token}).encode()
    request = urllib.request.Request(base + path, data=body, headers={"Referer": base + page})  # noqa: S310
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def status_of(base: str, path: str) -> int:
    try:
        with urllib.request.urlopen(base + path, timeout=10) as response:  # noqa: S310 - http://127.0.0.1 only
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def drill_redis_stop(url: str, work: Path, *, readers: int = 4, outage: float = 60.0) -> None:
    """Redis (its own, on a free port) holds the cache and the sessions' cache (cached_db) of two gunicorn
    workers; it is stopped for `outage` seconds while signed-in readers request 我的业绩."""
    started = time.monotonic()
    redis_port, web_port = free_port(), free_port()
    redis_command = ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
                     "--appendonly", "no"]
    fresh_database(url)
    env = environment(url, MEDIA_ROOT=str(work / "media"), CACHE_URL=f"redis://127.0.0.1:{redis_port}/0")
    (work / "media").mkdir(exist_ok=True)
    redis = web = None
    figures: dict = {"readers": readers, "outage_seconds": outage}
    try:
        manage(env, "migrate", "--no-input", "-v0")
        manage(env, "seed_demo")
        redis = start(redis_command, env, work / "redis.log")
        web = start([sys.executable, "-m", "gunicorn", "zhicheng.wsgi", "--bind", f"127.0.0.1:{web_port}",
                     "--workers", "2", "--timeout", "30"], env, work / "web.log")
        base = f"http://127.0.0.1:{web_port}"
        for _ in range(300):
            if _answers(base):
                break
            time.sleep(0.1)
        jars = [sign_in(base, "350102199005120124", "Demo2026") for _ in range(readers)]
        with Readers(base, "/dossier/", jars) as load:
            time.sleep(5)
            stop(redis)
            down_at = time.monotonic() - load.t0
            figures["readyz_during"] = status_of(base, "/readyz")
            # A code asked for while the limits cannot be counted: refused, nothing sent (fail closed).
            _, answer = post_form(http.cookiejar.CookieJar(), base, "/accounts/sms/send/",
                                  {"phone": "13912345678", "purpose": "register", "captcha": "X"},
                                  page="/accounts/register/")
            figures["sms_refused"] = "短信服务暂时不可用" in answer
            # Five wrong passwords lock the account (django-axes counts in the database), the right one then fails.
            for _ in range(5):
                post_form(http.cookiejar.CookieJar(), base, "/accounts/login/",
                          {"username": "350102198609030213", "password": "wrong-Password1"}, page="/accounts/login/")
            locked = http.cookiejar.CookieJar()
            post_form(locked, base, "/accounts/login/", {"username": "350102198609030213", "password": "Demo2026"},
                      page="/accounts/login/")
            figures["lockout_holds"] = not any(cookie.name == "sessionid" for cookie in locked)
            # Someone else signs in meanwhile: the session is written to the database.
            try:
                sign_in(base, "350104198402200310", "Demo2026")
                figures["sign_in_during"] = True
            except (AssertionError, OSError):
                figures["sign_in_during"] = False
            time.sleep(max(0.0, outage - (time.monotonic() - load.t0 - down_at)))
            redis = start(redis_command, env, work / "redis.log")
            up_at = time.monotonic() - load.t0
            time.sleep(5)
        results = list(load.results)
        failed = [r for r in results if not r[1]]
        figures.update(requests=len(results), during_outage=len([r for r in results if down_at <= r[0] <= up_at]),
                       failed=len(failed), signed_out=len([r for r in results if r[2] == "302"]),
                       kinds=sorted({r[2] for r in failed}), readyz_after=status_of(base, "/readyz"))
        passed = (not failed and figures["sms_refused"] and figures["lockout_holds"] and figures["sign_in_during"]
                  and figures["readyz_during"] == 503 and figures["readyz_after"] == 200)
    finally:
        stop(web)
        stop(redis)
    record("redis-stop", passed, time.monotonic() - started, figures)


def _answers(base: str) -> bool:
    try:
        return status_of(base, "/healthz") == 200
    except OSError:
        return False


# --- web-worker-kill -----------------------------------------------------------------------------------------

def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                found.append(int(stat.parent.name))
    return found


def drill_web_worker_kill(url: str, work: Path, *, readers: int = 4, kills: int = 3, every: float = 30.0) -> None:
    """An app worker (one of gunicorn's two) killed with SIGKILL every `every` seconds under signed-in readers: the
    failed requests are at most those in flight (one per reader) at each kill; gunicorn starts a new worker."""
    started = time.monotonic()
    web_port = free_port()
    fresh_database(url)
    env = environment(url, MEDIA_ROOT=str(work / "media"))
    (work / "media").mkdir(exist_ok=True)
    web = None
    figures: dict = {"readers": readers, "kills": kills, "every_seconds": every}
    try:
        manage(env, "migrate", "--no-input", "-v0")
        manage(env, "seed_demo")
        web = start([sys.executable, "-m", "gunicorn", "zhicheng.wsgi", "--bind", f"127.0.0.1:{web_port}",
                     "--workers", "2", "--timeout", "30"], env, work / "web.log")
        base = f"http://127.0.0.1:{web_port}"
        for _ in range(300):
            if _answers(base):
                break
            time.sleep(0.1)
        jars = [sign_in(base, "350102199005120124", "Demo2026") for _ in range(readers)]
        killed = []
        with Readers(base, "/dossier/", jars) as load:
            for _ in range(kills):
                time.sleep(every)
                victim = sorted(children(web.pid))[0]
                os.kill(victim, signal.SIGKILL)
                killed.append(victim)
            time.sleep(5)
        results = list(load.results)
        failed = [r for r in results if not r[1]]
        figures.update(requests=len(results), failed=len(failed), in_flight_bound=readers * kills,
                       signed_out=len([r for r in results if r[2] == "302"]), kinds=sorted({r[2] for r in failed}),
                       workers_after=len(children(web.pid)), readyz_after=status_of(base, "/readyz"))
        passed = (len(failed) <= readers * kills and not figures["signed_out"] and figures["workers_after"] == 2
                  and figures["readyz_after"] == 200 and len(results) > 0)
    finally:
        stop(web)
    record("web-worker-kill", passed, time.monotonic() - started, figures)


# --- disk-full -----------------------------------------------------------------------------------------------

def _django(env: dict) -> None:
    """This process's Django, on the drill's database (set up once, by the first drill that needs it). Each drill
    recreates that database, which ends the connections an earlier drill left open: they are closed here so that
    the next query connects afresh."""
    import django
    from django.apps import apps

    if not apps.ready:
        os.environ.update({key: env[key] for key in ("DJANGO_SETTINGS_MODULE", "DEBUG", "DATABASE_URL",
                                                     "MEDIA_ROOT")})
        django.setup()
        from django.conf import settings

        settings.DEBUG = False
    from django.db import connections

    connections.close_all()


def drill_disk_full(url: str, work: Path, *, disk_kb: int = 1024) -> None:
    """The media folder on a tmpfs of `disk_kb` KiB under one gunicorn process; an applicant saves records with a
    300 KB scan each until the disk is full, then the tmpfs grows (space returns) and she saves one more."""
    import hashlib

    import requests

    started = time.monotonic()
    if os.geteuid() != 0:
        raise RuntimeError("the disk-full drill mounts a small tmpfs: run it as root")
    media, web_port = work / "media", free_port()
    media.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=65536k", "tmpfs", media], check=True)  # the demo's files
    fresh_database(url)
    env = environment(url, MEDIA_ROOT=str(media), FILE_UPLOAD_TEMP_DIR=str(work))
    web = None
    figures: dict = {"disk_kb": disk_kb}
    try:
        manage(env, "migrate", "--no-input", "-v0")
        manage(env, "seed_demo")
        # Then only `disk_kb` free: the tmpfs shrunk to what the demo uses plus that.
        usage = os.statvfs(media)
        used_kb = (usage.f_blocks - usage.f_bfree) * usage.f_frsize // 1024
        subprocess.run(["mount", "-o", f"remount,size={used_kb + disk_kb}k", media], check=True)
        demo_files = {path for path in media.rglob("*") if path.is_file()}
        _django(env)
        from dossier.catalogue import catalogue
        from tests.dossier.support import png_bytes, valid_data

        kind = catalogue().kind("honour")
        scan = png_bytes((320, 320), noisy=True)
        web = start([sys.executable, "-m", "gunicorn", "zhicheng.wsgi", "--bind", f"127.0.0.1:{web_port}",
                     "--workers", "1", "--timeout", "30"], env, work / "web.log")
        base = f"http://127.0.0.1:{web_port}"
        for _ in range(300):
            if _answers(base):
                break
            time.sleep(0.1)
        session = requests.Session()
        session.cookies.update(sign_in(base, "350102199005120124", "Demo2026"))
        page = f"{base}/dossier/k/{kind.key}/new/"

        def save(n: int) -> tuple[int, str]:
            session.get(page, timeout=30)
            data = {**valid_data(kind, seed=f"演练{n}"), "action": "save",
                    "csrfmiddlewaretoken": session.cookies["csrftoken"]}
            response = session.post(page, data=data, files={"evidence": (f"扫描件{n}.png", scan, "image/png")},
                                    headers={"Referer": page}, allow_redirects=False, timeout=60)
            return response.status_code, response.text

        saved, refusal = 0, ""
        for n in range(1, 4 * disk_kb // 300 + 4):
            status, body = save(n)
            if status == 302:
                saved += 1
                continue
            refusal = "服务器存储空间不足" if "服务器存储空间不足" in body else f"{status}"
            break
        figures.update(saved_before_full=saved, refusal=refusal)
        subprocess.run(["mount", "-o", f"remount,size={used_kb + disk_kb * 8}k", media], check=True)
        status, _ = save(999)
        figures["saved_after_space_returns"] = status == 302
        from core.personal_data import blind_index
        from dossier.models import Evidence

        digest = hashlib.sha256(scan).hexdigest()
        rows = {e.file.name for e in Evidence.objects.filter(record__owner__id_number_bidx=blind_index("350102199005120124"),
                                                             name__startswith="扫描件")}
        on_disk = {str(path.relative_to(media)) for path in media.rglob("*") if path.is_file()
                   and path.name.endswith(".png")}
        complete = all(hashlib.sha256((media / name).read_bytes()).hexdigest() == digest
                       for name in rows if (media / name).is_file())
        figures.update(rows=len(rows), rows_without_file=len({n for n in rows if not (media / n).is_file()}),
                       drill_files_without_row=len({n for n in on_disk if n not in rows
                                                    and hashlib.sha256((media / n).read_bytes()).hexdigest() == digest}),
                       partial_files=len([p for p in media.rglob("*") if p.is_file() and p not in demo_files
                                          and str(p.relative_to(media)) not in rows]),
                       files_complete=complete)
        passed = (refusal == "服务器存储空间不足" and figures["saved_after_space_returns"] and saved > 0
                  and not figures["rows_without_file"] and not figures["drill_files_without_row"]
                  and not figures["partial_files"] and complete and len(rows) == saved + 1)
    finally:
        stop(web)
        subprocess.run(["umount", "-l", media], check=False)
    record("disk-full", passed, time.monotonic() - started, figures)


# --- s3-down -------------------------------------------------------------------------------------------------

class Gate:
    """A TCP forwarder from a port of its own to `target`, which can be shut (connections refused, those open cut)
    and opened again: the S3 server unreachable, then back with everything it held. With `delay` set, every answer
    from the target reaches the client that many seconds late: a slowed database."""

    def __init__(self, target: int):
        self.port, self.target, self.server, self.sockets = free_port(), target, None, []
        self.delay = 0.0

    def open(self):
        self.server = socket.socket()
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", self.port))
        self.server.listen(64)
        threading.Thread(target=self._accept, args=(self.server,), daemon=True).start()

    def shut(self):
        for sock in [self.server, *self.sockets]:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept() or recv() on it
            with contextlib.suppress(OSError):
                sock.close()
        self.sockets = []

    def _accept(self, server):
        while True:
            try:
                client, _ = server.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target), timeout=10)
            except OSError:
                client.close()
                continue
            self.sockets += [client, upstream]
            for a, b, answers in ((client, upstream, False), (upstream, client, True)):
                threading.Thread(target=self._pump, args=(a, b, answers), daemon=True).start()

    def _pump(self, source, target, answers: bool):
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                if answers and self.delay:
                    time.sleep(self.delay)
                target.sendall(data)
        with contextlib.suppress(OSError):
            target.shutdown(socket.SHUT_WR)


def drill_s3_down(url: str, work: Path) -> None:
    """Evidence on S3 (moto's server behind a gate); an applicant saves a record with a scan, the S3 server becomes
    unreachable, she saves again, it comes back, she saves once more."""
    import hashlib

    import boto3
    import requests

    started = time.monotonic()
    moto_port, web_port = free_port(), free_port()
    gate = Gate(moto_port)
    bucket = "zc-drill"
    fresh_database(url)
    env = environment(url, MEDIA_ROOT=str(work / "media"), FILE_STORAGE="storages.backends.s3.S3Storage",
                      S3_BUCKET=bucket, S3_ENDPOINT_URL=f"http://127.0.0.1:{gate.port}", S3_ACCESS_KEY="drill",
                      S3_SECRET_KEY="drill-secret", AWS_MAX_ATTEMPTS="2")  # noqa: S106 - moto takes any
    (work / "media").mkdir()
    moto = web = None
    figures: dict = {}
    try:
        moto = start([str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(moto_port)],
                     env, work / "moto.log")
        s3 = boto3.client("s3", endpoint_url=f"http://127.0.0.1:{moto_port}", aws_access_key_id="drill",
                          aws_secret_access_key="drill-secret", region_name="us-east-1")  # noqa: S106
        for _ in range(100):
            with contextlib.suppress(Exception):
                s3.create_bucket(Bucket=bucket)
                break
            time.sleep(0.2)
        gate.open()
        manage(env, "migrate", "--no-input", "-v0")
        manage(env, "seed_demo")
        _django(env)
        from dossier.catalogue import catalogue
        from tests.dossier.support import png_bytes, valid_data

        kind = catalogue().kind("honour")
        scan = png_bytes((320, 320), noisy=True)
        web = start([sys.executable, "-m", "gunicorn", "zhicheng.wsgi", "--bind", f"127.0.0.1:{web_port}",
                     "--workers", "1", "--timeout", "60"], env, work / "web.log")
        base = f"http://127.0.0.1:{web_port}"
        for _ in range(300):
            if _answers(base):
                break
            time.sleep(0.1)
        session = requests.Session()
        session.cookies.update(sign_in(base, "350102199005120124", "Demo2026"))
        page = f"{base}/dossier/k/{kind.key}/new/"

        def save(n: int) -> tuple[int, str, float]:
            session.get(page, timeout=30)
            data = {**valid_data(kind, seed=f"演练{n}"), "action": "save",
                    "csrfmiddlewaretoken": session.cookies["csrftoken"]}
            at = time.monotonic()
            response = session.post(page, data=data, files={"evidence": (f"扫描件{n}.png", scan, "image/png")},
                                    headers={"Referer": page}, allow_redirects=False, timeout=120)
            return response.status_code, response.text, time.monotonic() - at

        before, _, _ = save(1)
        gate.shut()
        status, body, seconds = save(2)
        figures.update(saved_before=before == 302, refused_status=status, refusal_seconds=round(seconds, 1),
                       refusal_message="文件存储暂时不可用" in body)
        gate.open()
        after, _, _ = save(3)
        figures["saved_after"] = after == 302
        from core.personal_data import blind_index
        from dossier.models import Evidence

        digest = hashlib.sha256(scan).hexdigest()
        rows = {e.file.name for e in Evidence.objects.filter(record__owner__id_number_bidx=blind_index("350102199005120124"),
                                                             name__startswith="扫描件")}
        keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]
        drill_objects = {k for k in keys
                         if hashlib.sha256(s3.get_object(Bucket=bucket, Key=k)["Body"].read()).hexdigest() == digest}
        figures.update(rows=len(rows), rows_without_object=len(rows - set(keys)),
                       objects_without_row=len(drill_objects - rows))
        passed = (figures["saved_before"] and figures["refusal_message"] and figures["saved_after"]
                  and len(rows) == 2 and not figures["rows_without_object"] and not figures["objects_without_row"])
    finally:
        stop(web)
        with contextlib.suppress(Exception):
            gate.shut()
        stop(moto)
    record("s3-down", passed, time.monotonic() - started, figures)


# --- db-slow -------------------------------------------------------------------------------------------------

def slow_status(base: str, path: str, timeout: float = 60.0) -> tuple[int, float]:
    """(status, seconds) of one request that may wait behind slow ones."""
    at = time.monotonic()
    try:
        with urllib.request.urlopen(base + path, timeout=timeout) as response:  # noqa: S310 - 127.0.0.1
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    return status, round(time.monotonic() - at, 2)


def drill_db_slow(url: str, work: Path, *, readers: int = 4, delay: float = 1.0, slow_for: float = 30.0) -> None:
    """Two gunicorn workers reach PostgreSQL through a gate that, for `slow_for` seconds, holds every answer of the
    database back by `delay` seconds, under signed-in readers requesting 我的业绩."""
    started = time.monotonic()
    web_port = free_port()
    fresh_database(url)
    (work / "media").mkdir()
    direct = environment(url, MEDIA_ROOT=str(work / "media"))
    manage(direct, "migrate", "--no-input", "-v0")
    manage(direct, "seed_demo")
    parts = urllib.parse.urlsplit(url)
    gate = Gate(parts.port or 5432)
    gate.open()
    proxied = urllib.parse.urlunsplit(parts._replace(netloc=f"{parts.username or 'postgres'}@127.0.0.1:{gate.port}"))
    env = environment(proxied, MEDIA_ROOT=str(work / "media"))
    web = None
    figures: dict = {"readers": readers, "delay_seconds": delay, "slow_seconds": slow_for}
    try:
        web = start([sys.executable, "-m", "gunicorn", "zhicheng.wsgi", "--bind", f"127.0.0.1:{web_port}",
                     "--workers", "2", "--timeout", "20", "--graceful-timeout", "5"], env, work / "web.log")
        base = f"http://127.0.0.1:{web_port}"
        for _ in range(300):
            if _answers(base):
                break
            time.sleep(0.1)
        jars = [sign_in(base, "350102199005120124", "Demo2026") for _ in range(readers)]
        ready_before = slow_status(base, "/readyz")
        # The readers wait up to 30 s: a page slowed by the database is slow, not failed, unless gunicorn's 20 s
        # timeout ends it (4 readers on 2 workers: a request may also wait for one other to finish).
        with Readers(base, "/dossier/", jars, timeout=30) as load:
            time.sleep(10)
            slow_at = time.monotonic() - load.t0
            gate.delay = delay
            time.sleep(slow_for / 2)
            ready_during = slow_status(base, "/readyz")
            time.sleep(max(0.0, slow_for - (time.monotonic() - load.t0 - slow_at)))
            gate.delay = 0.0
            fast_at = time.monotonic() - load.t0
            time.sleep(20)
            ready_after = slow_status(base, "/readyz")
        results = list(load.results)
        before = [r for r in results if r[0] < slow_at]
        during = [r for r in results if slow_at <= r[0] - r[3] and r[0] <= fast_at]
        settled = [r for r in results if r[0] - r[3] > fast_at + 5]
        # Recovered: the first request begun after the database is fast again that took less than half a second.
        recovered = next((r[0] - r[3] - fast_at for r in results if r[0] - r[3] >= fast_at and r[3] < 0.5), None)

        def p95(rows):
            seconds = sorted(r[3] for r in rows)
            return round(seconds[int(0.95 * (len(seconds) - 1))], 2) if seconds else None

        figures.update(requests=len(results), failed_before=sum(not r[1] for r in before),
                       requests_during=len(during), failed_during=sum(not r[1] for r in during),
                       p95_before=p95(before), p95_during=p95(during), longest=round(max(r[3] for r in results), 2),
                       failed_after=sum(not r[1] for r in settled), p95_after=p95(settled),
                       recovered_seconds=None if recovered is None else round(recovered, 2),
                       readyz_before=ready_before, readyz_during=ready_during, readyz_after=ready_after,
                       signed_out=sum(r[2] == "302" for r in results))
        passed = (ready_before[0] == 200 and ready_during[0] == 503 and ready_after[0] == 200
                  and not figures["failed_before"] and not figures["failed_during"] and not figures["failed_after"]
                  and not figures["signed_out"] and bool(settled) and figures["p95_after"] < 1.0
                  and figures["longest"] < 30
                  and recovered is not None and recovered < 5)
    finally:
        stop(web)
        with contextlib.suppress(Exception):
            gate.shut()
    record("db-slow", passed, time.monotonic() - started, figures)


DRILLS = {"worker-kill": None, "pg-restart": None, "redis-stop": None, "web-worker-kill": None,
          "disk-full": None, "s3-down": None, "db-slow": None}


def main(argv) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.drills", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=DEFAULT_URL, help="the worker-kill drill's database (recreated)")
    parser.add_argument("--only", default=",".join(DRILLS), help="comma-separated drills: " + ", ".join(DRILLS))
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stopped from outside: the drills' cleanup still runs
    chosen = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = set(chosen) - set(DRILLS)
    if unknown:
        parser.error(f"unknown drills: {', '.join(sorted(unknown))}")
    before = CSV_FILE.read_text(encoding="utf-8").count("\n") if CSV_FILE.exists() else 0
    for name in chosen:
        work = Path(tempfile.mkdtemp(prefix=f"zc-drill-{name}-"))
        try:
            if name == "worker-kill":
                drill_worker_kill(args.database_url, work)
            elif name == "redis-stop":
                drill_redis_stop(args.database_url, work)
            elif name == "web-worker-kill":
                drill_web_worker_kill(args.database_url, work)
            elif name == "disk-full":
                drill_disk_full(args.database_url, work)
            elif name == "s3-down":
                drill_s3_down(args.database_url, work)
            elif name == "db-slow":
                drill_db_slow(args.database_url, work)
            else:
                drill_pg_restart(work)
        except Exception as error:  # a drill that could not run is a failed drill, recorded; the others go on
            record(name, False, 0.0, {"error": f"{type(error).__name__}: {error}"[:500]})
        finally:
            shutil.rmtree(work, ignore_errors=True)
    rows = CSV_FILE.read_text(encoding="utf-8").splitlines()[max(before, 1):]
    print(f"results appended to {CSV_FILE.relative_to(ROOT)}")
    return 0 if all(",yes," in row for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
