"""gunicorn settings for digest, read from the environment.

`make serve` and the container both run ``gunicorn -c gunicorn.conf.py
digest.wsgi``. Every value below can be changed without a rebuild; the
variables are listed in the README's "Deploying" section.
"""

import os
import sys

# Make `digest.logging` importable whatever directory gunicorn starts in.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from digest.logging import stdout_logging  # noqa: E402


def _int(name, default):
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _cpus():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


# Where to listen. GUNICORN_BIND wins ("0.0.0.0:8000", "unix:/run/digest.sock");
# otherwise GUNICORN_HOST (127.0.0.1 here, 0.0.0.0 in the container) and PORT.
bind = os.environ.get("GUNICORN_BIND") or "{}:{}".format(
    os.environ.get("GUNICORN_HOST", "127.0.0.1"), _int("PORT", 8000)
)

# Processes: GUNICORN_WORKERS, else WEB_CONCURRENCY (the name hosting platforms
# set), else one per CPU (at least 2, at most 8). Pages are CPU-bound in Python
# and their queries short: measured on 2 CPUs, 5 workers served a fifth less
# than 2 on uncached issue pages, with three times the p99 (README,
# "Performance"). Each worker holds its own database connections, and
# PostgreSQL's default max_connections is 100 for all replicas.
workers = _int("GUNICORN_WORKERS", _int("WEB_CONCURRENCY", min(max(_cpus(), 2), 8)))
threads = _int("GUNICORN_THREADS", 1)
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread" if threads > 1 else "sync")

# A request slower than this is killed and logged; a restart or scale-down lets
# running requests finish for graceful_timeout seconds.
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)

# Load Django once in the master and fork workers from it: a worker starts in
# milliseconds instead of importing everything again, which is what made
# recycling expensive. (Nothing opens a database connection at import time.)
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") != "0"

# Recycle workers now and then (guards against slow leaks); the jitter keeps
# them from all restarting at once. With preload_app a recycled worker costs a
# fork and a fresh database connection; every 20,000 requests that is below
# what `make bench` can measure (README, "Performance").
max_requests = _int("GUNICORN_MAX_REQUESTS", 20000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 2000)

# Which proxies may set X-Forwarded-For/-Proto. Loopback by default; behind a
# load balancer on another address set FORWARDED_ALLOW_IPS to its address (or
# "*" when nothing else can reach gunicorn, as in the compose network).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# gunicorn >= 25 opens a control socket for `gunicornc` under $HOME; off unless
# asked for, so several instances on one host (or a read-only home) never clash.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
control_socket_disable = not control_socket
if not control_socket:
    del control_socket

# The worker heartbeat file: tmpfs in containers, where /tmp may be a slow overlay.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"


def worker_exit(server, worker):
    # A recycled worker leaves the page cache's generation channel at once:
    # a publication change would otherwise wait for its confirmation.
    from issues.generations import listener

    listener.stop()


# Logs: JSON lines on stdout, access lines included, through the same
# formatter and secret filters as Django's own logs (digest/logging.py).
accesslog = "-"
logger_class = "digest.access_log.AccessLogger"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
logconfig_dict = stdout_logging(
    formatter=os.environ.get("DJANGO_LOG_FORMAT", "json"),
    level="INFO",
    loggers={"gunicorn.error": "INFO", "gunicorn.access": "INFO"},
)
