"""Probe /readyz during .ci/stress, then judge the run.

python .ci/stress_check.py probe PORT OUT SECONDS
    GET /readyz every 0.1 s for SECONDS, one "epoch status" line per probe.
python .ci/stress_check.py check TMP
    Reads TMP/{phases.json, gunicorn.log, admin.log, readyz.log, wrk-*.txt},
    checks the database (Django settings from the environment), prints the
    figures and exits non-zero on any failed assertion.
"""

import http.client
import json
import os
import re
import sys
import threading
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "digest.settings")


def probe(port, out_path, seconds):
    """A new probe every 0.1 s, not waiting for the previous one: under load an
    answer can take a second, and the probes must still sample every 0.1 s."""
    out = open(out_path, "a")  # noqa: SIM115 - shared by the probe threads
    lock = threading.Lock()

    def one():
        started = time.time()
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            connection.request("GET", "/readyz", headers={"Host": "localhost"})
            status = connection.getresponse().status
            connection.close()
        except OSError:
            status = 0
        with lock:
            out.write(f"{started:.3f} {time.time():.3f} {status}\n")
            out.flush()

    deadline = time.time() + seconds
    while time.time() < deadline:
        if threading.active_count() < 50:
            threading.Thread(target=one, daemon=True).start()
        time.sleep(0.1)


FAILURES = []
IN_FLIGHT = 0.5


def check(condition, message):
    print(f"  {'ok' if condition else 'FAIL'}: {message}")
    if not condition:
        FAILURES.append(message)


def wrk_figures(path):
    text = Path(path).read_text()
    figures = {
        "requests": int(re.search(r"(\d+) requests in", text).group(1)),
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)),
        "non_2xx": int((re.search(r"Non-2xx or 3xx responses: (\d+)", text) or [0, 0])[1]),
        "socket_errors": sum(
            int(n)
            for n in (re.search(r"Socket errors: (.*)", text) or [None, ""])[1].split(",")
            for n in re.findall(r"\d+", n)
        ),
    }
    for name in ("50%", "99%"):
        match = re.search(rf"^\s+{re.escape(name)}\s+([\d.]+)(us|ms|s)", text, re.M)
        value, unit = float(match.group(1)), match.group(2)
        figures[f"p{name[:-1]}_ms"] = value * {"us": 0.001, "ms": 1, "s": 1000}[unit]
    return figures


def access_lines(path):
    for line in Path(path).read_text(errors="replace").splitlines():
        if '"gunicorn.access"' not in line:
            continue
        try:
            record = json.loads(line)
        except ValueError:
            continue
        record["epoch"] = datetime.fromisoformat(record["time"]).timestamp()
        yield record


def judge(tmp):
    tmp = Path(tmp)
    phases = json.loads((tmp / "phases.json").read_text())
    # From the stop command until the database accepts connections again, plus
    # IN_FLIGHT for the answers to requests that failed just before that.
    outage = [phases["outage"][0], phases["outage"][1] + IN_FLIGHT]
    in_outage = lambda t: outage[0] <= t <= outage[1]  # noqa: E731

    print("\n-- public pages under load (wrk)")
    figures = {name: wrk_figures(tmp / f"wrk-{name}.txt") for name in ("steady", "outage")}
    for name, f in figures.items():
        print(
            f"  {name}: {f['requests']} requests, {f['rps']:.0f}/s, p50 {f['p50_ms']:.1f} ms, "
            f"p99 {f['p99_ms']:.1f} ms, non-2xx {f['non_2xx']}, socket errors {f['socket_errors']}"
        )
    check(figures["steady"]["non_2xx"] == 0, "steady load: no non-2xx response")
    check(figures["steady"]["socket_errors"] == 0, "steady load: no socket error or timeout")

    public = [
        r
        for r in access_lines(tmp / "gunicorn.log")
        if not r["path"].startswith(("/admin/", "/readyz"))
    ]
    bad_outside = [r for r in public if not 200 <= r["status"] < 300 and not in_outage(r["epoch"])]
    bad_inside = [r for r in public if not 200 <= r["status"] < 300 and in_outage(r["epoch"])]
    check(
        not bad_outside,
        f"{len(public)} public responses logged; non-2xx outside the outage: {len(bad_outside)}",
    )
    for record in bad_outside[:5]:
        print(f"    {record['time']} {record['status']} {record['path']}")
    down_for = phases["outage"][1] - phases["outage"][0]
    print(f"  database down {down_for:.1f} s: {len(bad_inside)} non-2xx public responses meanwhile")
    check(
        figures["outage"]["socket_errors"] == 0,
        "outage run: no socket error or timeout (errors were answered)",
    )

    print("\n-- /readyz (each probe at the time it was answered)")
    probes = [line.split() for line in (tmp / "readyz.log").read_text().splitlines() if line]
    probes = sorted((float(end), int(status)) for _start, end, status in probes)
    stopped, back = phases["outage"]
    before = [s for t, s in probes if t < stopped]
    check(
        before and all(s == 200 for s in before),
        f"200 before the outage ({len(before)} probes: {sorted(Counter(before).items())})",
    )
    first_503 = next((t for t, s in probes if t >= stopped and s == 503), None)
    check(
        first_503 is not None and first_503 - stopped <= 1.0,
        "503 within a second of the database stopping"
        f" ({'never' if first_503 is None else f'{first_503 - stopped:.2f} s'})",
    )
    down = [s for t, s in probes if stopped + 1.0 <= t <= phases["restarting"]]
    check(
        down and all(s == 503 for s in down),
        f"503 until it is started again ({len(down)} probes: {sorted(Counter(down).items())})",
    )
    after_back = [(t, s) for t, s in probes if t > back]
    first_200 = next((t for t, s in after_back if s == 200), None)
    check(
        first_200 is not None and all(s == 200 for t, s in after_back if t >= first_200),
        "200 again once the database is back, and from then on"
        f" ({'never' if first_200 is None else f'{first_200 - back:+.2f} s from pg_isready'})",
    )

    print("\n-- editors and reviewers through the admin")
    admin = [json.loads(line) for line in (tmp / "admin.log").read_text().splitlines()]
    requests = [e for e in admin if "method" in e]
    events = [e for e in admin if "event" in e]
    failed_outside = [
        e
        for e in requests
        if (e["status"] is None or e["status"] >= 500) and not in_outage(e["end"])
    ]
    check(
        not failed_outside,
        f"{len(requests)} admin requests; errors outside the outage: {len(failed_outside)}",
    )
    for entry in failed_outside[:5]:
        print(f"    {entry}")
    for kind in ("save", "submit", "approve"):
        done = [e for e in events if e["event"] == kind and e["acknowledged"]]
        print(
            f"  {kind}: {len(done)} acknowledged of {sum(e['event'] == kind for e in events)} tried"
        )
    reads = [e for e in events if e["event"] == "read" and not in_outage(e["at"])]
    stale = [e for e in reads if e["status"] == 200 and not e["fresh"]]
    check(
        reads and not stale,
        f"{len(reads)} public reads right after an approval; old pages among them: {len(stale)}",
    )
    log_lines = (tmp / "gunicorn.log").read_text(errors="replace").splitlines()
    unconfirmed = [line for line in log_lines if "did not confirm" in line or "listener" in line]
    print(f"  generation pushes some process did not confirm: {len(unconfirmed)}")
    for line in unconfirmed[:3]:
        print(f"    {line[:300]}")
    if unconfirmed:
        first = log_lines.index(unconfirmed[0])
        for line in log_lines[max(0, first - 4000) : first + 50]:
            if '"gunicorn.access"' not in line:
                print(f"    | {line[:300]}")
    for entry in stale[:5]:
        reader = [e for e in admin if e.get("who") == "reader" and e["end"] <= entry["at"]][-1:]
        print(f"    {entry} outage {outage} request {reader}")
    steady_saves = [
        e
        for e in events
        if e["event"] == "save" and e["acknowledged"] and e["at"] < phases["outage_run_started"]
    ]
    check(len(steady_saves) >= 3, f"{len(steady_saves)} saves acknowledged under steady load")

    print("\n-- the database afterwards")
    import django

    django.setup()
    from issues.models import Issue, IssueEvent

    saves = [e for e in events if e["event"] == "save"]
    acknowledged = [e for e in saves if e["acknowledged"]]
    missing, partial = [], []
    for issue_id in {e["issue"] for e in saves}:
        issue = Issue.objects.get(pk=issue_id)
        expected = phases["entries"][str(issue_id)]
        entries = sum(section.entries.count() for section in issue.sections.all())
        if entries != expected:
            partial.append(
                f"issue {issue_id}: {entries} entries in the working copy, expected {expected}"
            )
        texts = {}
        for revision in issue.revisions.all():
            texts[revision.pk] = json.dumps(revision.data, ensure_ascii=False)
            held = sum(len(s.get("entries", [])) for s in revision.data.get("sections", []))
            if held != expected:
                partial.append(f"revision {revision.pk} holds {held} entries, expected {expected}")
        for save in (e for e in acknowledged if e["issue"] == issue_id):
            if not any(save["marker"] in text for text in texts.values()):
                missing.append(save["marker"])
        tried = {e["marker"] for e in saves if e["issue"] == issue_id}
        if issue.headline not in tried:
            partial.append(f"issue {issue_id}: headline {issue.headline!r} was never saved")
    check(
        not missing,
        f"every acknowledged save ({len(acknowledged)}) is in a revision; missing: {missing[:5]}",
    )
    check(not partial, f"no partial write{': ' + '; '.join(partial[:5]) if partial else ''}")
    approvals = IssueEvent.objects.filter(
        action__in=["approve", "schedule"], issue_id__in=phases["issues"]
    ).count()
    acknowledged_approvals = sum(e["event"] == "approve" and e["acknowledged"] for e in events)
    check(
        approvals >= acknowledged_approvals,
        f"{approvals} approvals recorded, {acknowledged_approvals} acknowledged",
    )

    summary = {
        "wrk": figures,
        "admin_requests": len(requests),
        "saves": len(acknowledged),
        "outage": outage,
    }
    (tmp / "summary.json").write_text(json.dumps(summary, indent=2))
    if FAILURES:
        print(f"\n{len(FAILURES)} check(s) failed", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    if sys.argv[1] == "probe":
        probe(int(sys.argv[2]), sys.argv[3], float(sys.argv[4]))
    else:
        judge(sys.argv[2])
