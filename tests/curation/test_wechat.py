"""The WeChat copy: inline styles only, absolute and visible links, hostile text inert."""

import re
from html.parser import HTMLParser
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from issues.documents import document_from_issue
from issues.models import Entry, Issue
from issues.rendering import render_wechat_issue
from tests.factories import make_issue
from tests.test_hostile_input import (
    PAYLOADS,
    SCRIPT,
    active_content,
    hostile_issue,  # noqa: F401 - a fixture
)

BASE = "https://digest.example.org/"


class Inventory(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.attributes, self.links, self.text = set(), set(), [], []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        for name, value in attrs:
            self.attributes.add(name)
            if name in {"href", "src"}:
                self.links.append(value)

    def handle_data(self, data):
        self.text.append(data)


def inventory(html):
    parser = Inventory()
    parser.feed(str(html))
    return parser


@pytest.fixture
def issue(editor):
    issue = make_issue(
        user=editor,
        preamble="> 导读：本期{{条目数}}条。见[上期](/issues/2024-01-01/)和![图](/media/a.png)",
        sections=(("业界新闻", 2), ("论文", 1)),
    )
    entry = Entry.objects.filter(section__issue=issue).first()
    entry.extra_links = "[[原文]](https://example.org/original)"
    entry.metadata = "代码：https://github.com/example/tiny"
    entry.label = "2401.01234"
    entry.save()
    return issue


def test_the_wechat_copy_has_inline_styles_only_and_absolute_links(issue):
    html = render_wechat_issue(document_from_issue(issue), base_url=BASE)
    found = inventory(html)
    assert "style" not in found.tags  # no <style> block
    assert "class" not in found.attributes and "id" not in found.attributes
    assert "style" in found.attributes
    assert found.links and all(re.match(r"https?://", link) for link in found.links), found.links
    assert "https://digest.example.org/issues/2024-01-01/" in found.links
    assert "https://digest.example.org/media/a.png" in found.links


def test_every_link_is_also_shown_as_text(issue):
    html = render_wechat_issue(document_from_issue(issue), base_url=BASE)
    text = "".join(inventory(html).text)
    for entry in Entry.objects.filter(section__issue=issue):
        assert entry.url in text
    assert "https://example.org/original" in text
    assert "https://digest.example.org/issues/2024-01-01/" in text


def test_the_lead_shows_the_current_number_of_entries(issue):
    html = str(render_wechat_issue(document_from_issue(issue), base_url=BASE))
    assert "本期3条" in html
    Entry.objects.filter(section__issue=issue).last().delete()
    html = str(render_wechat_issue(document_from_issue(issue), base_url=BASE))
    assert "本期2条" in html and "条目数" not in html


def test_every_hostile_payload_stays_inert(hostile_issue):  # noqa: F811
    html = str(render_wechat_issue(document_from_issue(hostile_issue), base_url=BASE))
    assert active_content(html, strict=False) == []
    found = inventory(html)
    assert not found.tags & {"script", "svg", "iframe", "object", "embed", "style"}
    assert not {name for name in found.attributes if name.startswith("on")}
    assert all(re.match(r"https?://", link) for link in found.links), found.links
    assert SCRIPT not in html
    # Shown as text, not dropped: the editor sees what was written.
    assert "标题&lt;script&gt;alert('x')&lt;/script&gt;" in html
    assert "盖住页面" in html
    assert 'style="position:fixed' not in html
    assert PAYLOADS["url"] not in html  # the quote in the hostile link is escaped


def test_the_wechat_page_offers_both_copies_to_staff(client, editor, issue):
    client.force_login(editor)
    response = client.get(reverse("curation:wechat", args=[issue.pk]))
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert 'data-copy="rich"' in page and 'data-copy="text"' in page
    assert "<script>" not in page.split("</head>")[1]  # no inline script under the CSP
    markdown = response.context["house_markdown"]
    assert f"# 嵌入式AI简报 ({issue.publication_date:%Y-%m-%d})" in markdown
    assert "本期3条" in markdown
    assert "- [2401.01234] [" in markdown


def test_the_wechat_page_is_staff_only(client, outsider, issue):
    url = reverse("curation:wechat", args=[issue.pk])
    assert client.get(url).status_code == HTTPStatus.FOUND  # to the login page
    client.force_login(outsider)
    assert client.get(url).status_code == HTTPStatus.FORBIDDEN


def test_the_reader_page_expands_the_entry_count_too(editor):
    from tests.factories import publish

    issue = make_issue(user=editor, preamble="导读：本期{{条目数}}条。", sections=(("论文", 4),))
    publish(issue)
    html = Client().get(issue.get_absolute_url()).content.decode()
    assert "本期4条" in html
    assert Issue.objects.published().filter(pk=issue.pk).exists()


def test_the_markdown_download_and_meta_description_show_the_number_too(editor):
    from tests.factories import publish

    issue = make_issue(user=editor, preamble="导读：本期{{条目数}}条。", sections=(("论文", 2),))
    publish(issue)
    client = Client()
    page = client.get(issue.get_absolute_url()).content.decode()
    assert '<meta name="description" content="导读：本期2条。">' in page
    markdown = client.get(
        reverse("issues:markdown", args=[issue.publication_date.isoformat()])
    ).content.decode()
    assert "导读：本期2条。" in markdown and "条目数" not in markdown
