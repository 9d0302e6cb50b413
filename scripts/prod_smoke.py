"""make prod-smoke: the production stack of docs/deploy.md on this machine's loopback, and a short journey through it.

nginx (deploy/nginx/zhicheng.conf with a throwaway self-signed certificate) in front of two gunicorn instances as
one upstream, a task worker (manage.py db_worker), PostgreSQL (a fresh database, SMOKE_DATABASE_URL), Redis (a
server of its own) and moto's server mode as S3 (django-storages' S3 backend). DEBUG is off: the production
settings. No state on an app machine: sessions in the database (read through Redis), caches in Redis, media on S3;
MEDIA_ROOT must stay empty.

The journey, with plain HTTP requests through nginx: an applicant signs in (password and the image captcha),
carries on on the other instance, uploads evidence, imports an Excel file in the background, prints. Every port
is picked free at run time; everything started is stopped at the end, also on failure. Prints the time of each
step. Run as `uv run python scripts/prod_smoke.py` (the Makefile's prod-smoke).
"""

import base64
import io
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the project's packages, for reading the stack's database
PYTHON = sys.executable
BIN = Path(PYTHON).parent
DATABASE_URL = os.environ.get("SMOKE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/zc_prod_smoke")
BUCKET = "zhicheng-smoke"
METRICS_TOKEN = secrets.token_hex(16)
ROWS = 400  # above dossier.imports.INLINE_ROWS: validated and imported by the worker
CERT: list[str] = []  # the run's self-signed certificate, which every request through nginx verifies

started: list[subprocess.Popen] = []
steps: list[tuple[str, float]] = []


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(name: str, args: list[str], env: dict, logs: Path) -> subprocess.Popen:
    out = open(logs / f"{name}.log", "wb")
    process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,  # noqa: S603
                               start_new_session=True)
    process.name = name
    started.append(process)
    return process


def stop_all() -> None:
    for process in reversed(started):
        if process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                continue
    deadline = time.monotonic() + 10
    for process in reversed(started):
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def wait_for(what: str, check, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        for process in started:
            if process.poll() is not None:
                raise RuntimeError(f"{process.name} exited with {process.returncode} while waiting for {what}")
        try:
            if check():
                return
        except Exception as error:  # not up yet
            last = error
        time.sleep(0.2)
    raise RuntimeError(f"timed out waiting for {what} ({last})")


def step(name: str):
    class _Step:
        def __enter__(self):
            self.t = time.monotonic()
            print(f"… {name}", flush=True)

        def __exit__(self, kind, error, traceback):
            if error is None:
                steps.append((name, time.monotonic() - self.t))
                print(f"  ok {name}: {steps[-1][1]:.2f} s", flush=True)
            return False

    return _Step()


def psql(sql: str) -> None:
    parts = urlsplit(DATABASE_URL)
    admin_url = parts._replace(path="/postgres").geturl()
    subprocess.run(["psql", admin_url, "-q", "-v", "ON_ERROR_STOP=1", "-c", sql], check=True,  # noqa: S603, S607
                   stdout=subprocess.DEVNULL)


def nginx_config(tmp: Path, https: int, http: int, upstreams: list[int], path: Path | None = None,
                 floor: tuple[int, int] | None = None) -> Path:
    """deploy/nginx/zhicheng.conf with this run's ports, certificate and folders, inside a main configuration.
    `floor` (https port, app port): a second TLS server in front of the floor's gunicorn (make bench-load)."""
    site = (ROOT / "deploy/nginx/zhicheng.conf").read_text()
    servers = "".join(f"    server 127.0.0.1:{p} max_fails=3 fail_timeout=10s;\n" for p in upstreams)
    site = re.sub(r"(upstream zhicheng_app \{\n(?:    #.*\n)*)(?:    server .*\n)+", lambda m: m.group(1) + servers,
                  site)
    site = site.replace("listen [::]:80;\n", "").replace("    listen [::]:443 ssl http2;\n", "")
    site = site.replace("listen 80;", f"listen 127.0.0.1:{http};")
    site = re.sub(r"listen 443 ssl http2;.*", f"listen 127.0.0.1:{https} ssl http2;", site)
    site = site.replace("server_name zhicheng.example.cn;", "server_name 127.0.0.1;")
    site = site.replace("/etc/ssl/zhicheng/", f"{tmp}/tls/")
    site = site.replace("/srv/zhicheng/static/", f"{tmp}/static/").replace("/srv/zhicheng/media/", f"{tmp}/media/")
    # Which instance answered, so that the journey can see both at work.
    site = site.replace("        proxy_pass http://zhicheng_app;\n        proxy_http_version 1.1;",
                        "        proxy_pass http://zhicheng_app;\n"
                        "        add_header X-Upstream $upstream_addr always;\n        proxy_http_version 1.1;")
    assert "X-Upstream" in site and servers in site, "deploy/nginx/zhicheng.conf changed shape"
    if floor:
        site += f"""
server {{
    listen 127.0.0.1:{floor[0]} ssl http2;
    server_name 127.0.0.1;
    ssl_certificate {tmp}/tls/fullchain.pem;
    ssl_certificate_key {tmp}/tls/privkey.pem;
    location / {{
        proxy_pass http://127.0.0.1:{floor[1]};
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto https;
    }}
}}
"""
    main = f"""
user root;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/logs/nginx-error.log warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {tmp}/logs/nginx-access.log;
    client_body_temp_path {tmp}/nginx/body;
    proxy_temp_path {tmp}/nginx/proxy;
    fastcgi_temp_path {tmp}/nginx/fastcgi;
    uwsgi_temp_path {tmp}/nginx/uwsgi;
    scgi_temp_path {tmp}/nginx/scgi;
{site}
}}
"""
    (tmp / "nginx").mkdir(exist_ok=True)
    path = path or tmp / "nginx.conf"
    path.write_text(main)
    return path


def stack_env(tmp: Path, https: int, redis_port: int, moto_port: int) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CAPTCHA"))}
    env.update({
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CSRF_TRUSTED_ORIGINS": f"https://127.0.0.1:{https}",
        "BEHIND_PROXY": "1",
        "TRUSTED_PROXY_COUNT": "1",
        "DATABASE_URL": DATABASE_URL,
        "CACHE_URL": f"redis://127.0.0.1:{redis_port}/0",
        "SMS_BACKEND": "accounts.sms.ConsoleRefusingBackend",
        "PERSONAL_DATA_KEYS": "smoke:" + base64.b64encode(secrets.token_bytes(32)).decode(),
        "PERSONAL_DATA_INDEX_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        "FILE_STORAGE": "storages.backends.s3.S3Storage",
        "S3_BUCKET": BUCKET,
        "S3_ENDPOINT_URL": f"http://127.0.0.1:{moto_port}",
        "S3_ACCESS_KEY": "smoke", "S3_SECRET_KEY": "smoke-secret",
        "AWS_DEFAULT_REGION": "us-east-1",
        "MEDIA_ROOT": str(tmp / "media"),
        "STATIC_ROOT": str(tmp / "static"),
        "LOG_FORMAT": "json",
        "METRICS_TOKEN": METRICS_TOKEN,
        "DJANGO_SETTINGS_MODULE": "zhicheng.settings",
    })
    return env


SETUP = """
import datetime, django
django.setup()
from django.test import Client
from applications import services
from tests.applications.support import dossier, fill_everything, login, plan_for
from tests.factories import PASSWORD, PersonFactory, UnitFactory, unit_admin
from orgs.services import regions_load
regions_load(provinces={"35"})
unit = UnitFactory(name="福州市第一医院")
person = PersonFactory(unit=unit, name="陈静", series="卫生技术", birth_date=datetime.date(1990, 5, 12))
records = dossier(person, unit_admin(unit, name="林芳"), series="卫生技术")
application = services.application_start(actor=person, plan=plan_for("卫生技术"), series="卫生技术", level="副高")
fill_everything(login(Client(), person), application, records, series="卫生技术")
application = services.application_submit(actor=person, application=application)
print(person.username, PASSWORD, application.pk)
"""


def main(run=None) -> int:
    run = run or journey
    began = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="zc-prod-smoke-"))
    logs = tmp / "logs"
    logs.mkdir()
    try:
        return run(tmp, logs)
    except Exception:
        for log in sorted(logs.glob("*.log")):
            tail = log.read_text(errors="replace").splitlines()[-15:]
            print(f"--- {log.name} (last lines)\n" + "\n".join(tail), file=sys.stderr)
        raise
    finally:
        stop_all()
        try:
            psql(f"DROP DATABASE IF EXISTS {urlsplit(DATABASE_URL).path.lstrip('/')} WITH (FORCE)")
        except subprocess.CalledProcessError:
            print("could not drop the smoke database", file=sys.stderr)
        shutil.rmtree(tmp, ignore_errors=True)
        print(f"prod-smoke: {time.monotonic() - began:.1f} s in all", flush=True)


class Stack:
    """The running stack: its ports, settings and the applicant's filed application (boot)."""

    def __init__(self, tmp: Path, logs: Path):
        self.tmp, self.logs = tmp, logs
        self.https, self.http, self.app_a, self.app_b, self.redis_port, self.moto_port = (
            free_port() for _ in range(6))
        self.env = stack_env(tmp, self.https, self.redis_port, self.moto_port)
        self.base = f"https://127.0.0.1:{self.https}"
        self.config: Path | None = None
        self.floor: tuple[int, int] | None = None  # (https port through nginx, the floor's gunicorn port)

    def set_upstreams(self, ports: list[int]) -> None:
        """nginx's upstream: these instances only (a reload: old connections finish on the old workers)."""
        nginx_config(self.tmp, self.https, self.http, ports, path=self.config, floor=self.floor)
        subprocess.run(["nginx", "-p", str(self.tmp), "-c", str(self.config), "-s", "reload"], check=True)
        time.sleep(1)


def use_database(url: str) -> None:
    """The database the stack runs on (created at boot, dropped at the end): another than zc_prod_smoke."""
    global DATABASE_URL
    DATABASE_URL = url


def boot(tmp: Path, logs: Path, *, template: str | None = None, setup: str = SETUP, media: Path | None = None,
         floor_dir: Path | None = None) -> Stack:
    """The stack on a fresh database: empty (make prod-smoke), or a copy of the database `template` (make
    bench-load's province). `setup` prints the applicant's username, password and filed application's pk; `media`
    holds files the data refers to, put on S3 under their relative names; `floor_dir` starts the floor
    (bench.floor_settings) as a third gunicorn instance behind nginx, answering the pages saved there."""
    stack = Stack(tmp, logs)
    https, http, app_a, app_b, moto_port, env = (stack.https, stack.http, stack.app_a, stack.app_b,
                                                  stack.moto_port, stack.env)
    redis_port, base = stack.redis_port, stack.base

    with step("PostgreSQL, Redis, S3 (moto)"):
        name = urlsplit(DATABASE_URL).path.lstrip("/")
        psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        psql(f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
        start("redis", ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
                        "--appendonly", "no", "--dir", str(tmp)], env, logs)
        start("moto", [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(moto_port)], env, logs)
        wait_for("moto", lambda: requests.get(f"http://127.0.0.1:{moto_port}/", timeout=1).ok)
        s3 = boto3_client(moto_port)
        s3.create_bucket(Bucket=BUCKET)
        for path in sorted(p for p in (media.rglob("*") if media else []) if p.is_file()):
            s3.upload_file(str(path), BUCKET, str(path.relative_to(media)))

    with step("migrate, collectstatic, the applicant's filed application"):
        manage(env, "migrate", "--no-input", "-v0")
        manage(env, "collectstatic", "--no-input", "-v0")
        setup_env = {**env, "DEBUG": "1", "ALLOWED_HOSTS": "testserver", "TASKS_BACKEND":
                     "django_tasks.backends.immediate.ImmediateBackend"}
        out = subprocess.run([PYTHON, "-c", setup], cwd=ROOT, env=setup_env, check=True,  # noqa: S603
                             capture_output=True, text=True).stdout.split()
        username, password, application_pk = out[-3], out[-2], int(out[-1])

    with step("two gunicorn instances, the worker, nginx"):
        for label, port in (("a", app_a), ("b", app_b)):
            metrics_dir = tmp / f"metrics-{label}"
            metrics_dir.mkdir()
            start(f"gunicorn-{label}", [str(BIN / "gunicorn"), "zhicheng.wsgi:application", "--bind",
                                        f"127.0.0.1:{port}", "--workers", "2", "--preload", "--timeout", "50",
                                        "--forwarded-allow-ips", "127.0.0.1"],
                  {**env, "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir)}, logs)
        if floor_dir:
            stack.floor = (free_port(), free_port())
            (tmp / "metrics-floor").mkdir()
            start("gunicorn-floor", [str(BIN / "gunicorn"), "zhicheng.wsgi:application", "--bind",
                                     f"127.0.0.1:{stack.floor[1]}", "--workers", "2", "--preload", "--timeout", "50",
                                     "--forwarded-allow-ips", "127.0.0.1"],
                  {**env, "DJANGO_SETTINGS_MODULE": "bench.floor_settings", "BENCH_FLOOR_DIR": str(floor_dir),
                   "PROMETHEUS_MULTIPROC_DIR": str(tmp / "metrics-floor")}, logs)
        start("worker", [PYTHON, "manage.py", "db_worker", "--queue-name", "default", "--interval", "0.5"], env, logs)
        (tmp / "tls").mkdir()
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",  # noqa: S603, S607
                        "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                        "-keyout", str(tmp / "tls/privkey.pem"), "-out", str(tmp / "tls/fullchain.pem")],
                       check=True, capture_output=True)
        CERT.append(str(tmp / "tls/fullchain.pem"))
        config = nginx_config(tmp, https, http, [app_a, app_b], floor=stack.floor)
        subprocess.run(["nginx", "-t", "-p", str(tmp), "-c", str(config)], check=True,  # noqa: S603, S607
                       capture_output=True)
        start("nginx", ["nginx", "-p", str(tmp), "-c", str(config), "-g", "daemon off;"], env, logs)
        for port in (app_a, app_b):
            wait_for(f"gunicorn on {port}", lambda port=port: direct(port, "/readyz").status_code == 200, 60)
        wait_for("nginx", lambda: requests.get(f"{base}/readyz", verify=CERT[0], timeout=5).status_code == 200)
    stack.config = config
    stack.username, stack.password, stack.application_pk = username, password, application_pk
    return stack


def new_browser(base: str) -> requests.Session:
    browser = requests.Session()
    browser.verify = CERT[0]
    browser.trust_env = False  # REQUESTS_CA_BUNDLE in the environment would override `verify`
    browser.headers["Referer"] = f"{base}/"
    return browser


def journey(tmp: Path, logs: Path) -> int:
    stack = boot(tmp, logs)
    base, env, app_a, app_b, moto_port = stack.base, stack.env, stack.app_a, stack.app_b, stack.moto_port
    username, password, application_pk = stack.username, stack.password, stack.application_pk

    browser = requests.Session()
    browser.verify = CERT[0]
    browser.trust_env = False  # REQUESTS_CA_BUNDLE in the environment would override `verify`
    browser.headers["Referer"] = f"{base}/"

    with step("sign in through nginx (password and captcha)"):
        sign_in(browser, base, env, username, password)
        home = browser.get(f"{base}/")
        assert home.status_code == 200 and "陈静" in home.text, home.status_code

    with step("carry on on the other instance"):
        seen = {browser.get(f"{base}/dossier/").headers["X-Upstream"] for _ in range(4)}
        assert seen == {f"127.0.0.1:{app_a}", f"127.0.0.1:{app_b}"}, seen
        for port in (app_a, app_b):  # the same session cookie, straight to each instance
            page = direct(port, "/", cookies={c.name: c.value for c in browser.cookies})
            assert page.status_code == 200 and "陈静" in page.text, (port, page.status_code)

    with step("upload evidence (stored on S3, served after the access check)"):
        evidence_pk, content = upload_evidence(browser, base, env)
        served = browser.get(f"{base}/dossier/evidence/{evidence_pk}/")
        assert served.status_code == 200 and served.content == content
        assert browser.get(f"{base}/_protected/media/x").status_code == 404  # nginx's internal location
        stranger = requests.get(f"{base}/dossier/evidence/{evidence_pk}/", verify=CERT[0], allow_redirects=False,
                                timeout=10)
        assert stranger.status_code == 302  # to the sign-in page

    with step(f"import {ROWS} rows of Excel in the background"):
        import_in_background(browser, base, env)

    with step("print in the background"):
        url = f"{base}/apply/{application_pk}/print/review.pdf"
        first = browser.get(url)
        assert first.status_code == 202 and "正在生成" in first.text, first.status_code
        deadline = time.monotonic() + 60
        while (printed := browser.get(url)).status_code == 202 and time.monotonic() < deadline:
            time.sleep(0.3)
        assert printed.status_code == 200 and printed.content.startswith(b"%PDF"), printed.status_code

    with step("metrics for the scraper, nothing on the app machine"):
        assert requests.get(f"{base}/metrics", verify=CERT[0], timeout=10).status_code == 404
        scraped = requests.get(f"{base}/metrics", verify=CERT[0], timeout=10,
                               headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
        assert scraped.status_code == 200
        assert re.search(r'^zhicheng_request_seconds_count\{.*view="home".*\} [1-9]', scraped.text, re.M)
        media = tmp / "media"
        assert not media.exists() or not any(media.rglob("*")), "files were written to MEDIA_ROOT"
        keys = [o["Key"] for o in boto3_client(moto_port).list_objects_v2(Bucket=BUCKET).get("Contents", [])]
        from dossier.models import Evidence  # noqa: PLC0415

        assert Evidence.objects.get(pk=evidence_pk).file.name in keys, keys

    width = max(len(name) for name, _ in steps)
    print("\nprod-smoke figures:")
    for name, seconds in steps:
        print(f"  {name:<{width}}  {seconds:6.2f} s")
    return 0


def boto3_client(port: int):
    import boto3  # noqa: PLC0415 (a test dependency of this script only)

    return boto3.client("s3", endpoint_url=f"http://127.0.0.1:{port}", aws_access_key_id="smoke",
                        aws_secret_access_key="smoke-secret",  # noqa: S106 (moto takes any)
                        region_name="us-east-1")


def manage(env: dict, *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)  # noqa: S603


def direct(port: int, path: str, **kwargs) -> requests.Response:
    """A request straight to one gunicorn instance, as nginx forwards it."""
    return requests.get(f"http://127.0.0.1:{port}{path}", timeout=10, allow_redirects=False,
                        headers={"Host": "127.0.0.1", "X-Forwarded-Proto": "https",
                                 "X-Forwarded-For": "127.0.0.1"}, **kwargs)


_django_ready = []


def django_env(env: dict) -> None:
    """This process reads the stack's database (and its sessions) with the stack's settings."""
    if _django_ready:
        return
    os.environ.update(env)
    import django  # noqa: PLC0415

    django.setup()
    _django_ready.append(True)


def captcha_answer(browser: requests.Session, base: str, env: dict) -> str:
    """The image captcha's answer as the person reads it off the picture; here from the session the image was
    drawn for."""
    assert browser.get(f"{base}/captcha.png").headers["Content-Type"] == "image/png"
    django_env(env)
    from django.contrib.sessions.backends.db import SessionStore  # noqa: PLC0415

    return SessionStore(browser.cookies["sessionid"]).load()["captcha_answer"]


def sign_in(browser: requests.Session, base: str, env: dict, username: str, password: str) -> None:
    """登录 as a person does: the form, the captcha, the password. The one place that knows how signing in works."""
    browser.get(f"{base}/accounts/login/")
    answer = captcha_answer(browser, base, env)
    response = browser.post(f"{base}/accounts/login/", allow_redirects=False, data={
        "username": username, "password": password, "captcha": answer,
        "csrfmiddlewaretoken": browser.cookies["csrftoken"]})
    assert response.status_code == 302, (response.status_code, re.findall(r"invalid-feedback[^<]*<[^>]*>([^<]+)",
                                                                          response.text))
    if response.headers["Location"].startswith("/accounts/second-factor/"):
        # A staff account: 二次验证 with the code its authenticator shows now (read from the stack's database).
        response = browser.post(f"{base}{response.headers['Location']}", allow_redirects=False, data={
            "code": current_totp_code(env, username), "csrfmiddlewaretoken": browser.cookies["csrftoken"]})
        assert response.status_code == 302, response.status_code


def current_totp_code(env: dict, username: str) -> str:
    django_env(env)
    from django_otp.oath import totp  # noqa: PLC0415
    from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: PLC0415

    device = TOTPDevice.objects.get(user__username=username, confirmed=True)
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"


def upload_evidence(browser: requests.Session, base: str, env: dict) -> tuple[int, bytes]:
    django_env(env)
    from dossier.catalogue import catalogue  # noqa: PLC0415
    from dossier.models import Evidence  # noqa: PLC0415
    from tests.dossier.support import png_bytes, valid_data  # noqa: PLC0415

    kind = catalogue().kind("honour")
    content = png_bytes()
    browser.get(f"{base}/dossier/k/honour/new/")
    response = browser.post(f"{base}/dossier/k/honour/new/", allow_redirects=False,
                            data={**valid_data(kind, seed="冒烟"), "action": "submit",
                                  "csrfmiddlewaretoken": browser.cookies["csrftoken"]},
                            files={"evidence": ("荣誉证书.png", content, "image/png")})
    assert response.status_code == 302, response.status_code
    evidence = Evidence.objects.filter(name="荣誉证书.png").order_by("-pk").first()
    assert evidence is not None
    return evidence.pk, content


def import_in_background(browser: requests.Session, base: str, env: dict) -> None:
    django_env(env)
    import openpyxl  # noqa: PLC0415

    from dossier.catalogue import catalogue  # noqa: PLC0415
    from dossier.models import ImportJob, Record  # noqa: PLC0415
    from tests.health.support import as_cells, case_values, fill  # noqa: PLC0415

    kind = catalogue().kind("health_case")
    template = browser.get(f"{base}/dossier/template/health_case/")
    assert template.status_code == 200, template.status_code
    workbook = fill(openpyxl.load_workbook(io.BytesIO(template.content)),
                    [as_cells(kind.fields, case_values(i)) for i in range(1, ROWS + 1)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    before = Record.objects.filter(kind="health_case").count()
    response = browser.post(f"{base}/dossier/k/health_case/import/", allow_redirects=False,
                            data={"csrfmiddlewaretoken": browser.cookies["csrftoken"]},
                            files={"file": ("病案.xlsx", buffer.getvalue(),
                                            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")})
    assert response.status_code == 302, response.status_code
    job = ImportJob.objects.order_by("-pk").first()
    assert job is not None and job.total == ROWS, job

    def state():
        job.refresh_from_db()
        return job.state

    wait_for("the background validation", lambda: state() == ImportJob.State.READY, 60)
    page = browser.get(f"{base}/dossier/imports/{job.pk}/")
    assert f"共{ROWS}行，全部允许导入。" in page.text
    committed = browser.post(f"{base}/dossier/imports/{job.pk}/commit/", allow_redirects=False,
                             data={"csrfmiddlewaretoken": browser.cookies["csrftoken"]})
    assert committed.status_code == 302, committed.status_code
    wait_for("the background import", lambda: state() == ImportJob.State.DONE, 60)
    assert Record.objects.filter(kind="health_case").count() == before + ROWS
    assert f"已导入{ROWS}条。" in browser.get(f"{base}/dossier/imports/{job.pk}/").text


if __name__ == "__main__":
    sys.exit(main())
