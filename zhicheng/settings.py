"""Settings for zhicheng, read from the environment (django-environ).

Defaults are safe for production: DEBUG is off, a SECRET_KEY must be given, cookies are secure. `make run`
and `make test` set DEBUG=1 for local work. See README.md › Configuration for every variable.
"""

import re
from datetime import date, timedelta
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
if DEBUG:
    SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-never-use-in-production-zhicheng")
else:
    SECRET_KEY = env("SECRET_KEY")  # production refuses to start without one

# Personal numbers (ID numbers, phones) are encrypted at rest (core.personal_data, docs/security.md): the cipher,
# the keys as id:base64 entries (the first encrypts, every one decrypts) from the environment or from a key file
# outside the database, and the blind index's own key. Production refuses to start without them; DEBUG and the
# tests use fixed development keys.
PERSONAL_DATA_CIPHER = env("PERSONAL_DATA_CIPHER", default="aes-gcm")
if PERSONAL_DATA_CIPHER not in ("aes-gcm", "sm4-gcm"):
    raise ImproperlyConfigured("PERSONAL_DATA_CIPHER must be aes-gcm or sm4-gcm.")
PERSONAL_DATA_KEY_FILE = env("PERSONAL_DATA_KEY_FILE", default="")
if PERSONAL_DATA_KEY_FILE:
    try:
        PERSONAL_DATA_KEYS = Path(PERSONAL_DATA_KEY_FILE).read_text()
    except OSError as error:
        raise ImproperlyConfigured(f"PERSONAL_DATA_KEY_FILE cannot be read: {error}") from error
else:
    PERSONAL_DATA_KEYS = env("PERSONAL_DATA_KEYS", default="")
PERSONAL_DATA_INDEX_KEY = env("PERSONAL_DATA_INDEX_KEY", default="")
if DEBUG:
    # base64 of 32 fixed bytes each: development only, never a production key
    PERSONAL_DATA_KEYS = PERSONAL_DATA_KEYS or "dev:emhpY2hlbmctZGV2ZWxvcG1lbnQtb25seS1rZXktMzI="
    PERSONAL_DATA_INDEX_KEY = PERSONAL_DATA_INDEX_KEY or "emhpY2hlbmctZGV2ZWxvcG1lbnQtaW5kZXgta2V5ISE="
elif not PERSONAL_DATA_KEYS.strip() or not PERSONAL_DATA_INDEX_KEY:
    raise ImproperlyConfigured(
        "PERSONAL_DATA_KEYS (or PERSONAL_DATA_KEY_FILE) and PERSONAL_DATA_INDEX_KEY are required when DEBUG is "
        "off (production): personal numbers are encrypted at rest."
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# The image captcha can be switched off only for automated browser runs, and never in production.
CAPTCHA_DISABLED = env.bool("CAPTCHA_DISABLED", default=False)
if CAPTCHA_DISABLED and not DEBUG:
    raise ImproperlyConfigured("CAPTCHA_DISABLED=1 is refused when DEBUG is off (production).")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "template_partials",
    "core",
    "orgs",
    "accounts",
    "review",
    "dossier",
    "applications",
    "experts",
    "publicity",
    "notices",
    "certificates",
    "lookup",  # 全省检索: the search documents of records and applications
    "zhicheng",  # the project's layer above every app: home, navigation, the demo (manage.py seed_demo)
]

# The audit log (core.audit): rows are kept at least 184 days (manage.py audit_purge deletes older ones).
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=184)
if AUDIT_RETENTION_DAYS < 184:
    raise ImproperlyConfigured("AUDIT_RETENTION_DAYS must be at least 184 (days).")
# Staff accounts: a password older than this forces a change at sign-in; an account unused this long is disabled
# (manage.py disable_inactive_staff, run daily by deploy/zhicheng-reminders.timer).
STAFF_PASSWORD_MAX_AGE_DAYS = env.int("STAFF_PASSWORD_MAX_AGE_DAYS", default=90)
STAFF_INACTIVE_DAYS = env.int("STAFF_INACTIVE_DAYS", default=90)

# Shared token of the continuing-education platform for POST /api/ce/feed (empty: the endpoint refuses).
CE_IMPORT_TOKEN = env("CE_IMPORT_TOKEN", default="")

# The review chain (review/stages.toml, applications/chain_parts.py). The unit's publicity before recommending
# lasts at least this many working days; working days are Monday–Friday less PUBLIC_HOLIDAYS plus EXTRA_WORKDAYS
# (调休), ISO dates.
PUBLICITY_MIN_WORKING_DAYS = env.int("PUBLICITY_MIN_WORKING_DAYS", default=5)
PUBLIC_HOLIDAYS = [date.fromisoformat(d) for d in env.list("PUBLIC_HOLIDAYS", default=[])]
EXTRA_WORKDAYS = [date.fromisoformat(d) for d in env.list("EXTRA_WORKDAYS", default=[])]
# 办理提醒 (notices.reminders, manage.py send_reminders): staff are reminded of applications waiting at their stage
# longer than this many working days.
REMINDER_STALE_WORKING_DAYS = env.int("REMINDER_STALE_WORKING_DAYS", default=5)
# A committee meeting's vote is valid when at least this share of its members attend ("num/den"); the share of
# the attending experts that passes an application is the plan's (Plan.pass_share).
COMMITTEE_QUORUM_SHARE = env("COMMITTEE_QUORUM_SHARE", default="2/3")
# 电子证书 (certificates/): the issuing body's signing key and certificate (PEM; `make demo` writes a self-signed
# demo pair there with manage.py certificate_demo_key), and the public verification's limit per client an hour.
CERTIFICATE_SIGNING_KEY = env("CERTIFICATE_SIGNING_KEY", default=str(BASE_DIR / "var" / "signing" / "key.pem"))
CERTIFICATE_SIGNING_CERT = env("CERTIFICATE_SIGNING_CERT", default=str(BASE_DIR / "var" / "signing" / "cert.pem"))
CERTIFICATE_SIGNING_PASSPHRASE = env("CERTIFICATE_SIGNING_PASSPHRASE", default="")
CERTIFICATE_VERIFY_HOURLY_LIMIT = env.int("CERTIFICATE_VERIFY_HOURLY_LIMIT", default=60)
if not re.fullmatch(r"[1-9]\d*/[1-9]\d*", COMMITTEE_QUORUM_SHARE):
    raise ImproperlyConfigured("COMMITTEE_QUORUM_SHARE must read like 2/3.")
# Experts (experts/): a panel is drawn at least this many days before its meeting, or the draw page says so.
DRAW_MIN_DAYS = env.int("DRAW_MIN_DAYS", default=7)
# What an applicant who failed may read after the result: off, the experts' opinions without names (opinions),
# or a summary the office types (summary).
EXPERT_FEEDBACK = env("EXPERT_FEEDBACK", default="opinions")
if EXPERT_FEEDBACK not in ("off", "opinions", "summary"):
    raise ImproperlyConfigured("EXPERT_FEEDBACK must be off, opinions or summary.")
# Certificate numbers: a str.format pattern naming year, region (the committee's HR bureau's division code),
# series (CERTIFICATE_SERIES_CODES, e.g. 卫生技术=WS) and level (正高 1, 副高 2, 中级 3, 初级 4); {seq} counts
# within the prefix the other fields make.
CERTIFICATE_NUMBER_FORMAT = env("CERTIFICATE_NUMBER_FORMAT", default="{year}{region}{series}{level}{seq:05d}")
CERTIFICATE_SERIES_CODES = env.dict("CERTIFICATE_SERIES_CODES", default={})
if "{seq" not in CERTIFICATE_NUMBER_FORMAT:
    raise ImproperlyConfigured("CERTIFICATE_NUMBER_FORMAT must contain {seq}.")

# Province adjustments of the record catalogue: TOML files applied in order (docs/catalogue.md).
DOSSIER_CATALOGUE_OVERRIDES = env.list("DOSSIER_CATALOGUE_OVERRIDES", default=[])
# A province preset (presets/<name>.toml: fujian, anhui, tianjin), applied before the override files (docs/presets.md).
PROVINCE_PRESET = env("PROVINCE_PRESET", default="")
# Override files of the application's sections (applications/sections.toml), merged like the catalogue's.
APPLICATION_SECTION_OVERRIDES = env.list("APPLICATION_SECTION_OVERRIDES", default=[])
# Province adjustments of the review stages and desks: TOML files applied in order (docs/review-engine.md).
REVIEW_STAGE_OVERRIDES = env.list("REVIEW_STAGE_OVERRIDES", default=[])

MIDDLEWARE = [
    "core.observability.RequestIdMiddleware",  # the request id for the logs, the latency metric by view
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",  # CONTENT_SECURITY_POLICY below
    "core.middleware.RequestGuardMiddleware",  # size cap, disk full while receiving, control characters
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.NoStoreMiddleware",  # no-store for signed-in people and file downloads
    "accounts.middleware.AuditContextMiddleware",  # the client IP of audit rows; downloads and exports audited
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): the second factor of this session
    "accounts.middleware.IdleTimeoutMiddleware",
    "accounts.middleware.SecondFactorMiddleware",  # staff (and applicants who chose SMS) pass it before any page
    "accounts.middleware.ForcePasswordChangeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "zhicheng.urls"
WSGI_APPLICATION = "zhicheng.wsgi.application"

# No "loaders" option: Django's default, the cached loader (each template compiled once per process; with DEBUG
# the autoreloader empties it when a template changes).
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "zhicheng.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
if _POSTGRES and env.bool("DB_PREPARED_STATEMENTS", default=True):
    # psycopg binds the parameters on the server, and prepares a query once a connection has run it twice: the
    # server then plans the queries every page makes once per connection rather than on every request. Switch
    # off behind a pooler in transaction mode that does not track prepared statements (PgBouncer before 1.21).
    DATABASES["default"].setdefault("OPTIONS", {}).update({"server_side_binding": True, "prepare_threshold": 2})
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the embedded database serve concurrent readers and one writer.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
# The tests' SQLite database is a file (SQLITE_TEST_NAME, set by the Makefile), as a deployment's is: the live
# server answers a page's parallel requests (file previews, each audited) and the race tests' threads write from
# several connections, which an in-memory database shared between connections refuses at once ("table is
# locked") where a file waits for the lock (busy timeout).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" and env("SQLITE_TEST_NAME", default=""):
    DATABASES["default"]["TEST"] = {"NAME": env("SQLITE_TEST_NAME")}
# A connection kept between requests (CONN_MAX_AGE) is checked before a request reuses it, so that a database
# restart costs no failed request; /readyz relies on it too.
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
# /readyz counts the database as down when `SELECT 1` (with the connection check) takes longer than this: a slowed
# database takes the process out of the load balancer until it answers quickly again (docs/drills.md).
READY_DATABASE_SECONDS = env.float("READY_DATABASE_SECONDS", default=1.0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "accounts.backends.LoginBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
OTP_TOTP_ISSUER = "职称申报评审平台"  # the name an authenticator app shows beside the account
LOGOUT_REDIRECT_URL = "accounts:login"

# Government sign-in (OpenID Connect; README › Configuration, accounts/oidc.py): on when the province's identity
# provider is configured. People are matched by the ID number claim, units by the credit code claim; password
# sign-in stays for everyone.
OIDC_OP_AUTHORIZATION_ENDPOINT = env("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_ENABLED = bool(OIDC_OP_AUTHORIZATION_ENDPOINT)
OIDC_PROVIDER_NAME = env("OIDC_PROVIDER_NAME", default="统一身份认证")
OIDC_OP_TOKEN_ENDPOINT = env("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env("OIDC_OP_JWKS_ENDPOINT", default="")
OIDC_RP_CLIENT_ID = env("OIDC_RP_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env("OIDC_RP_CLIENT_SECRET", default="")
OIDC_RP_SIGN_ALGO = env("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = env("OIDC_RP_SCOPES", default="openid")
OIDC_USE_PKCE = True
OIDC_TIMEOUT = env.int("OIDC_TIMEOUT", default=10)
OIDC_PROBE_SECONDS = 3  # 使用…登录 first checks that the provider answers at all
OIDC_ID_NUMBER_CLAIM = env("OIDC_ID_NUMBER_CLAIM", default="id_number")
OIDC_CREDIT_CODE_CLAIM = env("OIDC_CREDIT_CODE_CLAIM", default="credit_code")
OIDC_NAME_CLAIM = env("OIDC_NAME_CLAIM", default="name")
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:oidc_callback"
LOGIN_REDIRECT_URL_FAILURE = "/accounts/oidc/failed/"
if OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("accounts.oidc.GovernmentIdBackend")

# Argon2 first: the 1,000,000-round PBKDF2 default costs ~0.6 s of CPU per login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "accounts.validators.PasswordShapeValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "name", "email", "phone")},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Sessions: 30 minutes idle, and 12 hours from sign-in whatever the activity (both IdleTimeoutMiddleware).
SESSION_IDLE_TIMEOUT = timedelta(minutes=env.int("SESSION_IDLE_MINUTES", default=30))
# Read from the cache and written through to the database (cached_db) when CACHE_URL names a cache that every
# process shares (Redis); from the database alone otherwise, since a cache in one process's memory would let
# another process go on serving a session that has ended (signed out, or timed out for idleness). core.sessions is
# cached_db serving from the database alone while the cache server is down.
SESSION_ENGINE = ("core.sessions" if env.str("CACHE_URL", default="")
                  else "django.contrib.sessions.backends.db")
SESSION_COOKIE_AGE = 12 * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# django-axes: 5 failures (each within 15 minutes of the one before) lock the account for 30 minutes.
AXES_FAILURE_LIMIT = 5
AXES_FAILURE_WINDOW = timedelta(minutes=15)
AXES_LOCKOUT_DURATION = timedelta(minutes=30)
AXES_COOLOFF_TIME = "accounts.lockout.cool_off"
AXES_USE_ATTEMPT_EXPIRATION = True  # each attempt keeps its own cool-off (see accounts/lockout.py)
AXES_LOCKOUT_PARAMETERS = ["username"]  # lock the account (SPEC); per-IP abuse is the captcha's job
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_USERNAME_CALLABLE = "accounts.lockout.username_from_request"
AXES_CLIENT_IP_CALLABLE = "core.http.client_ip"

# SMS: pluggable delivery. The outbox stores messages in the database (in clear) and delivers nothing: it is for
# the demo and the tests only, so production must name the province's gateway.
SMS_OUTBOX = "accounts.sms.OutboxBackend"
SMS_BACKEND = env("SMS_BACKEND", default=SMS_OUTBOX if DEBUG else "")
if not DEBUG and SMS_BACKEND in ("", SMS_OUTBOX):
    raise ImproperlyConfigured(
        "SMS_BACKEND must name the SMS gateway's backend class when DEBUG is off (production): the outbox keeps "
        "codes in the database in clear and delivers nothing."
    )
SMS_CODE_TTL = timedelta(minutes=3)
SMS_CODE_MAX_TRIES = 5
SMS_RESEND_INTERVAL = timedelta(seconds=60)
SMS_DAILY_LIMIT = 10
# Requests for a code, counted in the cache (CACHE_URL: shared by every process) whatever the phone: per client IP
# and in all, per hour. No code is sent when the cache cannot count (accounts.sms.sms_send_permit).
SMS_IP_HOURLY_LIMIT = env.int("SMS_IP_HOURLY_LIMIT", default=10)
SMS_GLOBAL_HOURLY_LIMIT = env.int("SMS_GLOBAL_HOURLY_LIMIT", default=1000)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env("STATIC_ROOT", default=str(BASE_DIR / "var" / "static"))
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media"))
MEDIA_URL = "/media-not-served/"  # evidence is served only through access-checked views

# Requests: a body declared larger than MAX_REQUEST_BYTES is refused (413) before it is read
# (core.middleware). The default is above the largest form the catalogues allow (the 卫生技术 section of an
# application with its grassroots, transfer and support uploads: 62 files of 10 MB; a record of 健康-论文: 21),
# so raise it with overrides that allow more, and set the reverse proxy's limit (nginx client_max_body_size) to
# the same value. Form fields other than files may take 2.5 MB; an uploaded file above 2.5 MB is received into a
# temporary file in FILE_UPLOAD_TEMP_DIR (the system's temporary folder by default).
MAX_REQUEST_BYTES = env.int("MAX_REQUEST_BYTES", default=768 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_TEMP_DIR = env("FILE_UPLOAD_TEMP_DIR", default=None)

# Who sends a stored file once the view has checked access: "django" (the default: the process streams it) or
# "x-accel-redirect" (the view answers with an X-Accel-Redirect header to FILE_ACCEL_PREFIX + the stored name and
# nginx sends the file from MEDIA_ROOT through its internal location; deploy/nginx/zhicheng.conf, docs/deploy.md).
# Only for the file system storage: with S3 the processes stream the objects.
FILE_SERVING = env.str("FILE_SERVING", default="django")
if FILE_SERVING not in ("django", "x-accel-redirect"):
    raise ImproperlyConfigured('FILE_SERVING must be "django" or "x-accel-redirect".')
FILE_ACCEL_PREFIX = env.str("FILE_ACCEL_PREFIX", default="/_protected/media/")

STORAGES = {
    "default": {"BACKEND": env("FILE_STORAGE", default="django.core.files.storage.FileSystemStorage")},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if STORAGES["default"]["BACKEND"] == "storages.backends.s3.S3Storage":
    STORAGES["default"]["OPTIONS"] = {
        "bucket_name": env("S3_BUCKET"),
        "endpoint_url": env("S3_ENDPOINT_URL", default=None),
        "access_key": env("S3_ACCESS_KEY", default=None),
        "secret_key": env("S3_SECRET_KEY", default=None),
        "default_acl": "private",
        "querystring_auth": True,
    }

# List exports (accounts.exports): a longer list is generated by the task queue with a progress page; each user
# may export EXPORT_RATE_LIMIT times per EXPORT_RATE_WINDOW seconds.
EXPORT_BACKGROUND_ROWS = env.int("EXPORT_BACKGROUND_ROWS", default=2000)
EXPORT_RATE_LIMIT = env.int("EXPORT_RATE_LIMIT", default=10)
EXPORT_RATE_WINDOW = env.int("EXPORT_RATE_WINDOW", default=600)

TASKS = {"default": {"BACKEND": env("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend")}}

CACHES = {
    "default": env.cache("CACHE_URL", default="locmemcache://"),
    # Rendered template fragments ({% cache … using="fragments" %}), each keyed by everything that decides its
    # markup and nothing of any one person: nothing to share or invalidate, so each process keeps its own.
    "fragments": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "fragments",
                  "TIMEOUT": 3600, "OPTIONS": {"MAX_ENTRIES": 20_000}},
}

# Security: safe by default; DEBUG relaxes only what a local http server needs.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"  # evidence previews opt in with xframe_options_sameorigin
# Content-Security-Policy (django-csp): scripts only from this site and with the page's nonce, no inline code or
# eval, no inline styles (app.css holds them; scripts may still set an element's style, as Chart.js does), images
# from this site and data: URLs (Bootstrap's form icons). Stored files carry their own stricter policy
# (core.files.STORED_FILE_POLICY), which this middleware leaves in place.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}
if env.bool("BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# Logs go to standard error (journald under systemd), every line with the request id (core.observability: nginx's
# X-Request-ID, carried into the tasks the request queued); LOG_FORMAT=json writes one JSON object a line.
LOG_FORMAT = env.str("LOG_FORMAT", default="text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "core.logs.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "core.logs.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["request_id"],
                             "formatter": "json" if LOG_FORMAT == "json" else "text"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# GET /metrics (Prometheus) answers only the scraper: a request with "Authorization: Bearer METRICS_TOKEN", or
# from an address in METRICS_ALLOWED_IPS (the client address as core.http.client_ip sees it). Neither set: 404.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=[])
