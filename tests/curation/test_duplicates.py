"""Duplicate warnings over the whole archive and the inbox: a warning, never a block."""

import datetime
from http import HTTPStatus

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from curation import services
from curation.duplicates import appearances
from curation.models import InboxItem
from issues.models import Entry, PublicEntry, Section
from tests.factories import make_issue, publish


@pytest.fixture
def past_issue(editor):
    issue = make_issue(datetime.date(2024, 3, 1), user=editor, sections=(("论文", 0),))
    Entry.objects.create(
        section=issue.sections.get(),
        position=0,
        title="端侧量化新方法",
        url="https://arxiv.org/abs/2401.01234v2",
    )
    return issue


def test_a_link_from_a_past_issue_is_found_in_any_of_its_forms(past_issue):
    (found,) = appearances("http://arxiv.org/pdf/2401.01234.pdf")
    assert found.kind == "entry"
    assert found.title == "端侧量化新方法"
    assert found.where == "2024-03-01 · 论文"
    assert found.link == reverse("admin:issues_issue_change", args=[past_issue.pk])


def test_an_entry_is_not_its_own_duplicate(past_issue):
    entry = Entry.objects.get()
    assert appearances(entry.url, exclude_entry=entry.pk) == []


def test_a_link_only_in_a_published_revision_is_found(editor, past_issue):
    publish(past_issue)
    Entry.objects.all().delete()  # the working copy dropped it since
    (found,) = appearances("https://arxiv.org/abs/2401.01234")
    assert found.kind == "published"
    assert found.link == PublicEntry.objects.get().get_absolute_url()


def test_links_in_the_inbox_are_found_with_who_collected_them(editor):
    item = services.collect(editor, url="https://example.com/npu?utm_source=x", title="NPU")
    (found,) = appearances("https://www.example.com/npu/")
    assert (found.kind, found.title) == ("inbox", "NPU")
    assert "editor" in found.where
    assert appearances(item.url, exclude_item=item.pk) == []


def test_an_entry_is_not_warned_about_the_inbox_item_it_came_from(editor, past_issue):
    item = services.collect(editor, url="https://example.com/new", title="新")
    (entry,) = services.pull_into_section([item], Section.objects.get(), editor)
    assert appearances(entry.url, exclude_entry=entry.pk) == []
    assert [a.kind for a in appearances(entry.url)] == ["entry", "inbox"]


def test_a_new_link_has_no_appearances(past_issue):
    assert appearances("https://example.com/never-seen") == []
    assert appearances("not a link") == []


def test_the_lookup_costs_the_same_few_queries_however_many_entries(editor, past_issue):
    with CaptureQueriesContext(connection) as queries:
        appearances("https://arxiv.org/abs/2401.01234")
    assert len(queries) <= 4  # entries, published entries (with live revisions), inbox


@pytest.mark.skipif(connection.vendor != "postgresql", reason="query plans are PostgreSQL's")
def test_the_lookup_uses_the_index(past_issue):
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT id FROM issues_entry WHERE normalized_url = %s", ["arxiv.org/abs/1"]
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
    assert "entry_normalized_url_idx" in plan


def test_the_endpoint_answers_staff_with_where_the_link_appeared(client, editor, past_issue):
    client.force_login(editor)
    response = client.get(
        reverse("curation:duplicates"), {"url": "https://arxiv.org/abs/2401.01234"}
    )
    assert response.status_code == HTTPStatus.OK
    (found,) = response.json()["appearances"]
    assert found["where"] == "2024-03-01 · 论文"
    assert found["link"] == reverse("admin:issues_issue_change", args=[past_issue.pk])


def test_the_endpoint_is_closed_to_everyone_else(client, outsider, past_issue):
    url = reverse("curation:duplicates") + "?url=https://arxiv.org/abs/2401.01234"
    assert client.get(url).status_code == HTTPStatus.FORBIDDEN
    client.force_login(outsider)
    assert client.get(url).status_code == HTTPStatus.FORBIDDEN


def test_keys_follow_the_link_on_every_kind_of_save(editor):
    issue = make_issue(user=editor, sections=(("论文", 1),))
    entry = Entry.objects.get()
    assert entry.normalized_url == entry.url.removeprefix("https://")
    entry.url = "https://arxiv.org/pdf/2401.99999v1.pdf"
    entry.save(update_fields=["url"])
    entry.refresh_from_db()
    assert entry.normalized_url == "arxiv.org/abs/2401.99999"
    Entry.objects.bulk_create(
        [
            Entry(
                section=entry.section, position=5, title="批量", url="https://www.example.com/bulk/"
            )
        ]
    )
    assert Entry.objects.get(title="批量").normalized_url == "example.com/bulk"
    publish(issue)
    assert set(PublicEntry.objects.values_list("normalized_url", flat=True)) == {
        "arxiv.org/abs/2401.99999",
        "example.com/bulk",
    }
    item = InboxItem(url="https://example.com/a/")
    item.save()
    item.url = "https://example.com/b"
    item.save(update_fields=["url"])
    item.refresh_from_db()
    assert item.normalized_url == "example.com/b"


def test_find_duplicates_lists_every_repeated_link_with_where_it_appeared(editor, past_issue):
    later = make_issue(datetime.date(2024, 6, 1), user=editor, sections=(("业界新闻", 0),))
    section = later.sections.get()
    Entry.objects.create(
        section=section, position=0, title="同一篇", url="https://arxiv.org/pdf/2401.01234"
    )
    Entry.objects.create(
        section=section, position=1, title="独一份", url="https://example.com/only"
    )
    services.collect(editor, url="https://example.com/only/", title="收集的")
    out = _run("find_duplicates")
    assert "arxiv.org/abs/2401.01234  (2×)" in out
    assert "2024-03-01 · 论文 · 端侧量化新方法" in out
    assert "2024-06-01 · 业界新闻 · 同一篇" in out
    assert "example.com/only" not in out
    assert "1 个链接重复出现" in out
    with_inbox = _run("find_duplicates", "--inbox")
    assert "example.com/only  (2×)" in with_inbox


def _run(*args):
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()
