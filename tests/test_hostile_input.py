"""Hostile text in every field an editor fills reaches no output as live markup.

One issue carries an attack in each of its fields; it is approved, and then
every page, feed and file that shows it is read back and searched for
anything a browser would run.
"""

import datetime
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from issues import workflow
from issues.models import Entry, Issue, Section, ShareLink
from tests.factories import make_user

SCRIPT = "<script>alert('x')</script>"
PAYLOADS = {
    "headline": f"标题{SCRIPT}",
    "preamble": f"> 导读 {SCRIPT} <img src=x onerror=alert(1)> [点我](javascript:alert(1))",
    "section_title": f"栏目{SCRIPT}",
    "note": '<iframe src="https://evil.example"></iframe><a href="data:text/html,x">注</a>',
    "label": f"2601.{SCRIPT}",
    "title": f"**标题** <svg onload=alert(1)> {SCRIPT} [x](javascript:alert(1))",
    "source": f"来源{SCRIPT}",
    "url": 'https://example.com/"><script>alert(1)</script>',
    "extra_links": '[[原文]](javascript:alert(1)) <a href="JaVaScRiPt:alert(1)">x</a>',
    "metadata": "代码：<script>alert(1)</script>\n项目：[x](javascript:alert(1))",
    "summary": f'摘要 {SCRIPT} <p style="position:fixed" onclick="alert(1)">盖住页面</p>',
}


class ActiveContent(HTMLParser):
    """Collects whatever in an HTML document a browser would execute.

    ``strict`` (reader pages, which have no script, svg or inline style of
    their own) also reports those elements; otherwise only what cannot be
    the page's own (event handlers, script URLs, frames, inline scripts).
    """

    def __init__(self, strict):
        super().__init__()
        self.strict = strict
        self.found = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        if tag in {"iframe", "object", "embed"}:
            self.found.append(f"<{tag}>")
        if self.strict and tag in {"script", "svg"}:
            self.found.append(f"<{tag}>")
        self._in_script = tag == "script"
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag} {name}=")
            if self.strict and name == "style":
                self.found.append(f"{tag} style=")
            if name in {"href", "src", "action", "formaction"} and value:
                scheme = "".join(value.split()).lower()
                # The admin's own buttons are "javascript:void(0)" links.
                from_content = self.strict or "alert" in scheme or scheme.startswith("data:")
                if scheme.startswith(("javascript:", "data:", "vbscript:")) and from_content:
                    self.found.append(f"{tag} {name}={value[:30]}")

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script and "alert(" in data:
            self.found.append("inline script from content")


def active_content(html: str, *, strict=True) -> list[str]:
    parser = ActiveContent(strict)
    parser.feed(html)
    return parser.found


@pytest.fixture
def hostile_issue(db):
    editor = make_user("editor", groups=["editor"])
    reviewer = make_user("reviewer", groups=["reviewer"])
    issue = Issue.objects.create(
        publication_date=datetime.date(2026, 6, 1),
        headline=PAYLOADS["headline"],
        preamble=PAYLOADS["preamble"],
        created_by=editor,
        updated_by=editor,
    )
    section = Section.objects.create(
        issue=issue, title=PAYLOADS["section_title"], note=PAYLOADS["note"], position=0
    )
    Entry.objects.create(
        section=section,
        position=0,
        label=PAYLOADS["label"],
        title=PAYLOADS["title"],
        source=PAYLOADS["source"],
        url=PAYLOADS["url"],
        extra_links=PAYLOADS["extra_links"],
        metadata=PAYLOADS["metadata"],
        summary=PAYLOADS["summary"],
    )
    workflow.record_save(issue, editor)
    workflow.submit_for_review(issue, editor)
    workflow.approve(issue, reviewer)
    return issue


def reader_urls(issue):
    date = issue.publication_date.isoformat()
    return [
        reverse("issues:home"),
        reverse("issues:detail", args=[date]),
        reverse("issues:archive"),
        reverse("issues:search") + "?q=标题",
        reverse("issues:search") + "?q=" + "<script>alert(1)</script>",
        reverse("issues:source", args=[PAYLOADS["source"]]),
    ]


def test_reader_pages_carry_no_active_content(client, hostile_issue):
    for url in reader_urls(hostile_issue):
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK, url
        assert active_content(response.content.decode()) == [], url


def test_the_hostile_text_is_shown_as_text(client, hostile_issue):
    html = client.get(hostile_issue.get_absolute_url()).content.decode()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "盖住页面" in html


HTML_ELEMENTS = {"description", "{http://www.w3.org/2005/Atom}summary"}


@pytest.mark.parametrize("name", ["issues:feed", "issues:feed-atom"])
def test_feeds_carry_no_active_content(client, hostile_issue, name):
    response = client.get(reverse(name))
    assert response.status_code == HTTPStatus.OK
    root = ET.fromstring(response.content)  # well-formed whatever the titles held
    bodies = [element.text for element in root.iter() if element.tag in HTML_ELEMENTS]
    assert bodies and all(bodies)
    for body in bodies:
        assert active_content(body) == []


def test_markdown_download_is_never_sniffed_as_html(client, hostile_issue):
    response = client.get(
        reverse("issues:markdown", args=[hostile_issue.publication_date.isoformat()])
    )
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment")


def test_staff_pages_carry_no_injected_content(client, hostile_issue):
    reviewer = hostile_issue.events.get(action="approve").actor
    client.force_login(reviewer)
    link = ShareLink.objects.create(
        issue=hostile_issue, expires_at=timezone.now() + datetime.timedelta(days=1)
    )
    pk = hostile_issue.pk
    urls = [
        reverse("issues:preview", args=[hostile_issue.publication_date.isoformat()]),
        link.get_absolute_url(),
        reverse("admin:issues_issue_changelist"),
        reverse("admin:issues_issue_change", args=[pk]),
        reverse("admin:issues_issue_review", args=[pk]),
        reverse("admin:issues_issue_history", args=[pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK, url
        assert active_content(response.content.decode(), strict=False) == [], url
        assert SCRIPT not in response.content.decode(), url
