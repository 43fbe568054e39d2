"""Settings for factcheck, read from the environment.

Nothing set gives the embedded default: a SQLite file and a generated secret key under
``var/`` (git-ignored), Celery tasks run in process, DEBUG on. Production differs only by
environment variables; see the README's configuration table.
"""

from __future__ import annotations

import secrets
import sys
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

# Where the embedded default keeps its state (database file, generated secret key).
VAR_DIR = Path(env.str("FACTCHECK_VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DEBUG", default=True)

# A key generated once and kept on disk is fine for one machine in debug mode. With
# DEBUG=0 we refuse to start on anything but a real key from the environment: a key
# that lives in a file next to the code is a key an attacker can read.
_INSECURE_PREFIX = "django-insecure-"


def _debug_secret_key() -> str:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(_INSECURE_PREFIX + secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


# Words of keys copied from examples and tutorials, never of a generated one.
_PLACEHOLDERS = ("change", "placeholder", "example", "secret", "insecure", "xxxxx", "12345")


def _weak_secret_key(key: str) -> bool:
    """Too short, too few distinct characters (Django's own check asks 5), or a
    placeholder: a key an attacker can guess signs their sessions and tokens."""
    return (
        len(key) < 50
        or len(set(key)) < 5
        or key.startswith(_INSECURE_PREFIX)
        or any(word in key.lower() for word in _PLACEHOLDERS)
    )


SECRET_KEY = env.str("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])

if DEBUG:
    SECRET_KEY = SECRET_KEY or _debug_secret_key()
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]", "testserver"]
else:
    if _weak_secret_key(SECRET_KEY):
        raise ImproperlyConfigured(
            "DEBUG=0 needs a real SECRET_KEY (50 or more random characters) in the environment;"
            " this one is too short, too repetitive or a placeholder. Make one with: python -c"
            ' "import secrets; print(secrets.token_urlsafe(50))"'
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "DEBUG=0 needs ALLOWED_HOSTS (comma-separated host names) in the environment."
        )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "factcheck.outbox",
    "claims",
    "reviews",
    "reviews.desk",
    "reviews.webhooks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "factcheck.security.ThirdPartyPageStyles",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A NUL character in a path, query or form is a 400 before any view queries with it.
    "factcheck.request_guard.RefuseNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "factcheck.ratelimit.PasswordPathsLimit",
    # Last, as django-axes asks: it turns a locked-out login into its answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "factcheck.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                # The desk header's unread notifications (one query, when drawn).
                "reviews.desk.inbox_views.unread_notifications",
                "csp.context_processors.nonce",
            ],
        },
    },
]

WSGI_APPLICATION = "factcheck.wsgi.application"

# Database: DATABASE_URL (postgres://user:pass@host:5432/name, or sqlite:////path/file)
# or the embedded SQLite file.
if env.str("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "factcheck.sqlite3",
            # A file, not the default shared-cache memory database: shared cache has
            # table locks that fail at once instead of waiting, so tests of two
            # connections racing would not see SQLite's real locking.
            "TEST": {"NAME": str(VAR_DIR / "test.sqlite3")},
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # Wait for a concurrent writer instead of failing at once: the dev server,
        # a loader and in-process tasks may all write.
        "timeout": 20,
        # IMMEDIATE takes the write lock at BEGIN, so a service's read-check-write
        # cannot interleave with another writer's (SQLite has no SELECT FOR UPDATE).
        "transaction_mode": "IMMEDIATE",
        # WAL lets readers (the pages) go on while a loader writes, and with
        # synchronous=NORMAL a commit is not an fsync (about 10 ms on this disk,
        # which made a bulk load of one transaction per article disk-bound); a
        # crash may lose the last commits, never corrupt the file.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        **DATABASES["default"].get("OPTIONS", {}),
    }
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections (seconds; 0 closes each after its request) and a check that a
# kept connection still answers before a request uses it.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=False)
DATABASES["default"].setdefault("TEST", {})
USING_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve from the apps' static folders directly, so no collectstatic step is needed to
# run or test; production may still run collectstatic for compressed files.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# The shared cache holds the rate limits' counters: Redis (CACHE_URL=redis://...) so
# every gunicorn worker and machine counts together; without it each process keeps its
# own, which is right only for the embedded default's single process.
CACHE_URL = env.str("CACHE_URL", default="")
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            # Several apps (or test runs) may share one Redis database.
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default=""),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# How many proxies in front of the app append to X-Forwarded-For: the client is the
# address the outermost of them saw. 0 (the default) ignores the header, which anybody
# can write; set it to the number of your own proxies, never more.
FACTCHECK_TRUSTED_PROXIES = env.int("FACTCHECK_TRUSTED_PROXIES", default=0)

# Log in (desk and admin): django-axes counts failures per client address and per
# account in the database; past the limit both are refused, the right password too,
# until the cool-off has passed.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's, reading a user's permissions in one query.
    "factcheck.auth_backend.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("FACTCHECK_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.float("FACTCHECK_LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_CLIENT_IP_CALLABLE = "factcheck.ratelimit.client_ip"
AXES_LOCKOUT_CALLABLE = "factcheck.ratelimit.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Posts to the password change and reset pages, per client address.
FACTCHECK_PASSWORD_RATE = env.str("FACTCHECK_PASSWORD_RATE", default="10/hour")
FACTCHECK_PASSWORD_PATHS = [
    "/accounts/password_change/",
    "/accounts/password_reset/",
    "/accounts/reset/",
    "/admin/password_change/",
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# Security headers that cost nothing on the debug server and matter behind TLS.
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
# Behind TLS (README, Production): browsers keep to https for this many seconds (HSTS),
# plain http is redirected, and a proxy that ends TLS says so in X-Forwarded-Proto,
# trusted only when SECURE_PROXY_SSL_HEADER=1 (a client could send it too otherwise).
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
# A load balancer's health check speaks plain http to the server itself.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if env.bool("SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (django-csp) on every page: scripts and styles from our own
# origin only, an inline script only with the request's nonce, no style attributes, no
# plugins, no framing, forms post only here. The admin and the API docs (third-party
# templates with inline styles) get 'unsafe-inline' styles: factcheck.security.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
FACTCHECK_CSP_INLINE_STYLE_PATHS = ["/admin/", "/api/v1/docs/"]
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Mail: console on the embedded default; EMAIL_URL (smtp://user:pass@host:587) otherwise.
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="factcheck@localhost")

# Celery: a real broker when CELERY_BROKER_URL is set, otherwise tasks run in process.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
# A task is acknowledged only after it ran, so a worker killed mid-task leaves it queued
# for another worker; tasks are idempotent, so running one twice is harmless.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Redis holds a delivered, unacknowledged task this long before it gives it to another
# worker: it must exceed the longest task (a link batch of 2,000 claims takes about 10 s,
# an archive fetch at most FACTCHECK_FETCH_TIMEOUT = 20 s), and it bounds how long a
# killed worker's task waits (Redis' default is an hour). Unacknowledged tasks are looked
# for every 5 s (kombu's default is every 100 s).
FACTCHECK_TASK_VISIBILITY_TIMEOUT = env.int("FACTCHECK_TASK_VISIBILITY_TIMEOUT", default=45)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": FACTCHECK_TASK_VISIBILITY_TIMEOUT,
    "unacked_restore_interval": min(5, FACTCHECK_TASK_VISIBILITY_TIMEOUT),
    "unacked_restore_throttle": 1,
    # The lock a worker holds while it gives back expired tasks; a worker killed holding it
    # would stop every redelivery for kombu's default of 300 s.
    "unacked_mutex_expire": FACTCHECK_TASK_VISIBILITY_TIMEOUT,
}
# A publish that cannot connect fails after this long; the outbox keeps the message.
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("FACTCHECK_BROKER_CONNECT_TIMEOUT", default=2.0)
CELERY_WORKER_SEND_TASK_EVENTS = False

# The outbox (factcheck/outbox): retries back off from this many seconds, doubling, for
# this many attempts; then the message is failed for an operator to see and retry.
FACTCHECK_RETRY_BACKOFF_SECONDS = env.float("FACTCHECK_RETRY_BACKOFF_SECONDS", default=30)
FACTCHECK_TASK_MAX_ATTEMPTS = env.int("FACTCHECK_TASK_MAX_ATTEMPTS", default=5)
# A message the broker took but no worker started in this long is sent again.
# An evidence page is fetched this many times before its archive is marked failed.
FACTCHECK_ARCHIVE_MAX_ATTEMPTS = env.int("FACTCHECK_ARCHIVE_MAX_ATTEMPTS", default=5)
FACTCHECK_OUTBOX_STALE_SECONDS = env.int("FACTCHECK_OUTBOX_STALE_SECONDS", default=600)
# How often the relay and the sweep for undone work run (Celery beat, or
# `manage.py finish_undone --every` on the embedded default).
FACTCHECK_RELAY_INTERVAL = env.float("FACTCHECK_RELAY_INTERVAL", default=10)
FACTCHECK_SWEEP_INTERVAL = env.float("FACTCHECK_SWEEP_INTERVAL", default=300)
# doctor and /healthz fail when an undone outbox message is older than this.
FACTCHECK_HEALTH_MAX_TASK_AGE = env.int("FACTCHECK_HEALTH_MAX_TASK_AGE", default=900)
# Work younger than this is left to its own message by the sweep.
FACTCHECK_SWEEP_GRACE_SECONDS = env.int("FACTCHECK_SWEEP_GRACE_SECONDS", default=300)
# Each finds work a fault left undone, queues it through the outbox, returns how much.
FACTCHECK_SWEEPERS = [
    "claims.tasks.sweep_unlinked_claims",
    "reviews.tasks.sweep_unarchived_evidence",
    "reviews.tasks.send_reminders",
    # Not undone work, upkeep: claims-by-state rows folded, the vector index's log pruned.
    "claims.tasks.fold_status_counts",
    "claims.tasks.prune_vector_log",
]
# Reminders: a reviewer whose claim has waited this many days, editors whose approval
# queue holds a proposal older than this many hours.
FACTCHECK_REMIND_REVIEW_DAYS = env.float("FACTCHECK_REMIND_REVIEW_DAYS", default=3)
FACTCHECK_REMIND_APPROVAL_HOURS = env.float("FACTCHECK_REMIND_APPROVAL_HOURS", default=24)
CELERY_BEAT_SCHEDULE = {
    "outbox-relay": {"task": "outbox.relay", "schedule": FACTCHECK_RELAY_INTERVAL},
    "outbox-finish-undone": {"task": "outbox.finish_undone", "schedule": FACTCHECK_SWEEP_INTERVAL},
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# The organisation that publishes the fact checks (ClaimReview "author").
FACTCHECK_ORG_NAME = env.str("FACTCHECK_ORG_NAME", default="factcheck desk")
# Its url; empty: the site's root (FACTCHECK_SITE_URL, else the request's host).
FACTCHECK_ORG_URL = env.str("FACTCHECK_ORG_URL", default="")
# The byline public readers see on a verdict (e.g. "The fact-check team"); the desk's
# accounts are never named to them. Empty: the organisation alone.
FACTCHECK_PUBLIC_BYLINE = env.str("FACTCHECK_PUBLIC_BYLINE", default="")
# A published verdict's page, for readers without a session: rendered once per version
# into the cache and served with an ETag and `Cache-Control: public, max-age=` this many
# seconds (0 turns both off). A workflow step shows at once; a rating's new name or
# colour within this long.
FACTCHECK_PUBLIC_CACHE_SECONDS = env.int("FACTCHECK_PUBLIC_CACHE_SECONDS", default=60)
# The desk's lists and the public index count their rows up to this many; past it they
# say "more than 10,000" and page that far (an exact count reads every matching row).
FACTCHECK_LIST_COUNT_LIMIT = env.int("FACTCHECK_LIST_COUNT_LIMIT", default=10_000)
# Absolute base for links in ClaimReview and mail; the request's host when empty.
FACTCHECK_SITE_URL = env.str("FACTCHECK_SITE_URL", default="")
# Largest article file load_articles accepts, in bytes.
FACTCHECK_MAX_ARTICLE_BYTES = env.int("FACTCHECK_MAX_ARTICLE_BYTES", default=2_000_000)
# Articles from the desk's browser (claims.intake): reviewers may add them too when true
# (editors always may); a text longer than this many characters is loaded by the worker
# while the page shows its progress (extraction takes about 1 s per 100,000 characters).
FACTCHECK_REVIEWERS_ADD_ARTICLES = env.bool("FACTCHECK_REVIEWERS_ADD_ARTICLES", default=False)
FACTCHECK_INTAKE_BACKGROUND_CHARS = env.int("FACTCHECK_INTAKE_BACKGROUND_CHARS", default=200_000)
# Readers' submissions (claims.submissions): a form sent sooner than this after it was
# drawn is a script's; at most LIMIT submissions per address in WINDOW seconds.
FACTCHECK_SUBMIT_MIN_SECONDS = env.float("FACTCHECK_SUBMIT_MIN_SECONDS", default=3)
FACTCHECK_SUBMIT_LIMIT = env.int("FACTCHECK_SUBMIT_LIMIT", default=5)
FACTCHECK_SUBMIT_WINDOW = env.int("FACTCHECK_SUBMIT_WINDOW", default=3600)
# Claim matching (claims.similarity): the score at which a link is suggested, and the
# score above which differing figures flag the link as conflicting. See README.
FACTCHECK_LINK_MIN_SCORE = env.float("FACTCHECK_LINK_MIN_SCORE", default=0.6)
FACTCHECK_CONFLICT_MIN_SCORE = env.float("FACTCHECK_CONFLICT_MIN_SCORE", default=0.6)
# The vector index (claims.vectors, README): exact below this many embeddings, else
# faiss IVF persisted under VAR_DIR/vectors/. See claims/vectors.py for the others.
FACTCHECK_VECTOR_EXACT_BELOW = env.int("FACTCHECK_VECTOR_EXACT_BELOW", default=50_000)
FACTCHECK_VECTOR_CANDIDATES = env.int("FACTCHECK_VECTOR_CANDIDATES", default=100)
FACTCHECK_VECTOR_PROBES = env.int("FACTCHECK_VECTOR_PROBES", default=64)
FACTCHECK_VECTOR_SAVE_EVERY = env.int("FACTCHECK_VECTOR_SAVE_EVERY", default=10_000)
# Its change log keeps its last LOG_KEEP rows; an index further behind is read again.
FACTCHECK_VECTOR_LOG_KEEP = env.int("FACTCHECK_VECTOR_LOG_KEEP", default=100_000)
# Every outside url (evidence archives, webhooks) goes through factcheck.fetch: only
# public addresses, at most this many seconds for the whole exchange, this many bytes of
# answer and this many redirects. FACTCHECK_FETCH_ALLOW lets named hosts (host or
# host:port) through whatever they resolve to: a test's loopback receiver, an intranet
# service an operator trusts.
FACTCHECK_FETCH_TIMEOUT = env.float("FACTCHECK_FETCH_TIMEOUT", default=20)
FACTCHECK_FETCH_MAX_BYTES = env.int("FACTCHECK_FETCH_MAX_BYTES", default=5_000_000)
FACTCHECK_FETCH_MAX_REDIRECTS = env.int("FACTCHECK_FETCH_MAX_REDIRECTS", default=5)
FACTCHECK_FETCH_ALLOW = env.list("FACTCHECK_FETCH_ALLOW", default=[])
# Webhooks (reviews/webhooks): a delivery waits this long for the receiver's answer (below
# the outbox's lease, FACTCHECK_TASK_VISIBILITY_TIMEOUT - 10); a hook whose deliveries
# all failed for this long is paused and its owner mailed.
FACTCHECK_WEBHOOK_TIMEOUT = env.float("FACTCHECK_WEBHOOK_TIMEOUT", default=10)
FACTCHECK_WEBHOOK_PAUSE_SECONDS = env.int("FACTCHECK_WEBHOOK_PAUSE_SECONDS", default=86400)
# Largest ClaimReview file (page, feed, search API answer) import_claimreview reads.
FACTCHECK_MAX_IMPORT_BYTES = env.int("FACTCHECK_MAX_IMPORT_BYTES", default=200_000_000)

REST_FRAMEWORK = {
    # Token first: an anonymous request is then answered 401 with WWW-Authenticate: Token.
    # Session authentication enforces CSRF on writes.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "factcheck.auth_backend.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # factcheck.api_permissions.ApiPermission: a method the endpoint does not serve is a 405 first.
    "DEFAULT_PERMISSION_CLASSES": ["factcheck.api_permissions.SignedIn"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # JSON only, and no NUL character in it (PostgreSQL cannot store one).
    "DEFAULT_PARSER_CLASSES": ["factcheck.api_input.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "factcheck.api.Cursor",
    "DEFAULT_FILTER_BACKENDS": [
        "factcheck.api.FilterBackend",
        "factcheck.api.OrderingWithTiebreak",
    ],
    "EXCEPTION_HANDLER": "factcheck.api.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "factcheck.api_schema.SchemaWithErrors",
    "DEFAULT_THROTTLE_CLASSES": [
        "factcheck.ratelimit.AnonThrottle",
        "factcheck.ratelimit.UserThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="120/min"),
        "user": env.str("API_THROTTLE_USER", default="1200/min"),
    },
}

SPECTACULAR_SETTINGS = {
    "TITLE": "factcheck API",
    "DESCRIPTION": (
        "Claims, evidence, verdicts and the review workflow of a fact-checking desk. "
        "Anonymous clients read published claims, their verdicts and ClaimReview. "
        'Every 4xx answers {"error": {"code", "message", "fields"}}.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["factcheck.api_permissions.Public"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ClaimStatusEnum": "claims.models.Claim.Status",
        "VerdictStateEnum": "reviews.models.Verdict.State",
        "TransitionActionEnum": "reviews.models.Transition.Action",
        "ClaimantKindEnum": "claims.models.Claimant.Kind",
        "EvidenceKindEnum": "reviews.models.Evidence.Kind",
    },
}

# LOG_FORMAT=json: one JSON object a line (time, level, logger, message, and the
# record's extra fields) for a log collector; plain lines otherwise.
LOG_FORMAT = env.str("LOG_FORMAT", default="text")
if LOG_FORMAT not in ("text", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT is {LOG_FORMAT!r}: use text or json.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": sys.stderr,
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
