"""Settings for digest, read from the environment in this one module.

Development needs nothing: an embedded SQLite file, DEBUG on, a throw-away
secret. Production (DJANGO_DEBUG off) refuses to start without a secret key
and allowed hosts, and is secure by default: HTTPS redirect, HSTS, secure
cookies and an enforced Content-Security-Policy. Every variable is listed in
the README's "Deploying" section.
"""

import datetime
import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from digest.logging import stdout_logging

BASE_DIR = Path(__file__).resolve().parent.parent


TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off"}


def env_bool(name, default=False):
    """A yes/no setting. Anything else fails start-up: a typo in a switch such
    as ``DIGEST_FOUR_EYES=ture`` must not silently turn a safeguard off."""
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of {sorted(TRUE_WORDS | FALSE_WORDS)}, not {value!r}."
    )


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name, default):
    value = os.environ.get(name, "")
    try:
        return int(value) if value.strip() else default
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


DEBUG = env_bool("DJANGO_DEBUG", default=True)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Production (DJANGO_DEBUG=0) needs a long random secret."
        )
    SECRET_KEY = "development-only-not-secret"  # noqa: S105 - DEBUG only

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "DJANGO_ALLOWED_HOSTS is not set. Production needs the site's host names, comma-separated."
    )
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# HTTPS. TLS ends at a proxy or load balancer in front of gunicorn; tell Django
# which header that proxy sets, e.g. DJANGO_SECURE_PROXY_SSL_HEADER=X-Forwarded-Proto
# (value "https" implied) or "X-Forwarded-Proto=https". Only set it when the proxy
# always overwrites that header, or clients can claim HTTPS.
_proxy_ssl_header = os.environ.get("DJANGO_SECURE_PROXY_SSL_HEADER", "").strip()
if _proxy_ssl_header:
    _header, _sep, _value = _proxy_ssl_header.partition("=")
    SECURE_PROXY_SSL_HEADER = (
        "HTTP_" + _header.strip().upper().replace("-", "_"),
        _value.strip() or "https",
    )
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", default=not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = os.environ.get("DJANGO_REFERRER_POLICY", "same-origin")
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

INSTALLED_APPS = [
    "digest.apps.DigestAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "csp",
    "markdownx",
    "nested_admin",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "issues",
    "curation",
]

MIDDLEWARE = [
    # Answers /healthz and /readyz before host validation and the HTTPS
    # redirect: load balancers and container probes call by IP over plain HTTP.
    "digest.middleware.ProbeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "digest.middleware.RejectNulMiddleware",
    # Public pages from the cache, 304s and compression, before the session,
    # locale, CSRF and auth middleware whose work a cached page does not need.
    "issues.cache.PageCacheMiddleware",
    "digest.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "digest.urls"

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
                "django.template.context_processors.i18n",
                "issues.context_processors.publication",
            ],
        },
    },
]

WSGI_APPLICATION = "digest.wsgi.application"

# Persistent connections are checked before reuse (conn_health_checks), so a
# worker whose connection died with a database restart reconnects on its next
# request; a short connect timeout keeps /readyz answering while it is down.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend, with a health check that needs no round trip (digest/postgresql).
    DATABASES["default"]["ENGINE"] = "digest.postgresql"
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env_int("DJANGO_DB_CONNECT_TIMEOUT", 5)
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Readers and an editor saving at once must not see "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DATABASES["default"]["TEST"] = {"NAME": os.environ.get("DJANGO_TEST_DATABASE_NAME") or None}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# One Redis shared by every web replica: cache and sessions (cached_db keeps the
# database as the source of truth, so a Redis flush logs nobody out). Without
# Redis, each process has its own memory cache and sessions live in the database.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "digest.redis_cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("DJANGO_CACHE_PREFIX", "digest"),
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 1000},
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Brute-force protection on the login (django-axes). Failed logins are counted
# in the database (table axes_accessattempt, shared by every replica) per user
# name and, separately, per client address; either reaching the limit locks
# that name or address out until the cool-off has passed or someone runs
# `manage.py axes_reset` (or axes_reset_username / axes_reset_ip). A
# successful login does not clear the count, so someone with an account of
# their own cannot reset it between guesses at another one.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = env_int("DJANGO_LOGIN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("DJANGO_LOGIN_LOCKOUT_MINUTES", 30))
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "digest.lockout.client_ip"
AXES_VERBOSE = False
# Behind a proxy every request comes from the proxy's address; name the header
# in which it appends the client's (X-Forwarded-For), or per-address lockout
# would lock everybody out at once. Only the last address is used: the one the
# proxy itself wrote, which a client cannot forge.
CLIENT_IP_HEADER = os.environ.get("DJANGO_CLIENT_IP_HEADER", "").strip()

# Whole public pages in that cache (issues/cache.py). They are never stale: the
# key changes with what is published, so the lifetime only bounds memory. A
# CDN or proxy in front may keep pages for DJANGO_CACHE_S_MAXAGE seconds if
# the operator purges it on publication; by default it revalidates every time.
DIGEST_PAGE_CACHE = env_bool("DJANGO_PAGE_CACHE", default=True)
# With a cache every process shares, a cached page needs no database query
# (see issues/cache.py); with per-process memory each request asks the database.
DIGEST_PAGE_CACHE_SHARED = bool(REDIS_URL)
# With Redis, each serving process is told of a new generation (and confirms)
# before a change completes, instead of asking Redis on every request.
DIGEST_PAGE_CACHE_PUSH = DIGEST_PAGE_CACHE_SHARED and env_bool(
    "DJANGO_PAGE_CACHE_PUSH", default=True
)
DIGEST_PAGE_CACHE_SECONDS = env_int("DJANGO_PAGE_CACHE_SECONDS", 24 * 3600)
DIGEST_CACHE_S_MAXAGE = env_int("DJANGO_CACHE_S_MAXAGE", 0)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# Static files: whitenoise serves them from gunicorn. In production their names
# carry content hashes, collectstatic pre-compresses them (gzip and brotli) and
# whitenoise sends hashed names with a far-future "immutable" Cache-Control.
STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]

# Media: images uploaded from the Markdown editor. Local disk (MEDIA_ROOT) by
# default, served by digest.urls; an S3-compatible bucket when DJANGO_S3_BUCKET
# is set. Several replicas need the bucket, or one volume they all mount.
# DJANGO_MEDIA_URL (e.g. https://media.digest.example.com/media/) puts them on an
# origin of their own, so nothing uploaded ever shares the admin's origin.
MEDIA_URL = os.environ.get("DJANGO_MEDIA_URL", "") or "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
S3_BUCKET = os.environ.get("DJANGO_S3_BUCKET", "")
if S3_BUCKET:
    _s3_options = {
        "bucket_name": S3_BUCKET,
        "endpoint_url": os.environ.get("DJANGO_S3_ENDPOINT_URL") or None,
        "region_name": os.environ.get("DJANGO_S3_REGION") or None,
        "access_key": os.environ.get("DJANGO_S3_ACCESS_KEY_ID") or None,
        "secret_key": os.environ.get("DJANGO_S3_SECRET_ACCESS_KEY") or None,
        "custom_domain": os.environ.get("DJANGO_S3_CUSTOM_DOMAIN") or None,
        "location": os.environ.get("DJANGO_S3_LOCATION", "media"),
        "querystring_auth": env_bool("DJANGO_S3_QUERYSTRING_AUTH", default=False),
        "default_acl": os.environ.get("DJANGO_S3_DEFAULT_ACL") or None,
        "file_overwrite": False,
        "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
    }
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {key: value for key, value in _s3_options.items() if value is not None},
    }
    if _s3_options["custom_domain"]:
        MEDIA_URL = f"https://{_s3_options['custom_domain']}/{_s3_options['location']}/"
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
# Local media is served by the app (digest.urls) unless a proxy in front serves
# MEDIA_ROOT itself (then set DJANGO_SERVE_MEDIA=0).
SERVE_MEDIA = not S3_BUCKET and env_bool("DJANGO_SERVE_MEDIA", default=True)
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

LOGIN_URL = "admin:login"

EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "digest@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS")
EMAIL_TIMEOUT = 10

# Background tasks (django-tasks): e-mail notifications are queued in the
# database and sent by `manage.py db_worker` (the compose `worker` service;
# `make run` starts one beside runserver), so a mail server that is down never
# fails a request. Failed attempts are listed in the admin under task results.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# Public base URL for absolute links in feeds and e-mails when there is no request.
SITE_URL = os.environ.get("DIGEST_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Four-eyes rule: nobody approves an issue they submitted or last edited.
# A one-person team may switch it off.
DIGEST_FOUR_EYES = env_bool("DIGEST_FOUR_EYES", default=True)

MARKDOWNX_MARKDOWNIFY_FUNCTION = "issues.rendering.render_markdown"
MARKDOWNX_UPLOAD_MAX_SIZE = env_int("DJANGO_UPLOAD_MAX_BYTES", 2 * 1024 * 1024)
# What an upload may be is decided from its bytes (issues.uploads), not its declared type.
MARKDOWNX_MEDIA_PATH = "markdownx/"
MARKDOWNX_SERVER_CALL_LATENCY = 300

# URL prefill (curation.fetching): what the server may fetch when an editor
# pastes a link. Only public addresses are ever contacted. The exemption list
# of "ip:port" pairs is for tests serving pages from this machine; it is
# deliberately not read from the environment.
CURATION_FETCH_TIMEOUT = env_int("DIGEST_FETCH_TIMEOUT_SECONDS", 4)
CURATION_FETCH_MAX_BYTES = env_int("DIGEST_FETCH_MAX_BYTES", 1024 * 1024)
CURATION_FETCH_MAX_REDIRECTS = 3
CURATION_FETCH_ALLOWED_ADDRESSES = []
CURATION_PREFILL_CACHE_SECONDS = 24 * 3600

# Content-Security-Policy (django-csp). Scripts only from our own origin: the
# admin, markdownx and nested-admin load every script from files. Styles allow
# 'unsafe-inline' because the admin change list ships a <style> block and
# jQuery UI (nested-admin drag and drop) writes style attributes; inline styles
# cannot run code. Images may come from any https site: entries embed them.
# Enforced in production, report-only (browser console) in development.
_csp_img_src = [SELF, "data:", "https:"]
if urlsplit(MEDIA_URL).scheme == "http":  # e.g. a MinIO bucket on plain HTTP
    _csp_img_src.append("{0.scheme}://{0.netloc}".format(urlsplit(MEDIA_URL)))
_csp = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": _csp_img_src,
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
if os.environ.get("DJANGO_CSP_REPORT_URI"):
    _csp["DIRECTIVES"]["report-uri"] = [os.environ["DJANGO_CSP_REPORT_URI"]]
if env_bool("DJANGO_CSP_REPORT_ONLY", default=DEBUG):
    CONTENT_SECURITY_POLICY_REPORT_ONLY = _csp
else:
    CONTENT_SECURITY_POLICY = _csp

# Logging: one line per record on stdout for the log collector. JSON in
# production, readable text in development (DJANGO_LOG_FORMAT=json|text).
# Request records carry method, path and user id; secrets are redacted.
LOG_LEVEL = os.environ.get("DJANGO_LOG_LEVEL", "INFO").upper()
LOGGING = stdout_logging(
    formatter=os.environ.get("DJANGO_LOG_FORMAT", "text" if DEBUG else "json"),
    level=LOG_LEVEL,
    loggers={"django": LOG_LEVEL, "django.server": "INFO"},
)
