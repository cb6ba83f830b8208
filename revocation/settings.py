"""Settings for revocation, read from the environment.

With no variable set the app runs embedded: a SQLite file under ``var/`` and Celery tasks executed
eagerly in the web process, so a newcomer needs nothing else. ``DATABASE_URL`` selects PostgreSQL
and ``REDIS_URL`` a real broker with a separate worker. There is no production-only branch: every
difference comes from a variable, listed in docs/operations.md and .env.example.
"""

import datetime
import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from shared import logs

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Where the embedded database, the private uploads and the generated secret key live.
DATA_DIR = Path(os.environ.get("REVOCATION_DATA_DIR", BASE_DIR / "var"))
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """DJANGO_SECRET_KEY, or a random key kept in DATA_DIR so sessions survive restarts.

    No key is ever committed; a deployment sets DJANGO_SECRET_KEY (see .env.example).
    """
    key = os.environ.get("DJANGO_SECRET_KEY")
    if key:
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(64))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
if SECRET_KEY.startswith("change-me"):
    # The example of .env.example, copied as it is: anyone could sign sessions with it.
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is the example's: set a long random key (see .env.example)."
    )
DEBUG = env_bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_fsm",
    "guardian",
    # Sign-in: lockout after repeated failures, and the second factor (docs/security.md).
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "reference",
    "accounts",
    "audit",
    "notices",
    "people",
    "cases",
    # The front desk: finds a household (across provinces) and opens a case; above cases, people.
    "intake",
    "committees",
    "najva",
    "enforcement",
    "letters",
    "oversight",
    # The project package: seed_demo, which spans every app, is its management command.
    "revocation",
]

# What replaces a Django internal for speed, each kept because it paid for itself at 1,000,000
# persons, and each with a switch back to Django's own path so that `bench/pages.py --compare`
# can measure it again at any scale (docs/perf-internals.md): FAST_USERCACHE, the signed-in user and
# their device kept in the process (accounts.usercache); FAST_RENDERER, the commonest widgets
# written in Python (shared.renderers); FAST_LINKS, list links without reverse() (shared.links).
FAST_USERCACHE = env_bool("FAST_USERCACHE", default=True)
FAST_RENDERER = env_bool("FAST_RENDERER", default=True)
FAST_LINKS = env_bool("FAST_LINKS", default=True)

MIDDLEWARE = [
    "shared.middleware.RequestIdMiddleware",
    # Before anything reads the body: one request is at most REQUEST_MAX_BYTES.
    "shared.middleware.RequestSizeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # The user is kept between requests while the database says it is unchanged (accounts.backends).
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "shared.uploads.RefusedUploadMiddleware",
    "shared.middleware.FileRefusedMiddleware",
    # request.user.is_verified(): whether this session passed the second factor; then the roles
    # that need one reach nothing else until it has (accounts.middleware).
    "accounts.middleware.OTPMiddleware",
    "accounts.middleware.SessionLifetimeMiddleware",
    "accounts.middleware.SecondFactorMiddleware",
    "accounts.middleware.NoStoreForSignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "shared.middleware.PermissionsPolicyMiddleware",
    # Last, as axes requires: it turns a locked-out sign-in into the Persian lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "revocation.urls"
WSGI_APPLICATION = "revocation.wsgi.application"

# The commonest widgets rendered in Python, the same HTML as Django's templates (renderers.py).
FORM_RENDERER = "shared.renderers.FastRenderer"  # FAST_RENDERER off: Django's own templates

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
            ],
            # The Persian date and digit filters are used on nearly every page.
            "builtins": ["shared.templatetags"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        # A kept connection the database dropped (a restart, pg_terminate_backend, a failover) is
        # found dead when the next request begins and replaced, instead of failing that request.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Our backend creates databases (test ones included) with a UTF-8 LC_CTYPE, from template0:
    # under 'C' pg_trgm finds nothing in Persian. people.checks refuses a database that is not.
    DATABASES["default"]["ENGINE"] = "shared.postgresql"
    DATABASES["default"]["TEST"] = {"TEMPLATE": "template0", "CHARSET": "UTF8"}
    # A form's choices are read with QuerySet.iterator(), which on PostgreSQL opens a server-side
    # cursor: DECLARE, FETCH and CLOSE, three round trips for a handful of rows (bench/pages.py).
    # No code of ours iterates a large query that way (migrations walk the primary key in batches);
    # this is also what a transaction-pooling PgBouncer needs.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True

# The role the web, worker and beat connect as (docs/operations.md): it owns nothing and
# may only read and insert in the audit tables. `migrate`, run as the owner, grants it that.
DATABASE_APP_ROLE = os.environ.get("DATABASE_APP_ROLE", "")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: it refuses a locked-out user and address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.UserWithProvinceBackend",
    # Sessions signed in before accounts.backends existed name this one: kept so that a deploy
    # signs nobody out (they move to the backend above at their next sign-in).
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# guardian would otherwise re-create an AnonymousUser row on every migrate.
ANONYMOUS_USER_NAME = None
# Per-case grants use a direct foreign-key model (cases.models.CaseUserObjectPermission).
# Django's rules with Persian messages (accounts.passwords): Django's catalogue leaves some English.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "accounts.passwords.UserAttributeSimilarityValidator"},
    {"NAME": "accounts.passwords.MinimumLengthValidator"},
    {"NAME": "accounts.passwords.CommonPasswordValidator"},
    {"NAME": "accounts.passwords.NumericPasswordValidator"},
]
# Lockout (django-axes, docs/security.md). After AXES_FAILURE_LIMIT failures for one username from
# one address, that pair is locked for AXES_COOLOFF_MINUTES; the same user from another address
# (their colleague's desk) still signs in, so one stranger cannot lock a real user out by
# guessing. Guesses spread over many addresses meet a looser limit on the username alone,
# AXES_USERNAME_FAILURE_LIMIT from anywhere within the cool-off (accounts.signin.SignInHandler);
# guesses that change the username at each try meet a limit on the address alone,
# AXES_ADDRESS_FAILURE_LIMIT failures from it within the cool-off, whatever the usernames.
# A success resets the count of its address. Attempts are kept in the database (axes' database
# handler, which SignInHandler extends): a lockout survives a restart and holds across workers.
AXES_ENABLED = True
# Axes' own log lines would repeat ours (accounts.signin logs each failure and lockout, masked).
AXES_VERBOSE = False
AXES_HANDLER = "accounts.signin.SignInHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_USERNAME_FAILURE_LIMIT = int(os.environ.get("AXES_USERNAME_FAILURE_LIMIT", "20"))
AXES_ADDRESS_FAILURE_LIMIT = int(os.environ.get("AXES_ADDRESS_FAILURE_LIMIT", "50"))
AXES_COOLOFF_MINUTES = int(os.environ.get("AXES_COOLOFF_MINUTES", "30"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=AXES_COOLOFF_MINUTES)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.signin.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
# The address of the client: REMOTE_ADDR, or behind the TLS proxy the address that proxy appended
# to X-Forwarded-For (never what the client wrote there itself): accounts.signin.client_address.
AXES_CLIENT_IP_CALLABLE = "accounts.signin.client_address"
# The username as typed, cut to the 255 characters axes' table holds (accounts.signin).
AXES_USERNAME_CALLABLE = "accounts.signin.client_username"
# The password is never stored by axes (it keeps the POST data of an attempt, minus these).
AXES_SENSITIVE_PARAMETERS = ["password", "new_password1", "new_password2", "old_password", "code"]
# Second factor (django-otp TOTP, accounts.views): after each wrong code the device waits
# 1, 2, 4... seconds times this factor before it accepts another.
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "سامانه ابطال مدارک")
OTP_TOTP_THROTTLE_FACTOR = int(os.environ.get("OTP_TOTP_THROTTLE_FACTOR", "1"))
# The admin never shows a device's key or its QR code (an IT admin could copy a user's factor).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

LOGIN_URL = "login"
LOGOUT_REDIRECT_URL = "login"
LOGIN_REDIRECT_URL = "home"
# Where the register of people (an app below cases) sends the user back with the household
# chosen: the intake of a case. Named here, where the project composes its apps.
HOUSEHOLD_RETURN_URL = "intake:intake"
# The one download page and the one verification page of every printed kind (documents/), which the
# printed-document base (shared.printing, below every app) links to by these names.
PRINTED_DOCUMENT_URLS = {"download": "documents:download", "verify": "documents:verify"}

LANGUAGE_CODE = "fa"
LANGUAGES = [("fa", "فارسی")]
TIME_ZONE = "Asia/Tehran"
USE_I18N = True
USE_TZ = True  # stored in UTC, shown in Asia/Tehran

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", DATA_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]

# Evidence files are private: kept outside any URL, served only through permission-checked views.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("REVOCATION_PRIVATE_MEDIA_ROOT", DATA_DIR / "private"))
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        ),
    },
}
# The uploads whose SHA-256 the audit trail keeps in the event that stored them (audit.files):
# (model, file field, digest field, the path to the case id, None for a session's minutes). A
# download of one is refused unless the trail recorded its digest; manage.py verify_audit and
# the nightly check walk them all.
TRAIL_RECORDED_FILES = [
    ("cases.Evidence", "file", "sha256", "case_id"),
    ("cases.Inquiry", "reply_document", "reply_sha256", "case_id"),
    ("cases.ReplyScanVersion", "file", "sha256", "inquiry__case_id"),
    ("najva.CancellationForm", "signed_scan", "scan_sha256", "subject__case_id"),
    ("committees.Minutes", "signed_scan", "scan_sha256", None),
    ("enforcement.OrderedPerson", "proof", "proof_sha256", "order__case_id"),
]
# The key that encrypts every backup (shared.backupcrypt), kept outside the backups: a file
# holding 32 random bytes in base64 (`manage.py backup --new-key FILE` makes one), or the same
# text in REVOCATION_BACKUP_KEY. Without one, `manage.py backup` refuses to run.
BACKUP_KEY_FILE = os.environ.get("REVOCATION_BACKUP_KEY_FILE", "")
BACKUP_KEY = os.environ.get("REVOCATION_BACKUP_KEY", "")
UPLOAD_MAX_BYTES = int(os.environ.get("REVOCATION_UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))
# Read no further than the limit: the first handler stops an upload past UPLOAD_MAX_BYTES while it
# streams (and reads nothing of a signed-out visitor's file); a non-file body is capped by Django.
FILE_UPLOAD_HANDLERS = [
    "shared.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
# The whole body of one request, files and fields together (shared.middleware.RequestSizeMiddleware:
# 413 past it, unread). Each form takes one file, so the default is one file and the fields, the
# figure nginx's client_max_body_size (11m) holds too; raise them together.
REQUEST_MAX_BYTES = int(
    os.environ.get(
        "REVOCATION_REQUEST_MAX_BYTES", str(UPLOAD_MAX_BYTES + DATA_UPLOAD_MAX_MEMORY_SIZE)
    )
)
# Stored files readable by the application's user and group only (FileSystemStorage applies these
# to uploads and to the PDFs we write alike).
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750
# clamd to ask about every upload, e.g. tcp://127.0.0.1:3310 or unix:///run/clamav/clamd.ctl;
# empty: no virus scan (the content checks still run). Set but unreachable: uploads are refused.
CLAMAV_ADDRESS = os.environ.get("REVOCATION_CLAMAV_ADDRESS", "")

# Celery: eager in-process unless a broker is configured.
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
# No result store: nothing reads a task's result, and Redis' result backend, down, held each
# request that queued a task for its retries (19 s). What must not be lost waits in the database
# (the Najva outbox, notices.Notice) and the beat's sweeps queue it again.
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True  # a task lost with its worker is delivered again
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A request never waits on the broker: one attempt to publish, a connection given up after
# BROKER_TIMEOUT seconds (a refused one at once); the caller logs the failure and the
# sweep queues the work later. A worker reconnects on its own (broker_connection_retry).
BROKER_TIMEOUT = float(os.environ.get("BROKER_TIMEOUT", "1"))
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_CONNECTION_TIMEOUT = BROKER_TIMEOUT
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": BROKER_TIMEOUT,
    "socket_timeout": max(BROKER_TIMEOUT, 5.0),
    "max_retries": 0,
}
# One queue per kind of work, each with workers of its own (docker-compose.yml), so that a
# hanging Najva or a slow PDF holds up only its own kind: Najva deliveries, printed documents
# (minutes), notices (e-mail), audit sealing; the rest (daily heads, purges) on "celery".
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_ROUTES = {
    "najva.tasks.*": {"queue": "najva"},
    "committees.tasks.*": {"queue": "documents"},
    "documents.tasks.*": {"queue": "documents"},
    "notices.tasks.*": {"queue": "notices"},
    "cases.tasks.*": {"queue": "notices"},
    "enforcement.tasks.*": {"queue": "notices"},
    "accounts.tasks.notify_*": {"queue": "notices"},
    "audit.tasks.seal": {"queue": "audit"},
}
WORKER_QUEUES = ("celery", "najva", "documents", "notices", "audit")
# A notice (an e-mail, or the task that works out whom to tell) is held by a worker for this long
# (a dead worker's row is taken over after it), and tried this many times before it is given up.
NOTICE_LEASE_SECONDS = float(os.environ.get("NOTICE_LEASE_SECONDS", "300"))
NOTICE_MAX_ATTEMPTS = int(os.environ.get("NOTICE_MAX_ATTEMPTS", "10"))

# Every 30 s the beat sweeps the Najva outbox for registrations whose delivery task was lost or
# whose next attempt is due (najva.tasks.sweep).
CELERY_BEAT_SCHEDULE = {
    "najva-sweep": {"task": "najva.tasks.sweep", "schedule": 30.0},
    # Every 30 s, the notices whose task was lost (a broker down when they were queued) or whose
    # next attempt is due (notices.tasks.sweep).
    "notices-sweep": {"task": "notices.tasks.sweep", "schedule": 30.0},
    # Every minute, the audit records left unsealed after their commit (audit.chain.seal_pending).
    "audit-seal": {"task": "audit.tasks.seal", "schedule": 60.0},
    # Each day at 00:05 Tehran time, the audit chains' heads to a signed file and the log
    # (audit.heads; docs/security.md, audit chain).
    "audit-export-heads": {
        "task": "audit.tasks.export_heads",
        "schedule": crontab(hour=0, minute=5),
    },
    # Every night, each stored upload against its row and the audit trail (audit.files).
    "audit-verify-stored-files": {
        "task": "audit.tasks.verify_stored_files",
        "schedule": crontab(hour=2, minute=30),
    },
    # Every hour, the saved searches past their 12 hours (they hold the identity numbers typed).
    "accounts-purge-searches": {"task": "accounts.tasks.purge_searches", "schedule": 3600.0},
}
# The key that signs the exported heads and hashes the identity numbers in the read log's
# searches; without it, one derived from SECRET_KEY (audit.heads.audit_key).
AUDIT_HEAD_KEY = os.environ.get("AUDIT_HEAD_KEY", "")
if AUDIT_HEAD_KEY.startswith("change-me"):
    raise ImproperlyConfigured(
        "AUDIT_HEAD_KEY is the example's: set a long random key of its own (see .env.example)."
    )
# An audit record still unsealed this many seconds after it was written is reported broken by
# verify_audit (audit.chain: the sealer runs at each commit and every minute).
AUDIT_SEAL_GRACE = int(os.environ.get("AUDIT_SEAL_GRACE", "600"))

# Najva, the national registry (najva.backends; docs/operations.md). "embedded" keeps it in
# this database (the demo works offline); "http" talks to a real Najva at NAJVA_URL.
NAJVA_BACKEND = os.environ.get("NAJVA_BACKEND", "embedded")
NAJVA_URL = os.environ.get("NAJVA_URL", "")
NAJVA_TOKEN = os.environ.get("NAJVA_TOKEN", "")
NAJVA_CA_BUNDLE = os.environ.get("NAJVA_CA_BUNDLE", "")  # empty: the system's CAs
NAJVA_CLIENT_CERT = os.environ.get("NAJVA_CLIENT_CERT", "")  # a PEM with key, where required
NAJVA_CONNECT_TIMEOUT = float(os.environ.get("NAJVA_CONNECT_TIMEOUT", "5"))
NAJVA_READ_TIMEOUT = float(os.environ.get("NAJVA_READ_TIMEOUT", "20"))
# The most one call may take, start to end, however Najva trickles its answer (0: the two
# timeouts above together); the connection is cut when it passes (najva.backends).
NAJVA_DEADLINE_SECONDS = float(os.environ.get("NAJVA_DEADLINE_SECONDS", "0"))
# A worker holds a registration for the call's deadline plus this margin: a live worker never
# loses its row mid-call, and a dead one's row is taken over once the lease runs out.
NAJVA_LEASE_MARGIN_SECONDS = float(os.environ.get("NAJVA_LEASE_MARGIN_SECONDS", "30"))
# A failing registration is tried again after about 30 s, 1, 2, 4... minutes (capped at an
# hour, each with jitter) and parked for the operator after NAJVA_MAX_ATTEMPTS attempts.
NAJVA_MAX_ATTEMPTS = int(os.environ.get("NAJVA_MAX_ATTEMPTS", "10"))
NAJVA_BACKOFF_SECONDS = float(os.environ.get("NAJVA_BACKOFF_SECONDS", "30"))
NAJVA_BACKOFF_MAX_SECONDS = float(os.environ.get("NAJVA_BACKOFF_MAX_SECONDS", "3600"))

# Sessions are stored in the database (Django's default engine), never in a cache: a per-process
# one would keep a signed-out session alive in the other workers, and Redis would be a round trip
# to another server on every request. (Reading the session in one prepared query with the kept
# users' token, accounts.sessions until issue 20, saved less than the noise of every page at
# 1,000,000 persons: docs/perf-internals.md.)
# The cache has its own Redis database (CACHE_URL, by default REDIS_URL's server, database 1): a
# cache clear must never flush Celery's queues.
CACHE_URL = os.environ.get("CACHE_URL", "") or (
    urlsplit(REDIS_URL)._replace(path="/1").geturl() if REDIS_URL else ""
)
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "revocation",
        }
    }

EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "revocation@localhost")
# The address people open the links in notices at.
SITE_URL = os.environ.get("REVOCATION_SITE_URL", "http://127.0.0.1:8000")

# Sessions end after 30 minutes idle, and 12 hours after sign-in whatever happens.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = False  # accounts.middleware touches an active session once a minute
SESSION_ABSOLUTE_MAX_AGE = 12 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Served over HTTPS only where the cookies are secure (production): HSTS for a year and every
# plain-HTTP request redirected. Behind a TLS proxy that sets X-Forwarded-Proto (and strips it
# from what clients send), DJANGO_TLS_PROXY tells Django to trust it.
SECURE_HSTS_SECONDS = int(
    os.environ.get("DJANGO_HSTS_SECONDS", str(365 * 24 * 3600 if SESSION_COOKIE_SECURE else 0))
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", default=SECURE_HSTS_SECONDS > 0)
SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", default=SESSION_COOKIE_SECURE)
TLS_PROXY = env_bool("DJANGO_TLS_PROXY", default=False)
TRUST_REQUEST_ID = TLS_PROXY  # the proxy's X-Request-ID
if TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# No script but the project's own files (no inline script, no eval); styles may be inline (the
# templates' column widths, htmx's indicator style); nothing framed, posted or loaded elsewhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Nothing of the browser's devices or payments is used by any page.
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), "
    "midi=(), magnetometer=(), gyroscope=(), accelerometer=(), display-capture=()"
)

DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "demo-pass-1405")

# Log lines on stdout (docker logs), each with its request id and user, identity numbers masked
# (shared/logs.py). DJANGO_LOG_FORMAT=json in production (.env.example): one JSON object a
# line; text, readable, in development and tests.
LOG_FORMAT = os.environ.get("DJANGO_LOG_FORMAT", "text")
LOGGING = logs.logging_config(
    json=LOG_FORMAT == "json", level=os.environ.get("DJANGO_LOG_LEVEL", "INFO")
)
# Celery leaves the loggers as configured above (its own would bypass the masking).
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
