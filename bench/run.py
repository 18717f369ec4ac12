"""Benchmarks digest and writes bench/results.md.

    python bench/run.py [FOLDER_OF_LEGACY_FILES]

Runs against a throw-away SQLite database (or DATABASE_URL when set): imports
the legacy files (or the demo issues), then times exports and the public
pages, counting SQL queries per page.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
scratch = tempfile.mkdtemp(prefix="digest-bench-")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{scratch}/bench.sqlite3")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "digest.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from issues.models import Issue, PublicEntry  # noqa: E402

PAGE_RUNS = 30


def timed(function, runs=1):
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append(time.perf_counter() - started)
    return samples


def main():
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "issues" / "demo"
    call_command("migrate", verbosity=0)
    files = sorted(source.glob("*.md"))
    (import_seconds,) = timed(lambda: call_command("import_markdown", str(source), verbosity=0))
    (export_seconds,) = timed(
        lambda: call_command(
            "export_markdown", "--all", "--output-dir", f"{scratch}/export", verbosity=0
        )
    )
    issues = Issue.objects.published().count()
    entries = PublicEntry.objects.published().count()
    latest = Issue.objects.published().latest()
    client = Client(HTTP_HOST="127.0.0.1")
    pages = {
        "home": "/",
        "issue": latest.get_absolute_url(),
        "issue markdown": f"/issues/{latest.publication_date.isoformat()}.md",
        "archive": "/archive/",
        "search (量化)": "/search/?q=量化",
        "search (NPU 芯片)": "/search/?q=NPU+芯片",
        "RSS feed": "/feed/",
        "sitemap": "/sitemap.xml",
    }
    rows = []
    for name, url in pages.items():
        client.get(url)  # warm caches and imports
        # Each request clears the query log when it starts; start from empty too.
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        samples = timed(lambda url=url: client.get(url), PAGE_RUNS)
        rows.append(
            (
                name,
                url,
                response.status_code,
                len(queries),
                len(response.content) / 1024,
                statistics.median(samples) * 1000,
                max(samples) * 1000,
            )
        )

    lines = [
        "# Benchmark results",
        "",
        "Written by `make bench` (`bench/run.py`); numbers from one run on the machine it ran on.",
        "",
        f"- database: {connection.vendor}",
        f"- source: {len(files)} house-format files ({source.name}/)",
        f"- import of all files: **{import_seconds:.2f} s** "
        f"({import_seconds / max(len(files), 1) * 1000:.0f} ms per file)",
        f"- export of all issues: {export_seconds:.2f} s",
        f"- published issues: {issues}, published entries: {entries}",
        "",
        f"Public pages, Django test client, median and max of {PAGE_RUNS} requests:",
        "",
        "| page | URL | status | SQL queries | size (KB) | median (ms) | max (ms) |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    lines += [
        f"| {name} | `{url}` | {status} | {count} | {size:.1f} | {median:.1f} | {peak:.1f} |"
        for name, url, status, count, size, median, peak in rows
    ]
    output = ROOT / "bench" / "results.md"
    output.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
