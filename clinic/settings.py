"""Settings for the clinic site, read from the environment.

Every value a deployment may change comes from an environment variable (or a
`.env` file beside manage.py); the defaults are safe for production except where
a development convenience is impossible to abuse (SQLite, console email).
"""

import re
from pathlib import Path

import django_stubs_ext
import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

# Lets classes name their model at run time as mypy sees them: `admin.ModelAdmin[Booking]`,
# `forms.ModelForm[Client]` (Django makes only QuerySet and a few others subscriptable).
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable to a long "
            "random string (for example: python -c 'import secrets; "
            "print(secrets.token_urlsafe(50))'), or set DEBUG=true for local development."
        )
    # Only ever used with DEBUG on, so it never signs anything on a live site.
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # The admin as the clinic's: role landing pages and navigation (clinic/admin_site.py).
    "clinic.admin_site.ClinicAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "csp",
    "django_ratelimit",
    "django_htmx",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",
    "simple_history",
    # The trail of looks at health data (bookings/looks.py): its access entries only.
    "auditlog",
    "clinic",
    "catalog",
    "bookings",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Records who changed a safety rule (condition rules, warning phrases) in its history.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # request.htmx: a view answers a swapped-in fragment instead of the whole page.
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
    "clinic.middleware.DatabaseUnavailableMiddleware",
    # Last, as django-axes asks: it answers locked-out logins itself.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # Checks for a lockout before any password is tried.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# The benchmark serves one extra trivial view from bench/urls.py; the site never does.
ROOT_URLCONF = env.str("ROOT_URLCONF", default="clinic.urls")

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
                "clinic.context_processors.clinic",
                "clinic.context_processors.menu",
            ],
        },
    },
]

WSGI_APPLICATION = "clinic.wsgi.application"

# Database: PostgreSQL in production (DATABASE_URL), a local SQLite file otherwise.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers carry on while one writer writes; IMMEDIATE takes the write
    # lock when a transaction starts, so two bookings cannot interleave their
    # read-check-write and the loser waits (busy_timeout) instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Parameters bound by the server, and a statement run 5 times on a connection kept
    # prepared there, so PostgreSQL stops parsing and planning it each time (a booking
    # POST's backend time 2.8 -> 1.8 ms: docs/benchmarks.md). Off behind a pooler in
    # transaction mode that cannot keep prepared statements.
    if env.bool("DATABASE_PREPARED_STATEMENTS", default=True):
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            server_side_binding=True, prepare_threshold=5
        )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Rate limits count in the cache, so every app server must share one (Redis in
# production: CACHE_URL=redis://...). Local memory only suits a single process, which
# the deploy check (clinic.W001) points out.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
SILENCED_SYSTEM_CHECKS = [
    # django-ratelimit does not know Django's own Redis backend, which increments atomically.
    "django_ratelimit.W001",
    # Replaced by clinic.W001, a deploy-time warning rather than an error in development.
    "django_ratelimit.E003",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
USE_I18N = True
USE_TZ = True
# Stored times are UTC; this is the zone the clinic lives in and shows times in.
TIME_ZONE = env.str("CLINIC_TIME_ZONE", default="Europe/London")

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# Seconds a mail server may take on any one step before the send fails and is retried
# later: a silent server must not hold the worker (and every other email) for good.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="bookings@clinic.example")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Emails and texts are Notification rows, and the rows are the queue: any number of
# `python manage.py run_worker` processes on any machines claim due rows from the
# database, each row once. A worker with nothing due looks again after
# WORKER_POLL_SECONDS, so a confirmation goes out about that long after the booking.
WORKER_POLL_SECONDS = env.float("WORKER_POLL_SECONDS", default=1.0)
# Every this many seconds the worker marks a message "sending" for longer than
# NOTIFICATION_SENDING_LIMIT_SECONDS (the worker died mid-send) as "delivery unknown",
# for staff to resend, never sent again by itself; and offers freed times to the waitlist.
WORKER_SWEEP_SECONDS = env.int("WORKER_SWEEP_SECONDS", default=60)
NOTIFICATION_SENDING_LIMIT_SECONDS = env.int("NOTIFICATION_SENDING_LIMIT_SECONDS", default=900)
# Send each message as the transaction that queued it commits, in that process, instead
# of leaving it to the worker: the test suite (pyproject.toml), or a laptop without one.
NOTIFICATION_SEND_ON_COMMIT = env.bool("NOTIFICATION_SEND_ON_COMMIT", default=False)

# Behind a TLS-terminating proxy. The defaults are the production posture; local
# development and the test suite switch the redirect off explicitly.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]  # load balancers probe over plain HTTP
SESSION_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = not DEBUG
X_FRAME_OPTIONS = "DENY"

# Everything the site loads is its own: no CDN, no inline scripts or styles.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # Bootstrap draws checkboxes and select arrows with data: SVG images.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

# How many proxies we run in front of the app (each appends to X-Forwarded-For);
# 0 means clients connect directly and REMOTE_ADDR is the client.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# Admin login throttling (clinic/login_throttle.py): after 5 failures for one username
# from one address, that pair is locked for an hour; after 10 for one username from any
# addresses, that username is. Attempts live in the database, shared by all servers, so
# the admin login keeps working (and keeps counting) while the cache is down.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
LOGIN_FAILURES_PER_USERNAME = env.int("LOGIN_FAILURES_PER_USERNAME", default=10)
AXES_COOLOFF_TIME = 1  # hours
# The order matters: login_throttle.LoginThrottle reads the pair's count, then the
# username's.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "lockout.html"
AXES_CLIENT_IP_CALLABLE = "clinic.client_ip.client_ip"
AXES_VERBOSE = False
AXES_HANDLER = "clinic.login_throttle.LoginThrottle"

# Public form posts (intake, booking), counted per client address and per browser: a
# household or an office behind one address shares the first, a bot that drops its
# cookies meets it, and one person trying things out meets only the second.
RATELIMIT_IP_META_KEY = "clinic.client_ip.client_ip"
RATELIMIT_VIEW = "clinic.views.rate_limited"
FORM_RATE_LIMIT = env.str("FORM_RATE_LIMIT", default="500/h")
FORM_RATE_LIMIT_BROWSER = env.str("FORM_RATE_LIMIT_BROWSER", default="100/h")
# Sessions live in the database and messages in a cookie (falling back to the session),
# so a cache outage touches only the rate limits (which then let posts through, with
# one log line) and the cached clinic rules (then read from the database).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
MESSAGE_STORAGE = "django.contrib.messages.storage.fallback.FallbackStorage"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Request bodies and form data never go to the logs; Django's own request
        # logger only records the path and status.
        "django.request": {"level": "ERROR"},
    },
}

# Days after a session that its intake answers and warning flags are kept.
HEALTH_ANSWERS_RETENTION_DAYS = env.int("HEALTH_ANSWERS_RETENTION_DAYS", default=30)
# Treatment notes are clinical records: kept this many years after the client's last visit.
NOTES_RETENTION_YEARS = env.int("NOTES_RETENTION_YEARS", default=8)
# The trail of looks at health data (who opened which client's answers, notes, safety
# marks) is kept as long as the records it is about, then the daily purge deletes it.
LOOKS_RETENTION_YEARS = env.int("LOOKS_RETENTION_YEARS", default=8)

# The clinic itself, shown on pages, in emails and in calendar files.
CLINIC_NAME = env.str("CLINIC_NAME", default="Backcare Massage Clinic")
CLINIC_ADDRESS = env.str("CLINIC_ADDRESS", default="12 Harbour Street, Bristol BS1 4QA")
CLINIC_PHONE = env.str("CLINIC_PHONE", default="0117 496 0000")
CLINIC_EMAIL = env.str("CLINIC_EMAIL", default="hello@clinic.example")
CLINIC_CURRENCY_SYMBOL = env.str("CLINIC_CURRENCY_SYMBOL", default="£")
# Payments (bookings/payments, docs/payments.md). Amounts are kept in this currency's
# minor units (pence). Without a secret key every policy but "pay at the clinic" is
# refused in admin and `check --deploy` warns (clinic.W004).
CLINIC_CURRENCY = env.str("CLINIC_CURRENCY", default="gbp").lower()
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
# Tests only (tests/payments): the fake Stripe server. Never read from the environment,
# so no deployment can send card payments anywhere but Stripe.
STRIPE_API_BASE = ""
STRIPE_TIMEOUT_SECONDS = env.int("STRIPE_TIMEOUT_SECONDS", default=10)
# How long a time is held while the client pays on Stripe's page.
PAYMENT_HOLD_MINUTES = env.int("PAYMENT_HOLD_MINUTES", default=15)
# How long the desk's emailed payment link works: under the 24 hours Stripe keeps a
# Checkout page open, so a page the link hands out is never one Stripe has closed.
PAYMENT_LINK_HOURS = env.int("PAYMENT_LINK_HOURS", default=23)
# The numbers the emergency advice offers as tap-to-call links (UK defaults: 999, NHS 111).
EMERGENCY_NUMBER = env.str("EMERGENCY_NUMBER", default="999")
NON_EMERGENCY_NUMBER = env.str("NON_EMERGENCY_NUMBER", default="111")
# One way to show dates and times on staff screens: "Tue 3 Mar 2026, 10:00". The
# locale's own formats would win over these, so clinic/formats hands them back.
DATE_FORMAT = "D j M Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = f"{DATE_FORMAT}, {TIME_FORMAT}"
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
FORMAT_MODULE_PATH = ["clinic.formats"]
# Where the front desk hears about bookings made, moved and cancelled online.
FRONT_DESK_EMAIL = env.str("FRONT_DESK_EMAIL", default=CLINIC_EMAIL)
# The public address of the site, for links in emails and calendar feeds. Locally it
# follows PORT, which `make run` and `make worker` pass on, so links reach the dev server.
_local_port = env.int("PORT", default=8000)
SITE_URL = env.str("SITE_URL", default=f"http://127.0.0.1:{_local_port}").rstrip("/")
# The clinic's colour in emails (the header and the button, under white text), so a
# message looks like the clinic's and not like a stranger's. A dark enough #rrggbb.
CLINIC_BRAND_COLOUR = env.str("CLINIC_BRAND_COLOUR", default="#1d5f73")
if not re.fullmatch(r"#[0-9a-fA-F]{6}", CLINIC_BRAND_COLOUR):
    raise ImproperlyConfigured("CLINIC_BRAND_COLOUR must look like #1d5f73")

# Phone numbers typed without a country code are read as this country's (ISO 3166
# code) and stored in E.164 (+447700900123).
PHONE_REGION = env.str("PHONE_REGION", default="GB")

# Text messages (reminders for clients who ask for them), chosen like the email
# backend: bookings.sms.ConsoleBackend prints them, bookings.sms.LocmemBackend keeps
# them in a list for tests, bookings.sms.TwilioBackend sends them through Twilio.
SMS_BACKEND = env.str("SMS_BACKEND", default="bookings.sms.ConsoleBackend")
# Like EMAIL_TIMEOUT: a slow provider counts as a failed attempt, retried later.
SMS_TIMEOUT = env.int("SMS_TIMEOUT", default=10)
TWILIO_ACCOUNT_SID = env.str("TWILIO_ACCOUNT_SID", default="")
TWILIO_AUTH_TOKEN = env.str("TWILIO_AUTH_TOKEN", default="")
# The sender: a Twilio number in E.164, or a messaging service SID (MG...).
TWILIO_FROM = env.str("TWILIO_FROM", default="")
# Only changed by tests, which point it at a local server that answers like Twilio.
TWILIO_API_BASE_URL = env.str("TWILIO_API_BASE_URL", default="https://api.twilio.com").rstrip("/")
