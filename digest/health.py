"""Probes for load balancers, container runtimes and orchestrators.

``/healthz`` (liveness) answers 200 as long as the process can serve a request;
it touches neither the database nor the cache, so a database outage does not
get healthy web processes restarted. ``/readyz`` (readiness) answers 200 only
when every configured database and the cache answer, and 503 naming what
failed otherwise, so a load balancer stops sending traffic to this replica until
it recovers. Both are answered by ``digest.middleware.ProbeMiddleware`` before
host validation and the HTTPS redirect; that is their only route.

A failed database check closes that connection: the next probe (or request)
opens a fresh one, so readiness comes back on its own once the database is
reachable again, without restarting gunicorn.
"""

import logging
import os
import socket
import time
from http import HTTPStatus

from django.core.cache import cache
from django.db import connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)


def cache_key():
    """The key /readyz writes and reads back; one per worker process, so
    replicas sharing a Redis each prove their own round trip (see
    .ci/production-check). Asked at call time: gunicorn loads the app before
    it forks, so an import-time pid would be the master's for every worker."""
    return f"readyz:{socket.gethostname()}:{os.getpid()}"


def _failure(exc):
    """A short, public reason: the exception's class, never its full text."""
    return f"unavailable ({type(exc).__name__})"


def check_database(connection):
    """Run ``SELECT 1`` on ``connection``; return None when it answers, else a reason."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
        logger.warning("readiness: database %r failed: %s", connection.alias, exc)
        # Drop the broken connection so the next check reconnects from scratch.
        try:
            connection.close()
        except Exception:  # noqa: BLE001,S110 - it is already broken
            pass
        return _failure(exc)
    return None


def check_cache():
    """Write a key and read it back; return None when that works, else a reason."""
    value = str(time.time())
    try:
        key = cache_key()
        cache.set(key, value, timeout=60)
        if cache.get(key) != value:
            return "unavailable (value not read back)"
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
        logger.warning("readiness: cache failed: %s", exc)
        return _failure(exc)
    return None


@never_cache
def healthz(request):
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request):
    checks = {f"database:{conn.alias}": check_database(conn) for conn in connections.all()}
    checks["cache"] = check_cache()
    failed = {name: reason for name, reason in checks.items() if reason}
    body = {
        "status": "unavailable" if failed else "ok",
        "checks": {name: reason or "ok" for name, reason in checks.items()},
    }
    status = HTTPStatus.SERVICE_UNAVAILABLE if failed else HTTPStatus.OK
    return JsonResponse(body, status=status)
