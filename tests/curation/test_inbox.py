"""The inbox life cycle: collect, find, pull into an issue (remembering where), archive."""

from http import HTTPStatus

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from curation import services
from curation.models import InboxItem
from issues.models import Entry, IssueEvent, Revision, Status
from tests.factories import make_issue


@pytest.fixture
def draft(editor):
    return make_issue(user=editor, sections=(("业界新闻", 1), ("论文", 0)))


def collect(user, url, **fields):
    return services.collect(user, url=url, **fields)


def test_collecting_a_link_records_who_and_its_key(editor):
    item = collect(editor, "https://WWW.example.com/chip/?utm_source=feed", title="新芯片")
    assert item.status == InboxItem.State.NEW
    assert item.created_by == editor
    assert item.normalized_url == "example.com/chip"


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.com/", "not a link", ""])
def test_collecting_something_that_is_not_a_web_link_is_refused(editor, url):
    with pytest.raises(ValidationError):
        collect(editor, url)
    assert not InboxItem.objects.exists()


def test_pulled_items_become_entries_at_the_end_of_the_section(editor, draft):
    first = collect(
        editor, "https://example.com/a", title="甲", source="源", label="L1", summary="摘"
    )
    second = collect(editor, "https://example.com/b", title="乙")
    section = draft.sections.get(title="业界新闻")
    revisions_before = Revision.objects.filter(issue=draft).count()

    entries = services.pull_into_section([second, first], section, editor)

    assert [entry.title for entry in entries] == ["甲", "乙"]  # in the order they were collected
    assert [entry.position for entry in section.entries.all()] == [0, 1, 2]
    pulled = Entry.objects.get(title="甲")
    assert (pulled.label, pulled.source, pulled.url, pulled.summary) == (
        "L1",
        "源",
        "https://example.com/a",
        "摘",
    )
    first.refresh_from_db()
    assert first.status == InboxItem.State.USED
    assert (first.used_entry, first.used_issue, first.used_section_title) == (
        pulled,
        draft,
        "业界新闻",
    )
    assert first.used_by == editor and first.used_at is not None
    # Recorded like an admin save, and an open issue page must reload first.
    assert Revision.objects.filter(issue=draft).count() == revisions_before + 1
    draft_version = draft.version
    draft.refresh_from_db()
    assert draft.version == draft_version + 1


def test_the_inbox_keeps_where_an_item_went_after_the_entry_is_deleted(editor, draft):
    item = collect(editor, "https://example.com/a", title="甲")
    section = draft.sections.first()
    (entry,) = services.pull_into_section([item], section, editor)
    entry.delete()
    item.refresh_from_db()
    assert item.used_entry is None
    assert (item.used_issue, item.used_section_title) == (draft, section.title)


def test_an_item_is_used_only_once(editor, draft):
    item = collect(editor, "https://example.com/a", title="甲")
    section = draft.sections.first()
    services.pull_into_section([item], section, editor)
    with pytest.raises(ValidationError, match="已用"):
        services.pull_into_section([item], section, editor)
    assert section.entries.count() == 2


def test_an_item_without_title_stops_the_whole_pull(editor, draft):
    good = collect(editor, "https://example.com/a", title="甲")
    untitled = collect(editor, "https://example.com/b")
    section = draft.sections.first()
    with pytest.raises(ValidationError, match="还没有标题"):
        services.pull_into_section([good, untitled], section, editor)
    assert section.entries.count() == 1
    good.refresh_from_db()
    assert good.status == InboxItem.State.NEW


def test_nothing_is_pulled_into_an_issue_in_review(editor, draft):
    draft.status = Status.IN_REVIEW
    draft.save()
    item = collect(editor, "https://example.com/a", title="甲")
    with pytest.raises(ValidationError, match="不能修改"):
        services.pull_into_section([item], draft.sections.first(), editor)
    item.refresh_from_db()
    assert item.status == InboxItem.State.NEW


def test_someone_who_cannot_edit_issues_cannot_pull(editor, outsider, draft):
    item = collect(editor, "https://example.com/a", title="甲")
    with pytest.raises(PermissionDenied):
        services.pull_into_section([item], draft.sections.first(), outsider)
    assert draft.sections.first().entries.count() == 1


def test_pulling_into_a_published_issue_starts_a_correction(editor, reviewer):
    from tests.factories import make_issue_in_state

    issue = make_issue_in_state(Status.PUBLISHED, author=editor, approver=reviewer)
    item = collect(editor, "https://example.com/late", title="迟到的新闻")
    services.pull_into_section([item], issue.sections.first(), editor)
    issue.refresh_from_db()
    assert issue.status == Status.DRAFT
    assert IssueEvent.objects.filter(issue=issue, action=IssueEvent.Action.CORRECT).exists()
    assert issue.is_public()  # readers keep the approved revision


def test_archiving_and_restoring(editor):
    stale = collect(editor, "https://example.com/old", title="旧闻")
    fresh = collect(editor, "https://example.com/new", title="新闻")
    assert services.archive([stale], editor) == 1
    stale.refresh_from_db()
    assert stale.status == InboxItem.State.ARCHIVED and stale.archived_at
    assert list(InboxItem.objects.new()) == [fresh]
    assert services.restore([stale], editor) == 1
    stale.refresh_from_db()
    assert stale.status == InboxItem.State.NEW and stale.archived_at is None


# --- the admin ------------------------------------------------------------------


def test_an_editor_adds_an_item_with_the_admin_form(client, editor):
    client.force_login(editor)
    response = client.post(
        reverse("admin:curation_inboxitem_add"),
        {"url": "https://example.com/x", "title": "X", "intended_section": "论文"},
    )
    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:2000]
    item = InboxItem.objects.get()
    assert (item.created_by, item.intended_section) == (editor, "论文")


def test_the_inbox_is_searchable_and_filterable(client, editor, editor2):
    collect(editor, "https://example.com/npu", title="NPU 芯片", intended_section="业界新闻")
    collect(editor2, "https://example.com/quant", title="量化论文", intended_section="论文")
    archived = collect(
        editor2, "https://example.com/old", title="旧的量化", intended_section="论文"
    )
    services.archive([archived], editor2)
    client.force_login(editor)
    changelist = reverse("admin:curation_inboxitem_changelist")

    def titles(query):
        response = client.get(changelist + query)
        assert response.status_code == HTTPStatus.OK
        return sorted(item.title for item in response.context["cl"].result_list)

    assert titles("?q=量化") == ["旧的量化", "量化论文"]
    assert titles("?intended_section=论文&status__exact=new") == ["量化论文"]
    assert titles(f"?created_by__id__exact={editor.pk}") == ["NPU 芯片"]
    assert titles("?status__exact=archived") == ["旧的量化"]
    # The bookmarklet is offered on the inbox page.
    assert "javascript:(function(){window.open(" in client.get(changelist).content.decode()


def test_the_admin_pull_action_asks_for_a_section_then_pulls(client, editor, draft):
    first = collect(editor, "https://example.com/a", title="甲")
    second = collect(editor, "https://example.com/b", title="乙")
    section = draft.sections.get(title="论文")
    client.force_login(editor)
    changelist = reverse("admin:curation_inboxitem_changelist")
    data = {"action": "pull_into_section", "_selected_action": [first.pk, second.pk]}

    asked = client.post(changelist, data)
    assert asked.status_code == HTTPStatus.OK
    assert "论文" in asked.content.decode()

    done = client.post(changelist, {**data, "section": section.pk}, follow=True)
    assert done.status_code == HTTPStatus.OK
    assert sorted(section.entries.values_list("title", flat=True)) == ["乙", "甲"]
    assert "2 条链接已加入" in done.content.decode()


def test_the_admin_pull_action_reports_a_refusal_and_changes_nothing(client, editor, draft):
    untitled = collect(editor, "https://example.com/b")
    section = draft.sections.get(title="论文")
    client.force_login(editor)
    response = client.post(
        reverse("admin:curation_inboxitem_changelist"),
        {"action": "pull_into_section", "_selected_action": [untitled.pk], "section": section.pk},
        follow=True,
    )
    assert "还没有标题" in response.content.decode()
    assert section.entries.count() == 0


def test_hostile_text_in_an_inbox_item_stays_inert_on_staff_pages(client, editor):
    from tests.test_hostile_input import PAYLOADS, SCRIPT, active_content

    item = collect(
        editor,
        "https://example.com/x?q=<script>",
        title=PAYLOADS["title"],
        source=PAYLOADS["source"],
        label=PAYLOADS["label"],
        summary=PAYLOADS["summary"],
        note=PAYLOADS["preamble"],
        intended_section=PAYLOADS["section_title"][:100],
    )
    client.force_login(editor)
    for url in [
        reverse("admin:curation_inboxitem_changelist"),
        reverse("admin:curation_inboxitem_change", args=[item.pk]),
        reverse("curation:collect") + "?url=javascript:alert(1)&title=" + SCRIPT,
    ]:
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK, url
        html = response.content.decode()
        assert active_content(html, strict=False) == [], url
        assert SCRIPT not in html, url


def test_the_bookmarklet_page_saves_a_link_and_shows_earlier_appearances(client, editor, draft):
    client.force_login(editor)
    entry = Entry.objects.get()
    response = client.post(
        reverse("curation:collect"),
        {"url": entry.url + "?utm_source=feed", "title": "又见", "intended_section": "业界新闻"},
    )
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert "已收进收集箱" in page
    assert reverse("admin:issues_issue_change", args=[draft.pk]) in page
    assert InboxItem.objects.get().created_by == editor


def test_the_bookmarklet_page_refuses_a_bad_link_with_a_message(client, editor):
    client.force_login(editor)
    response = client.post(reverse("curation:collect"), {"url": "javascript:alert(1)"})
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors["url"]
    assert not InboxItem.objects.exists()


def test_the_bookmarklet_page_sends_visitors_to_log_in_first(client):
    response = client.get(reverse("curation:collect") + "?url=https://example.com/")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("admin:login"))


def test_the_pull_endpoint_turns_items_into_entries(client, editor, draft):
    item = collect(editor, "https://example.com/a", title="甲")
    section = draft.sections.get(title="论文")
    client.force_login(editor)
    response = client.post(reverse("curation:pull"), {"section": section.pk, "item": [item.pk]})
    assert response.status_code == HTTPStatus.OK
    (entry,) = response.json()["entries"]
    assert Entry.objects.get(pk=entry["id"]).section == section


def test_the_pull_endpoint_answers_a_refusal_with_its_reason(client, editor, draft):
    item = collect(editor, "https://example.com/a")
    client.force_login(editor)
    response = client.post(
        reverse("curation:pull"), {"section": draft.sections.first().pk, "item": [item.pk]}
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "还没有标题" in response.json()["errors"][0]


def test_the_inbox_endpoint_lists_new_items_only(client, editor):
    collect(editor, "https://example.com/a", title="甲")
    services.archive([collect(editor, "https://example.com/b", title="乙")], editor)
    client.force_login(editor)
    response = client.get(reverse("curation:inbox"))
    assert [item["title"] for item in response.json()["items"]] == ["甲"]
