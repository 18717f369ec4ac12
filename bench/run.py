"""Benchmarks digest's public pages under load and writes bench/results.md.

    make bench                        # needs PostgreSQL, Redis and wrk (apt install wrk)
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/digest_bench make bench

A benchmark, not a test. It creates its own PostgreSQL database (dropped at
the end), generates the catalogue (``generate_demo``, 5,000 issues x 30 entries
unless BENCH_ISSUES / BENCH_ENTRIES say otherwise), runs VACUUM (ANALYZE), and starts
two gunicorns in the production configuration (gunicorn.conf.py, DEBUG off) on
free loopback ports: one as deployed, one with the page cache off, which is
what every page costs when it is not cached (each process's catalogue of the
published layer, read once per publication change, stays on in both). Then
wrk (16 connections, two threads) measures each target for a few seconds, all
targets in turn, for several rounds, and the medians go to bench/results.md
with the ratio of each to the ceiling: the issue page's own bytes as a static
file, served by the same gunicorn through whitenoise. Any non-2xx answer fails
the run. BENCH_REDIS_URL (Redis database 1 on 127.0.0.1 by default; empty for
per-process memory) is the shared cache, as in production.
"""

import gzip
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))

DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/digest_bench"
)
ISSUES = int(os.environ.get("BENCH_ISSUES", "5000"))
ENTRIES = int(os.environ.get("BENCH_ENTRIES", "30"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
# The shared cache of a production deployment (as in docker-compose.yml);
# BENCH_REDIS_URL= (empty) measures the per-process memory cache instead.
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/1")
CONNECTIONS = 16
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))

# Wagtail, measured in the same run (``start_wagtail``) unless BENCH_WAGTAIL=0
# or it cannot be installed; then the figures the targets were first set by
# (2026-11, Wagtail 8.0.1, 2 sync workers, a 30-entry page, another machine).
WAGTAIL = os.environ.get("BENCH_WAGTAIL", "1") != "0"
WAGTAIL_VERSION = "8.0.1"
WAGTAIL_CACHED = 4157
WAGTAIL_UNCACHED = 285
WAGTAIL_CACHED_LABEL = f"Wagtail {WAGTAIL_VERSION}, Django's per-site cache"
WAGTAIL_UNCACHED_LABEL = f"Wagtail {WAGTAIL_VERSION}, not cached"
ARCHIVE_CEILING = "static file, the archive's bytes (ceiling of the archive)"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run(*args, env=None, capture=False):
    return subprocess.run(
        args, cwd=ROOT, env=env, check=True, text=True, capture_output=capture
    ).stdout


def maintenance(sql):
    import psycopg

    parts = urlsplit(DATABASE_URL)
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(sql)


def database_name():
    name = urlsplit(DATABASE_URL).path.lstrip("/")
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise SystemExit(f"BENCH_DATABASE_URL needs a plain database name, not {name!r}")
    return name


def django_env(**extra):
    env = dict(os.environ)
    env.update(
        DATABASE_URL=DATABASE_URL,
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="bench-only-not-secret-" + "x" * 40,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",
        DJANGO_LOG_LEVEL="WARNING",
        GUNICORN_WORKERS=str(WORKERS),
    )
    env.pop("REDIS_URL", None)
    if REDIS_URL:
        env.update(REDIS_URL=REDIS_URL, DJANGO_CACHE_PREFIX=f"digest-bench-{os.getpid()}")
    env.update(extra)
    return env


def start_gunicorn(env, port, log):
    process = subprocess.Popen(
        [GUNICORN, "-c", "gunicorn.conf.py", "digest.wsgi"],
        cwd=ROOT,
        env={**env, "PORT": str(port), "GUNICORN_HOST": "127.0.0.1"},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    for _ in range(200):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return process
        except OSError:
            if process.poll() is not None:
                raise SystemExit(f"gunicorn on port {port} exited; see {log.name}") from None
            time.sleep(0.1)
    raise SystemExit(f"gunicorn on port {port} did not start")


def start_wagtail(scratch, log):
    """Wagtail on this machine, for comparison: ({label: url}, processes), or ({}, []).

    A site made by ``wagtail start`` in a virtualenv of its own, on the same
    PostgreSQL, whose home page has 30 link entries in 4 sections
    (``bench/wagtail``); two gunicorns as Wagtail deploys them (2 sync
    workers, no access log, no recycling): as it is, and with Django's
    per-site cache in per-process memory (never invalidated by publishing).
    """
    here = ROOT / "bench" / "wagtail"
    site = scratch / "wagtail"
    python = scratch / "wagtail-venv" / "bin" / "python"
    database = f"{database_name()}_wagtail"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "site_settings.settings.production",
        "WAGTAIL_BENCH_DATABASE_URL": urlsplit(DATABASE_URL)._replace(path=f"/{database}").geturl(),
    }
    try:
        subprocess.run([PYTHON, "-m", "venv", str(python.parent.parent)], check=True)
        subprocess.run(
            [
                python,
                "-m",
                "pip",
                "install",
                "-q",
                f"wagtail=={WAGTAIL_VERSION}",
                "gunicorn",
                "psycopg",
            ],
            check=True,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        site.mkdir()
        subprocess.run(
            [python.with_name("wagtail"), "start", "site_settings", str(site)],
            check=True,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        shutil.copy(here / "models.py", site / "home" / "models.py")
        shutil.copytree(here / "templates", site / "home" / "templates", dirs_exist_ok=True)
        shutil.copy(here / "local.py", site / "site_settings" / "settings" / "local.py")
        maintenance(f"DROP DATABASE IF EXISTS {database}")
        maintenance(f"CREATE DATABASE {database}")
        for command in (["makemigrations", "home"], ["migrate"], ["collectstatic", "--noinput"]):
            subprocess.run(
                [python, "manage.py", *command, "-v0"],
                cwd=site,
                env=env,
                check=True,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        with open(here / "fill.py", "rb") as fill:
            subprocess.run(
                [python, "manage.py", "shell"],
                cwd=site,
                env=env,
                check=True,
                stdin=fill,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
    except (OSError, subprocess.CalledProcessError) as error:
        print(f"Wagtail could not be set up ({error}); comparing with the earlier figures")
        return {}, []
    processes, urls = [], {}
    for label, extra in ((WAGTAIL_UNCACHED_LABEL, {}), (WAGTAIL_CACHED_LABEL, {"SITE_CACHE": "1"})):
        port = free_port()
        processes.append(
            subprocess.Popen(
                [
                    python.with_name("gunicorn"),
                    "-w",
                    str(WORKERS),
                    "-b",
                    f"127.0.0.1:{port}",
                    "site_settings.wsgi",
                ],
                cwd=site,
                env={**env, **extra},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
        urls[label] = f"http://127.0.0.1:{port}/"
    for url in urls.values():
        for _ in range(100):
            try:
                fetch(url)
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise SystemExit(f"Wagtail did not start at {url}; see {log.name}")
    return urls, processes


def drop_wagtail_database():
    maintenance(f"DROP DATABASE IF EXISTS {database_name()}_wagtail")


def stop(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def fetch(url, headers=None):
    request = urllib.request.Request(url, headers={"Host": "127.0.0.1", **(headers or {})})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, dict(response.headers), response.read()


WRK_LINE = {
    "rps": re.compile(r"Requests/sec:\s+([\d.]+)"),
    "p50": re.compile(r"^\s+50%\s+([\d.]+)(us|ms|s)\s*$", re.M),
    "p99": re.compile(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", re.M),
}
UNIT = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url):
    output = run(
        "wrk",
        "-t2",
        f"-c{CONNECTIONS}",
        f"-d{SECONDS}s",
        "--latency",
        "--timeout",
        "30s",
        "-H",
        "Host: 127.0.0.1",
        url,
        capture=True,
    )
    if "Non-2xx" in output or "Socket errors" in output:
        raise SystemExit(f"wrk saw errors on {url}:\n{output}")
    result = {"rps": float(WRK_LINE["rps"].search(output).group(1))}
    for name in ("p50", "p99"):
        value, unit = WRK_LINE[name].search(output).groups()
        result[name] = float(value) * UNIT[unit]
    return result


def loadavg():
    return Path("/proc/loadavg").read_text().split()[0]


def page_facts(env, paths):
    """SQL queries and size of each page on a cold miss, in a process of its own.

    The page cache is off and the catalogue forgotten before each page, as
    for the first reader after a publication change.
    """
    script = (
        "import django, json, sys; django.setup()\n"
        "from django.db import connection\n"
        "from django.test import Client\n"
        "from django.test.utils import CaptureQueriesContext\n"
        "from issues import catalogue\n"
        "client = Client(HTTP_HOST='127.0.0.1')\n"
        "facts = {}\n"
        "for path in sys.argv[1:]:\n"
        "    client.get(path)\n"
        "    catalogue.forget()\n"
        "    with CaptureQueriesContext(connection) as queries:\n"
        "        response = client.get(path)\n"
        "    assert response.status_code == 200, (path, response.status_code)\n"
        "    facts[path] = (len(queries), len(response.content))\n"
        "print(json.dumps(facts))\n"
    )
    import json

    output = run(
        PYTHON,
        "-c",
        script,
        *paths,
        env={**env, "DJANGO_SETTINGS_MODULE": "digest.settings", "DJANGO_PAGE_CACHE": "0"},
        capture=True,
    )
    return json.loads(output.strip().splitlines()[-1])


def main():
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (Debian/Ubuntu: apt install wrk)")
    name = database_name()
    scratch = Path(tempfile.mkdtemp(prefix="digest-bench-"))
    static_root = scratch / "static"
    env = django_env(DJANGO_STATIC_ROOT=str(static_root))
    processes = []
    try:
        maintenance(f"DROP DATABASE IF EXISTS {name}")
        maintenance(f"CREATE DATABASE {name}")
        run(PYTHON, "manage.py", "migrate", "--noinput", "-v0", env=env)
        started = time.perf_counter()
        run(
            PYTHON,
            "manage.py",
            "generate_demo",
            f"--issues={ISSUES}",
            f"--entries={ENTRIES}",
            env=env,
            capture=True,
        )
        generate_seconds = time.perf_counter() - started
        started = time.perf_counter()
        import psycopg

        with psycopg.connect(DATABASE_URL, autocommit=True) as connection:
            # As autovacuum would, which may be off: generating leaves dead row
            # versions behind (each revision is written again when frozen) that
            # a production database would have had vacuumed. ANALYZE gives the
            # planner its numbers.
            connection.execute("VACUUM (ANALYZE)")
        analyze_seconds = time.perf_counter() - started
        run(PYTHON, "manage.py", "collectstatic", "--noinput", "-v0", env=env)

        latest = (
            run(
                PYTHON,
                "manage.py",
                "shell",
                "-c",
                "from issues.models import Revision;"
                "print(Revision.objects.published_dates()[0].isoformat())",
                env=env,
                capture=True,
            )
            .strip()
            .splitlines()[-1]
        )
        issue_path = f"/issues/{latest}/"
        search = {
            "search, common word (量化)": "/search/?q=" + quote("量化"),
            "search, rare word (蜂鸟)": "/search/?q=" + quote("蜂鸟"),
            "search, English word (quantization)": "/search/?q=quantization",
            "search, prefix (mnn)": "/search/?q=mnn",
        }
        source_path = "/sources/" + quote("机器之心") + "/"
        facts = page_facts(
            env, ["/", issue_path, "/archive/", "/feed/", source_path, *search.values()]
        )

        cached_port, uncached_port, ceiling_port = free_port(), free_port(), free_port()
        log = open(scratch / "gunicorn.log", "w")  # noqa: SIM115 - closed with the scratch dir
        # The ceiling: the issue page's exact bytes as a static file (whitenoise
        # finds files in STATIC_ROOT when it starts).
        issue_bytes = None
        processes.append(start_gunicorn(env, uncached_port, log))
        _status, _headers, issue_bytes = fetch(f"http://127.0.0.1:{uncached_port}{issue_path}")
        (static_root / "bench-issue.html").write_bytes(issue_bytes)
        # /archive/ is six times the issue page's bytes: its own static copy is its ceiling.
        _status, _headers, archive_bytes = fetch(f"http://127.0.0.1:{uncached_port}/archive/")
        (static_root / "bench-archive.html").write_bytes(archive_bytes)
        stop(processes.pop())
        processes.append(start_gunicorn(env, cached_port, log))
        processes.append(
            start_gunicorn(
                django_env(DJANGO_STATIC_ROOT=str(static_root), DJANGO_PAGE_CACHE="0"),
                uncached_port,
                log,
            )
        )
        # The ceiling without worker recycling, as the targets define it.
        processes.append(start_gunicorn({**env, "GUNICORN_MAX_REQUESTS": "0"}, ceiling_port, log))
        cached = f"http://127.0.0.1:{cached_port}"
        uncached = f"http://127.0.0.1:{uncached_port}"
        ceiling_url = f"http://127.0.0.1:{ceiling_port}"

        # Checks before measuring: a 304, compression, same bytes as the ceiling.
        status, headers, body = fetch(cached + issue_path)
        assert body == issue_bytes, "the cached page differs from the static copy"
        try:
            fetch(cached + issue_path, {"If-None-Match": headers["ETag"]})
            conditional = "200 (no 304)"
        except urllib.error.HTTPError as error:
            conditional = str(error.code)
        _s, zipped_headers, zipped = fetch(cached + issue_path, {"Accept-Encoding": "gzip"})
        compressed = (
            zipped_headers.get("Content-Encoding") == "gzip"
            and gzip.decompress(zipped) == issue_bytes
        )

        targets = {
            "static file, same bytes (ceiling)": ceiling_url + "/static/bench-issue.html",
            "static file, production recycling": cached + "/static/bench-issue.html",
            ARCHIVE_CEILING: ceiling_url + "/static/bench-archive.html",
            "issue page, cached": cached + issue_path,
            "issue page, not cached": uncached + issue_path,
            "home, cached": cached + "/",
            "home, not cached": uncached + "/",
            "archive, cached": cached + "/archive/",
            "archive, not cached": uncached + "/archive/",
            "RSS, cached": cached + "/feed/",
            "RSS, not cached": uncached + "/feed/",
            "source page, not cached": uncached + source_path,
        }
        targets.update({f"{label}, cached": cached + path for label, path in search.items()})
        targets.update({f"{label}, not cached": uncached + path for label, path in search.items()})
        if WAGTAIL:
            wagtail_urls, wagtail_processes = start_wagtail(scratch, log)
            processes.extend(wagtail_processes)
            targets.update(wagtail_urls)
        for url in targets.values():  # warm: caches filled, connections open, both workers
            for _ in range(2 * WORKERS):
                fetch(url)
        samples = {label: [] for label in targets}
        loads = [loadavg()]
        for _round in range(ROUNDS):
            for label, url in targets.items():
                # Let the previous target's last slow requests finish first.
                time.sleep(2)
                samples[label].append(wrk(url))
            loads.append(loadavg())
    finally:
        for process in processes:
            stop(process)
        if not os.environ.get("BENCH_KEEP_DATABASE"):
            maintenance(f"DROP DATABASE IF EXISTS {name}")
        if WAGTAIL:
            drop_wagtail_database()

    recycling = (
        run(
            PYTHON,
            "-c",
            "import runpy; c = runpy.run_path('gunicorn.conf.py');"
            "print(c['max_requests'], '+', c['max_requests_jitter'])",
            env=env,
            capture=True,
        )
        .strip()
        .splitlines()[-1]
    )

    def rps_of(label):
        return statistics.median(s["rps"] for s in samples[label])

    ceiling = rps_of("static file, same bytes (ceiling)")
    if WAGTAIL_CACHED_LABEL in samples:
        wagtail_cached, wagtail_uncached = (
            rps_of(WAGTAIL_CACHED_LABEL),
            rps_of(WAGTAIL_UNCACHED_LABEL),
        )
        wagtail_line = (
            f"- for comparison, Wagtail {WAGTAIL_VERSION} in this run (`bench/wagtail`: a 30-entry"
            f" page, {WORKERS} sync workers, the per-site cache in each process's memory, stale"
            " until it times out): "
        )
    else:
        wagtail_cached, wagtail_uncached = WAGTAIL_CACHED, WAGTAIL_UNCACHED
        wagtail_line = (
            f"- for comparison, Wagtail {WAGTAIL_VERSION} (a 30-entry page, the same wrk settings,"
            " measured on another 2-CPU machine of this project in 2026-11, not in this run): "
        )
    wagtail_line += (
        f"{wagtail_uncached:,.0f} req/s uncached, {wagtail_cached:,.0f} req/s with Django's"
        f" per-site cache; here the issue page serves"
        f" {rps_of('issue page, cached') / wagtail_cached:.2f}x the cached figure and"
        f" {rps_of('issue page, not cached') / wagtail_uncached:.1f}x the uncached one"
    )
    rows = []
    for label, runs in samples.items():
        rps = statistics.median(s["rps"] for s in runs)
        p50 = statistics.median(s["p50"] for s in runs)
        p99 = statistics.median(s["p99"] for s in runs)
        own = rps_of(ARCHIVE_CEILING) if label.startswith("archive,") else ceiling
        rows.append(f"| {label} | {rps:,.0f} | {rps / own:.2f}x | {p50:.1f} | {p99:.1f} |")
    fact_rows = [
        f"| `{path}` | {queries} | {size / 1024:.1f} |" for path, (queries, size) in facts.items()
    ]
    lines = [
        "# Benchmark results",
        "",
        "Written by `make bench` (`bench/run.py`): one run, all figures side by side.",
        "",
        f"- when: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, on {os.cpu_count()} CPUs;"
        f" load average (1 min) before and after each round: {', '.join(loads)}",
        f"- catalogue: {ISSUES:,} issues x {ENTRIES} entries on PostgreSQL,"
        f" generated in {generate_seconds:.0f} s (`generate_demo`),"
        f" VACUUM (ANALYZE) {analyze_seconds:.1f} s",
        f"- gunicorn: production configuration, {WORKERS} sync workers, preload_app,"
        f" max_requests {recycling}; cache: {'Redis' if REDIS_URL else 'per-process memory'};"
        " the ceiling: a third gunicorn with recycling off;"
        " `not cached` = a second gunicorn with DJANGO_PAGE_CACHE=0"
        + (" ; with Redis, publication generations pushed to each process" if REDIS_URL else ""),
        f"- wrk: {CONNECTIONS} connections, 2 threads, {SECONDS} s per target,"
        f" {ROUNDS} rounds through all targets in turn; medians of the rounds",
        f"- conditional request with the page's ETag: {conditional};"
        f" gzip when accepted: {'yes' if compressed else 'NO'}",
        wagtail_line,
        "",
        "The archive's ratios are to its own bytes as a static file (the row marked ceiling"
        " of the archive); every other ratio is to the issue page's bytes.",
        "",
        "| target | requests/s | to ceiling | p50 (ms) | p99 (ms) |",
        "| --- | --- | --- | --- | --- |",
        *rows,
        "",
        "Each page on a cold miss: page cache off, catalogue not yet read"
        " (Django test client, same database):",
        "",
        "| page | SQL queries | HTML (KB) |",
        "| --- | --- | --- |",
        *fact_rows,
    ]
    output = ROOT / "bench" / "results.md"
    output.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
