"""Settings for the comparison site, added to what ``wagtail start`` writes.

Production-like: DEBUG off, PostgreSQL (``WAGTAIL_BENCH_DATABASE_URL``),
persistent connections. ``SITE_CACHE=1`` adds Django's per-site cache
(per-process memory, ten minutes), the cache Wagtail's documentation points
to for whole pages.
"""

import os
from urllib.parse import urlsplit

from .base import MIDDLEWARE, STORAGES

_database = urlsplit(os.environ["WAGTAIL_BENCH_DATABASE_URL"])

DEBUG = False
SECRET_KEY = "bench-only-not-secret-" + "w" * 40
ALLOWED_HOSTS = ["127.0.0.1"]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": _database.path.lstrip("/"),
        "USER": _database.username or "",
        "PASSWORD": _database.password or "",
        "HOST": _database.hostname or "",
        "PORT": _database.port or "",
        "CONN_MAX_AGE": 600,
    }
}
if os.environ.get("SITE_CACHE") == "1":
    MIDDLEWARE = [
        "django.middleware.cache.UpdateCacheMiddleware",
        *MIDDLEWARE,
        "django.middleware.cache.FetchFromCacheMiddleware",
    ]
    CACHE_MIDDLEWARE_SECONDS = 600
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
