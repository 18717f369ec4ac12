"""The composer's server side: pasted entries, change marks, page weight, save-then-act."""

import json
import re
from http import HTTPStatus

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from issues.admin.composer import entry_marks, parse_entries
from issues.models import Entry, Status
from tests.factories import make_issue, make_issue_in_state, publish

PASTE_URL = reverse("admin:issues_issue_composer_entries")
FORTY = [("业界新闻", 10), ("论文", 10), ("开源项目", 10), ("博文", 10)]

THREE_ENTRIES = """\
- [2701.00001] [QuickQuant：面向 MCU 的 2 比特量化 | arXiv](https://arxiv.org/abs/2701.00001)
代码：https://github.com/example/quickquant
摘要：在 **Cortex-M** 上训练 2 比特网络。
- [蜂鸟 NPU 发布 | 芯片观察](https://example.com/news/hummingbird) [[原文]](https://example.com/o)
摘要：端侧 7B 模型首字延迟 150ms。
- [开源推理框架 FalconRT](https://example.com/falconrt)
"""


def change_url(issue):
    return reverse("admin:issues_issue_change", args=[issue.pk])


def post_paste(client, text):
    return client.post(PASTE_URL, json.dumps({"text": text}), content_type="application/json")


# --- Paste to add ----------------------------------------------------------------------


def test_pasted_entry_lines_are_split_into_fields_like_the_importer_does():
    entries, error = parse_entries(THREE_ENTRIES)
    assert error == ""
    assert [(e["label"], e["title"], e["source"], e["url"]) for e in entries] == [
        (
            "2701.00001",
            "QuickQuant：面向 MCU 的 2 比特量化",
            "arXiv",
            "https://arxiv.org/abs/2701.00001",
        ),
        ("", "蜂鸟 NPU 发布", "芯片观察", "https://example.com/news/hummingbird"),
        ("", "开源推理框架 FalconRT", "", "https://example.com/falconrt"),
    ]
    assert entries[0]["metadata"] == "代码：https://github.com/example/quickquant"
    assert entries[0]["summary"] == "在 **Cortex-M** 上训练 2 比特网络。"
    assert entries[1]["extra_links"] == "[[原文]](https://example.com/o)"
    assert all(entry["problems"] == [] for entry in entries)


def test_text_before_the_first_entry_line_is_refused_with_a_message():
    entries, error = parse_entries("随便一段话\n- [标题](https://example.com)")
    assert entries == []
    assert "随便一段话" in error


def test_a_pasted_section_heading_is_refused():
    entries, error = parse_entries("## 论文\n- [标题](https://example.com)")
    assert entries == []
    assert "##" in error


def test_a_pasted_entry_the_form_would_refuse_says_why():
    (entry,), error = parse_entries("- [坏链接 | 某处](javascript:alert(1))")
    assert error == ""
    assert len(entry["problems"]) == 1


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300))
def test_any_pasted_text_gets_entries_or_a_message_never_an_exception(text):
    entries, error = parse_entries(text)
    assert isinstance(entries, list)
    assert isinstance(error, str)
    if error:
        assert entries == []


def test_paste_endpoint_parses_for_editors(client, editor):
    client.force_login(editor)
    response = post_paste(client, THREE_ENTRIES)
    assert response.status_code == HTTPStatus.OK
    data = response.json()
    assert data["error"] == ""
    assert [entry["title"] for entry in data["entries"]][2] == "开源推理框架 FalconRT"


def test_paste_endpoint_is_for_editors_only_and_posts_only(client, editor, outsider):
    assert post_paste(client, THREE_ENTRIES).status_code == HTTPStatus.FOUND  # to the login page
    client.force_login(outsider)
    assert post_paste(client, THREE_ENTRIES).status_code == HTTPStatus.FORBIDDEN
    client.force_login(editor)
    assert client.get(PASTE_URL).status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_paste_endpoint_needs_the_csrf_token(editor):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    assert post_paste(client, THREE_ENTRIES).status_code == HTTPStatus.FORBIDDEN


def test_paste_endpoint_refuses_malformed_requests_with_a_message(client, editor):
    client.force_login(editor)
    for body in ("not json", json.dumps({"text": 3}), json.dumps([1])):
        response = client.post(PASTE_URL, body, content_type="application/json")
        assert response.status_code == HTTPStatus.BAD_REQUEST
        assert response.json()["error"]
    response = post_paste(client, "- x\n" * 40_000)
    assert response.status_code == HTTPStatus.BAD_REQUEST


# --- The page ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_forty_entry_page_is_under_150_kb_with_help_texts_once(client, editor):
    issue = make_issue(sections=FORTY, user=editor)
    client.force_login(editor)
    content = client.get(change_url(issue)).content
    assert len(content) <= 150_000, len(content)
    page = content.decode()
    # The entry help texts are shown once, not forty times.
    assert page.count("可选的方括号前缀") == 1
    # No preview markup or markdownx settings per field; no position boxes to type into.
    assert "data-markdownx-urls-path" not in page
    assert not re.search(r'type="number" name="[^"]*-position"', page)


def test_saved_entries_are_folded_and_the_entry_with_an_error_is_open(client, editor):
    issue = make_issue(sections=[("业界新闻", 3)], user=editor)
    client.force_login(editor)
    page = client.get(change_url(issue)).content.decode()
    assert page.count("is-collapsed") == 3
    assert page.count('aria-expanded="false"') == 3


def test_entries_are_marked_new_or_changed_since_the_last_approval(editor):
    issue = make_issue(sections=[("业界新闻", 3)], user=editor)
    assert entry_marks(issue) == {}  # never approved: nothing to compare with
    publish(issue)
    first, second, third = Entry.objects.filter(section__issue=issue).order_by("position")
    second.summary = "改过的摘要"
    second.save()
    third.url = "https://example.com/another"
    third.save()
    assert entry_marks(issue) == {second.pk: "changed", third.pk: "new"}


# --- Save, then act ---------------------------------------------------------------------


def form_data(response):
    from tests.issues.test_admin import form_data as admin_form_data

    return admin_form_data(response)


def test_workflow_action_with_unsaved_edits_saves_them_first(client, editor):
    issue = make_issue_in_state(Status.DRAFT, author=editor, headline="旧标题")
    client.force_login(editor)
    data = form_data(client.get(change_url(issue)))
    data.update(headline="新标题", _continue="1", _then_action="submit")

    response = client.post(change_url(issue), data)

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == change_url(issue)
    issue.refresh_from_db()
    assert (issue.headline, issue.status) == ("新标题", Status.IN_REVIEW)
    assert issue.revisions.first().data["headline"] == "新标题"


def test_workflow_action_after_a_refused_save_does_nothing(client, editor):
    issue = make_issue_in_state(Status.DRAFT, author=editor, headline="旧标题")
    client.force_login(editor)
    data = form_data(client.get(change_url(issue)))
    data.update(headline="新标题", _continue="1", _then_action="submit")
    data["sections-0-entries-0-url"] = "not a link"

    response = client.post(change_url(issue), data)

    assert response.status_code == HTTPStatus.OK  # the form again, with its errors
    issue.refresh_from_db()
    assert (issue.headline, issue.status) == ("旧标题", Status.DRAFT)


def test_workflow_action_the_user_may_not_take_is_reported_after_saving(client, editor):
    issue = make_issue_in_state(Status.DRAFT, author=editor, headline="旧标题")
    client.force_login(editor)
    data = form_data(client.get(change_url(issue)))
    data.update(headline="新标题", _continue="1", _then_action="approve")

    response = client.post(change_url(issue), data, follow=True)

    issue.refresh_from_db()
    assert (issue.headline, issue.status) == ("新标题", Status.DRAFT)
    saved, refused = (str(m) for m in response.context["messages"])
    assert "成功修改" in saved
    assert "批准发布" in refused


def test_an_entry_moved_to_another_section_is_saved_there_in_its_place(client, editor):
    issue = make_issue(sections=[("业界新闻", 3), ("论文", 2)], user=editor)
    client.force_login(editor)
    data = form_data(client.get(change_url(issue)))
    news, papers = issue.sections.all()
    moved = news.entries.get(position=1)
    # What the page posts after moving news entry 2 to the end of the papers,
    # as nested-admin renames it: positions follow the new order in both sections.
    old = "sections-0-entries-1-"
    new = "sections-1-entries-2-"
    for key in [key for key in data if key.startswith(old)]:
        data[new + key.removeprefix(old)] = data.pop(key)
    for key in [key for key in data if key.startswith("sections-0-entries-2-")]:
        data["sections-0-entries-1-" + key.removeprefix("sections-0-entries-2-")] = data.pop(key)
    data["sections-0-entries-1-position"] = 1
    data[new + "position"] = 2
    data[new + "section"] = papers.pk
    data["sections-0-entries-TOTAL_FORMS"] = data["sections-0-entries-INITIAL_FORMS"] = 2
    data["sections-1-entries-TOTAL_FORMS"] = data["sections-1-entries-INITIAL_FORMS"] = 3

    response = client.post(change_url(issue), data)

    assert response.status_code == HTTPStatus.FOUND, response.context["errors"]
    moved.refresh_from_db()
    assert (moved.section, moved.position) == (papers, 2)
    assert list(news.entries.values_list("position", flat=True)) == [0, 1]
    assert Entry.objects.filter(section__issue=issue).count() == 5


def test_an_issue_in_review_shows_its_entries_folded_read_only_with_their_titles(
    client, editor, reviewer
):
    issue = make_issue_in_state(Status.IN_REVIEW, author=editor, sections=[("业界新闻", 2)])
    client.force_login(reviewer)
    page = client.get(change_url(issue)).content.decode()
    assert page.count("is-collapsed") == 2
    for entry in Entry.objects.filter(section__issue=issue):
        assert f'<span class="c-title">{entry.title}</span>' in page
    assert 'name="sections-0-entries-0-title"' not in page  # nothing to type into


def test_composer_settings_cannot_close_their_script_element(monkeypatch):
    from issues.admin import composer

    hostile = {"text": {"paste": "</script><script>alert(1)</script> & 中文"}}
    monkeypatch.setattr(composer, "composer_config", lambda issue: hostile)
    text = str(composer.config_json(None))
    assert "<" not in text and ">" not in text and "&" not in text
    assert "中文" in text  # not escaped to \\u sequences: half the bytes
    assert json.loads(text) == hostile


def test_counted_texts_reach_the_script_with_their_english_plurals(editor):
    from django.utils import translation

    from issues.admin.composer import composer_config

    issue = make_issue(user=editor)
    with translation.override("en"):
        text = composer_config(issue)["text"]
    assert text["entries"] == {"one": "%(count)s entry", "other": "%(count)s entries"}
    assert text["pasteAdd"]["one"] == "Add %(count)s entry"
    assert text["empty"] == "(empty)"
    with translation.override("zh-hans"):
        assert composer_config(issue)["text"]["entries"] == {
            "one": "%(count)s 条",
            "other": "%(count)s 条",
        }
