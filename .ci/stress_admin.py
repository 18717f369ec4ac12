"""Drive the admin as an editor and a reviewer would, for .ci/stress.

    python .ci/stress_admin.py PORT SECONDS LOG ISSUE_ID [ISSUE_ID ...]

Logs in as ``editor`` and ``reviewer`` through the real login form (CSRF
included), then, until SECONDS have passed, for each issue in turn: the editor
changes its headline to a fresh marker and saves the change form (a published
issue then becomes a correction), submits it for review, and the reviewer
approves it. Each form is read from the page and posted back with every field
the page holds, as a browser would, so hidden fields (versions, formset
management forms) need no knowledge here: only URL names and the headline
field do (the constants below). One JSON line per request goes to LOG.

A save or transition is *acknowledged* when the POST answered 302 and the page
it redirects to shows a success message and no error; only acknowledged saves
must be found in the database afterwards (.ci/stress_check.py).
"""

import http.client
import json
import re
import sys
import time
import urllib.parse
import uuid
from html.parser import HTMLParser

HEADERS = {"Host": "localhost", "X-Forwarded-Proto": "https"}
ORIGIN = "https://localhost"
PASSWORD = "digest-demo"
LOGIN = "/admin/login/?next=/admin/"
CHANGE = "/admin/issues/issue/{id}/change/"
TRANSITION_SUFFIX = "/workflow/{action}/"  # admin:issues_issue_transition
MARKER_FIELD = "headline"


class Forms(HTMLParser):
    """Every <form> on a page: its action and the fields a browser would send."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self._form, self._textarea, self._select = [], None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"action": a.get("action", ""), "id": a.get("id", ""), "fields": []}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind in {"submit", "button", "image", "file", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            self._form["fields"].append(
                [a["name"], a.get("value", "on" if kind == "checkbox" else "")]
            )
        elif tag == "textarea" and a.get("name"):
            self._textarea = [a["name"], ""]
            self._form["fields"].append(self._textarea)
        elif tag == "select" and a.get("name"):
            self._select = {"name": a["name"], "first": None, "chosen": None}
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in a:
                self._select["chosen"] = value

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select is not None and self._form is not None:
            value = (
                self._select["chosen"]
                if self._select["chosen"] is not None
                else self._select["first"]
            )
            if value is not None:
                self._form["fields"].append([self._select["name"], value])
            self._select = None
        elif tag == "form":
            self._form = None


def forms_of(page):
    parser = Forms()
    parser.feed(page)
    return parser.forms


class Browser:
    """One person's cookies over plain HTTP to gunicorn, as the TLS proxy would forward."""

    def __init__(self, port, log, who):
        self.port, self.log, self.who, self.cookies = port, log, who, {}

    def request(self, method, path, fields=None, referer=None):
        headers = dict(HEADERS)
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if fields is not None:
            body = urllib.parse.urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = ORIGIN
            headers["Referer"] = ORIGIN + (referer or path)
        started = time.time()
        entry = {"who": self.who, "method": method, "path": path, "start": started}
        try:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=15)
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            connection.close()
        except OSError as error:
            entry.update(end=time.time(), status=None, error=repr(error))
            self.log(entry)
            return None, None, ""
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        entry.update(end=time.time(), status=response.status)
        self.log(entry)
        return response.status, response.getheader("Location"), text

    def login(self, username, deadline):
        """Log in through the form; retried (the database may be down) until deadline."""
        while time.time() < deadline:
            status, _, page = self.request("GET", LOGIN)
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page or "")
            if status == 200 and token:
                fields = {"csrfmiddlewaretoken": token.group(1), "username": username}
                fields.update(password=PASSWORD, next="/admin/")
                status, location, _ = self.request("POST", LOGIN, fields)
                if status == 302 and location == "/admin/":
                    return True
            time.sleep(0.5)
        return False

    def field_value(self, page_path, name):
        status, _, page = self.request("GET", page_path)
        for form in forms_of(page if status == 200 else ""):
            for field, value in form["fields"]:
                if field == name:
                    return value
        return None

    def post_form(self, page_path, form_id=None, action_suffix=None, changes=None, extra=()):
        """GET page_path, fill the chosen form and POST it; True when acknowledged."""
        status, _, page = self.request("GET", page_path)
        if status != 200:
            return False
        for form in forms_of(page):
            if (form_id and form["id"] == form_id) or (
                action_suffix and form["action"].endswith(action_suffix)
            ):
                break
        else:
            return False
        changes = changes or {}
        fields = [(name, changes.get(name, value)) for name, value in form["fields"]]
        target = urllib.parse.urljoin(page_path, form["action"]) or page_path
        status, location, _ = self.request(
            "POST", target, fields + [tuple(pair) for pair in extra], referer=page_path
        )
        if status != 302 or not location:
            return False
        status, _, landing = self.request("GET", urllib.parse.urlsplit(location).path)
        return status == 200 and 'class="success"' in landing and 'class="error"' not in landing


def read_after_approval(reader, reviewer, change, marker, log):
    """A reader who asks right after the approval: the cached page must be gone."""
    # The admin shows the date in its own format (2031/01/05). The database may
    # have gone down right after the approval: then there is no date to read
    # and no read to judge.
    shown = reviewer.field_value(change, "publication_date")
    if shown is None:
        log({"event": "read skipped", "page": change, "at": time.time()})
        return
    year, month, day = re.findall(r"\d+", shown)
    status, _, page = reader.request("GET", f"/issues/{year}-{month}-{day}/")
    log({"event": "read", "status": status, "fresh": marker in page, "at": time.time()})


def main():
    port, seconds, log_path = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
    issue_ids = [int(arg) for arg in sys.argv[4:]]
    out = open(log_path, "a", encoding="utf-8")  # noqa: SIM115 - open for the whole run

    def log(entry):
        out.write(json.dumps(entry, ensure_ascii=False) + "\n")
        out.flush()

    deadline = time.time() + seconds
    editor, reviewer = Browser(port, log, "editor"), Browser(port, log, "reviewer")
    if not (editor.login("editor", deadline) and reviewer.login("reviewer", deadline)):
        raise SystemExit("could not log in as editor and reviewer")
    while time.time() < deadline:
        for issue_id in issue_ids:
            change = CHANGE.format(id=issue_id)
            marker = f"stress {uuid.uuid4().hex[:12]}"
            saved = editor.post_form(
                change,
                form_id="issue_form",
                changes={MARKER_FIELD: marker},
                extra=[["_continue", "1"]],
            )
            log(
                {
                    "event": "save",
                    "issue": issue_id,
                    "marker": marker,
                    "acknowledged": saved,
                    "at": time.time(),
                }
            )
            submitted = editor.post_form(
                change, action_suffix=TRANSITION_SUFFIX.format(action="submit")
            )
            log(
                {"event": "submit", "issue": issue_id, "acknowledged": submitted, "at": time.time()}
            )
            approved = reviewer.post_form(
                change, action_suffix=TRANSITION_SUFFIX.format(action="approve")
            )
            log(
                {"event": "approve", "issue": issue_id, "acknowledged": approved, "at": time.time()}
            )
            if approved:
                read_after_approval(Browser(port, log, "reader"), reviewer, change, marker, log)
            if time.time() >= deadline:
                break
    out.close()


if __name__ == "__main__":
    main()
