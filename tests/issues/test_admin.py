"""The issue admin: buttons per role and state, refusals, lost edits, history, diff, ordering."""

import datetime
import io
import re
from dataclasses import replace
from http import HTTPStatus

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from issues import documents, workflow
from issues.admin import IssueAdmin
from issues.exporting import issue_markdown
from issues.models import (
    Entry,
    Issue,
    IssueEvent,
    Publication,
    Revision,
    Section,
    ShareLink,
    Status,
)
from tests.factories import make_issue, make_issue_in_state

S = Status
BUTTON = re.compile(r'name="action" value="([a-z_]+)"')


def change_url(issue):
    return reverse("admin:issues_issue_change", args=[issue.pk])


def transition_url(issue, action):
    return reverse("admin:issues_issue_transition", args=[issue.pk, action])


def reviewed(issue):
    """What the approve and schedule buttons post: the version the reviewer looked at."""
    issue.refresh_from_db()
    return {"version": issue.version}


def buttons(response):
    return set(BUTTON.findall(response.content.decode()))


def message_texts(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def form_data(response):
    """The change form's current values as POST data, nested formsets included."""
    data = {}

    def add_form(form):
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = "on" if value is True else value

    def add_formset(formset):
        add_form(formset.management_form)
        for form in formset.forms:
            add_form(form)
            for nested in getattr(form, "nested_formsets", []):
                add_formset(nested)

    add_form(response.context["adminform"].form)
    for inline_admin_formset in response.context["inline_admin_formsets"]:
        add_formset(inline_admin_formset.formset)
    return data


# --- Buttons ------------------------------------------------------------------------------

EXPECTED_BUTTONS = {
    "editor": {
        S.DRAFT: {"submit"},
        S.CHANGES_REQUESTED: {"submit"},
        S.IN_REVIEW: set(),
        S.SCHEDULED: set(),
        S.PUBLISHED: set(),
    },
    "reviewer": {
        S.DRAFT: {"submit"},
        S.CHANGES_REQUESTED: {"submit"},
        S.IN_REVIEW: {"request_changes", "approve", "schedule"},
        S.SCHEDULED: {"unpublish"},
        S.PUBLISHED: {"unpublish"},
    },
}
EXPECTED_BUTTONS["superuser"] = EXPECTED_BUTTONS["reviewer"]


@pytest.mark.parametrize("state", list(Status))
@pytest.mark.parametrize("role", ["editor", "reviewer", "superuser"])
def test_issue_page_shows_only_the_buttons_this_user_may_press(
    client, request, role, state, editor2
):
    user = request.getfixturevalue(role)
    issue = make_issue_in_state(state, author=editor2)
    client.force_login(user)
    response = client.get(change_url(issue))
    assert response.status_code == HTTPStatus.OK
    assert buttons(response) == EXPECTED_BUTTONS[role][state]


def test_reviewer_sees_no_approve_button_on_own_submission(client, reviewer):
    issue = make_issue_in_state(S.IN_REVIEW, author=reviewer)
    client.force_login(reviewer)
    assert buttons(client.get(change_url(issue))) == {"request_changes"}


def test_staff_outside_the_editorial_groups_cannot_open_issues(client, outsider, editor):
    issue = make_issue_in_state(S.DRAFT, author=editor)
    client.force_login(outsider)
    assert client.get(change_url(issue)).status_code == HTTPStatus.FORBIDDEN
    response = client.post(transition_url(issue, "submit"))
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert Issue.objects.get(pk=issue.pk).status == S.DRAFT


# --- Pressing buttons -----------------------------------------------------------------------


def test_editor_submits_and_reviewer_approves_through_the_buttons(client, editor, reviewer):
    issue = make_issue_in_state(S.DRAFT, author=editor)
    client.force_login(editor)
    response = client.post(transition_url(issue, "submit"))
    assert response.status_code == HTTPStatus.FOUND
    assert Issue.objects.get(pk=issue.pk).status == S.IN_REVIEW

    client.force_login(reviewer)
    client.post(transition_url(issue, "approve"), reviewed(issue))
    assert Issue.objects.get(pk=issue.pk).status == S.PUBLISHED
    assert Issue.objects.published().filter(pk=issue.pk).exists()


def test_forged_approve_post_from_an_editor_is_refused(client, editor, editor2):
    issue = make_issue_in_state(S.IN_REVIEW, author=editor2)
    client.force_login(editor)
    response = client.post(transition_url(issue, "approve"), follow=True)
    assert response.status_code == HTTPStatus.OK
    assert Issue.objects.get(pk=issue.pk).status == S.IN_REVIEW
    assert not issue.revisions.exists()
    assert "你没有权限执行此操作。" in message_texts(response)


def test_forged_approve_post_on_own_submission_is_refused(client, reviewer):
    issue = make_issue_in_state(S.IN_REVIEW, author=reviewer)
    client.force_login(reviewer)
    client.post(transition_url(issue, "approve"))
    assert Issue.objects.get(pk=issue.pk).status == S.IN_REVIEW


def test_forged_approve_post_for_a_draft_is_refused(client, editor, reviewer):
    issue = make_issue_in_state(S.DRAFT, author=editor)
    client.force_login(reviewer)
    response = client.post(transition_url(issue, "approve"), follow=True)
    assert Issue.objects.get(pk=issue.pk).status == S.DRAFT
    assert any("不适用" in text for text in message_texts(response))


def test_transition_urls_refuse_get(client, editor):
    issue = make_issue_in_state(S.DRAFT, author=editor)
    client.force_login(editor)
    response = client.get(transition_url(issue, "submit"))
    assert response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert Issue.objects.get(pk=issue.pk).status == S.DRAFT


def test_request_changes_button_needs_a_comment(client, editor, reviewer):
    issue = make_issue_in_state(S.IN_REVIEW, author=editor)
    client.force_login(reviewer)
    response = client.post(transition_url(issue, "request_changes"), {"comment": " "}, follow=True)
    assert Issue.objects.get(pk=issue.pk).status == S.IN_REVIEW
    assert "要求修改时必须写明修改意见。" in message_texts(response)

    client.post(transition_url(issue, "request_changes"), {"comment": "补一条论文"})
    assert Issue.objects.get(pk=issue.pk).status == S.CHANGES_REQUESTED
    assert issue.events.get(action=IssueEvent.Action.REQUEST_CHANGES).comment == "补一条论文"


def test_schedule_button_sets_the_publication_time(client, editor, reviewer):
    issue = make_issue_in_state(S.IN_REVIEW, author=editor)
    client.force_login(reviewer)
    client.post(
        transition_url(issue, "schedule"), {"publish_at": "2099-11-24T10:00", **reviewed(issue)}
    )
    issue.refresh_from_db()
    assert issue.status == S.SCHEDULED
    go_live = issue.revisions.approved().get().go_live_at
    assert go_live.year == 2099


def test_schedule_button_refuses_a_time_in_the_past(client, editor, reviewer):
    issue = make_issue_in_state(S.IN_REVIEW, author=editor)
    client.force_login(reviewer)
    response = client.post(
        transition_url(issue, "schedule"),
        {"publish_at": "2001-01-01T10:00", **reviewed(issue)},
        follow=True,
    )
    assert Issue.objects.get(pk=issue.pk).status == S.IN_REVIEW
    assert "排期时间必须在将来。" in message_texts(response)


def test_unpublish_button_needs_a_reason(client, editor, reviewer):
    issue = make_issue_in_state(S.PUBLISHED, author=editor)
    client.force_login(reviewer)
    client.post(transition_url(issue, "unpublish"), {"reason": ""})
    assert Issue.objects.published().filter(pk=issue.pk).exists()
    client.post(transition_url(issue, "unpublish"), {"reason": "侵权投诉"})
    assert not Issue.objects.published().filter(pk=issue.pk).exists()


# --- Editing --------------------------------------------------------------------------------


def test_issue_is_read_only_while_in_review(client, editor, editor2):
    issue = make_issue_in_state(S.IN_REVIEW, author=editor2)
    client.force_login(editor)
    response = client.get(change_url(issue))
    html = response.content.decode()
    assert 'name="_save"' not in html
    assert 'name="headline"' not in html
    assert 'name="sections-0-title"' not in html
    assert "此期正在审核中，内容只读" in html


def test_post_to_an_issue_in_review_changes_nothing(client, editor, editor2):
    issue = make_issue_in_state(S.DRAFT, author=editor2)
    client.force_login(editor)
    data = form_data(client.get(change_url(issue)))
    workflow.submit_for_review(issue, editor2)
    data["headline"] = "偷偷改标题"
    response = client.post(change_url(issue), data, follow=True)
    assert Issue.objects.get(pk=issue.pk).headline != "偷偷改标题"
    assert any("审核中" in text for text in message_texts(response))


def test_saving_records_a_revision_and_bumps_the_version(client, editor):
    issue = make_issue_in_state(S.DRAFT, author=editor)
    client.force_login(editor)
    data = form_data(client.get(change_url(issue)))
    data["headline"] = "新标题"
    data["sections-0-entries-0-title"] = "改过的条目"
    response = client.post(change_url(issue), data)
    assert response.status_code == HTTPStatus.FOUND, response.context["errors"]
    issue.refresh_from_db()
    assert issue.version == 2
    revision = issue.revisions.get()
    assert revision.created_by == editor
    assert revision.data["headline"] == "新标题"
    assert revision.data["sections"][0]["entries"][0]["title"] == "改过的条目"


def test_stale_save_is_refused_naming_who_changed_the_issue(client, editor, editor2):
    issue = make_issue_in_state(S.DRAFT, author=editor)
    client.force_login(editor)
    stale = form_data(client.get(change_url(issue)))

    client.force_login(editor2)
    fresh = form_data(client.get(change_url(issue)))
    fresh["headline"] = "editor2 的标题"
    assert client.post(change_url(issue), fresh).status_code == HTTPStatus.FOUND

    client.force_login(editor)
    stale["headline"] = "editor 的标题"
    response = client.post(change_url(issue), stale)
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert re.search(r"此期已被 editor2 于 \d{4}-\d\d-\d\d \d\d:\d\d 修改，请刷新后再编辑", html)
    issue.refresh_from_db()
    assert issue.headline == "editor2 的标题"
    assert issue.version == 2
    assert issue.revisions.count() == 1


def test_saving_a_published_issue_starts_a_correction(client, editor, reviewer):
    issue = make_issue_in_state(S.IN_REVIEW, author=editor)
    approved = workflow.approve(issue, reviewer).revision
    client.force_login(editor)
    data = form_data(client.get(change_url(issue)))
    data["sections-0-entries-0-title"] = "更正"
    response = client.post(change_url(issue), data)
    assert response.status_code == HTTPStatus.FOUND
    issue.refresh_from_db()
    assert issue.status == S.DRAFT
    assert issue.live_revision() == approved
    assert issue.events.latest("pk").action == IssueEvent.Action.CORRECT


def test_add_page_starts_with_the_default_sections(client, editor):
    client.force_login(editor)
    response = client.get(reverse("admin:issues_issue_add"))
    assert response.status_code == HTTPStatus.OK
    sections = response.context["inline_admin_formsets"][0].formset
    assert [form["title"].value() for form in sections.forms] == [
        "业界新闻",
        "论文",
        "开源项目",
        "博文",
    ]


def test_editor_creates_an_issue_with_the_default_sections(client, editor):
    client.force_login(editor)
    data = form_data(client.get(reverse("admin:issues_issue_add")))
    data["publication_date"] = "2026-11-24"
    response = client.post(reverse("admin:issues_issue_add"), data)
    assert response.status_code == HTTPStatus.FOUND, response.context["errors"]
    issue = Issue.objects.get(publication_date="2026-11-24")
    assert list(issue.sections.values_list("title", flat=True)) == [
        "业界新闻",
        "论文",
        "开源项目",
        "博文",
    ]
    assert (issue.created_by, issue.status) == (editor, S.DRAFT)
    assert issue.revisions.count() == 1


def test_big_issue_saves_and_swaps_positions(client, editor):
    issue = make_issue(
        sections=[("业界新闻", 10), ("论文", 10), ("开源项目", 10), ("博文", 10)], user=editor
    )
    client.force_login(editor)
    data = form_data(client.get(change_url(issue)))
    assert data["sections-TOTAL_FORMS"] == 4
    assert data["sections-0-entries-TOTAL_FORMS"] == 10
    first, second = (
        data["sections-0-entries-0-title"],
        data["sections-0-entries-1-title"],
    )
    data["sections-0-entries-0-position"], data["sections-0-entries-1-position"] = 1, 0
    data["sections-0-position"], data["sections-1-position"] = 1, 0

    response = client.post(change_url(issue), data)

    assert response.status_code == HTTPStatus.FOUND, response.context["errors"]
    assert list(issue.sections.values_list("title", flat=True)) == [
        "论文",
        "业界新闻",
        "开源项目",
        "博文",
    ]
    news = issue.sections.get(title="业界新闻")
    assert list(news.entries.values_list("title", flat=True)[:2]) == [second, first]
    assert Entry.objects.filter(section__issue=issue).count() == 40
    assert Section.objects.filter(issue=issue).count() == 4


# --- History, diff, review --------------------------------------------------------------


def test_history_page_lists_the_revisions(client, editor, editor2):
    issue = make_issue_in_state(S.DRAFT, author=editor)
    workflow.record_save(issue, editor)
    workflow.record_save(issue, editor2)
    client.force_login(editor)
    response = client.get(reverse("admin:issues_issue_history", args=[issue.pk]))
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert html.count("恢复为草稿") == 2
    assert "与上一修订比较" in html


def test_diff_highlights_the_change_and_escapes_it(client, editor):
    issue = make_issue_in_state(S.DRAFT, author=editor)
    old = workflow.record_save(issue, editor)
    Entry.objects.filter(section__issue=issue).filter(position=0, section__position=0).update(
        title="<script>alert(1)</script>新芯片"
    )
    new = workflow.record_save(issue, editor)
    client.force_login(editor)
    url = reverse("admin:issues_issue_diff", args=[issue.pk])
    response = client.get(url, {"from": old.pk, "to": new.pk})
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'class="diff-insert"' in html and 'class="diff-delete"' in html
    assert re.search(r"<ins>[^<]*&lt;script&gt;", html)


def test_diff_of_unknown_revision_is_404(client, editor):
    issue = make_issue_in_state(S.DRAFT, author=editor)
    client.force_login(editor)
    url = reverse("admin:issues_issue_diff", args=[issue.pk])
    assert client.get(url, {"from": "9999"}).status_code == HTTPStatus.NOT_FOUND


def test_review_of_a_first_publication_says_everything_is_new(client, editor, reviewer):
    issue = make_issue_in_state(S.IN_REVIEW, author=editor)
    client.force_login(reviewer)
    response = client.get(reverse("admin:issues_issue_review", args=[issue.pk]))
    html = response.content.decode()
    assert "首次发布：全部内容都是新的" in html
    assert 'class="diff-delete"' not in html
    assert {"approve", "request_changes", "schedule"} <= buttons(response)


def test_review_of_a_correction_shows_what_changed_since_publication(client, editor, reviewer):
    issue = make_issue_in_state(S.IN_REVIEW, author=editor)
    workflow.approve(issue, reviewer)
    Entry.objects.filter(section__issue=issue, position=0, section__position=0).update(
        title="更正后的标题"
    )
    workflow.record_save(issue, editor)
    workflow.submit_for_review(issue, editor)
    client.force_login(reviewer)
    html = client.get(reverse("admin:issues_issue_review", args=[issue.pk])).content.decode()
    assert "与上次发布的版本" in html
    assert re.search(r'class="diff-insert".*更正后的标题', html)


def test_restore_button_makes_a_revision_the_draft(client, editor):
    issue = make_issue_in_state(S.DRAFT, author=editor)
    first = workflow.record_save(issue, editor)
    Issue.objects.filter(pk=issue.pk).update(headline="后来的标题")
    workflow.record_save(issue, editor)
    client.force_login(editor)
    client.post(reverse("admin:issues_issue_restore", args=[issue.pk, first.pk]))
    issue.refresh_from_db()
    assert issue.headline == first.data["headline"]


def test_timeline_shows_the_events(client, editor, reviewer):
    issue = make_issue_in_state(S.IN_REVIEW, author=editor)
    workflow.request_changes(issue, reviewer, "<b>链接</b>失效")
    client.force_login(editor)
    html = client.get(change_url(issue)).content.decode()
    assert 'id="workflow-timeline"' in html
    assert "&lt;b&gt;链接&lt;/b&gt;失效" in html


# --- Share links, list ---------------------------------------------------------------------


def test_reviewer_creates_lists_and_revokes_a_share_link(client, editor, reviewer):
    issue = make_issue_in_state(S.IN_REVIEW, author=editor)
    client.force_login(reviewer)
    client.post(reverse("admin:issues_issue_share", args=[issue.pk]), {"days": "3"})
    link = ShareLink.objects.get(issue=issue)
    html = client.get(change_url(issue)).content.decode()
    (token,) = re.findall(r"/shared/([\w-]+)/", html)
    assert ShareLink.objects.for_token(token).get() == link
    assert token not in client.get(change_url(issue)).content.decode()
    client.post(reverse("admin:issues_issue_share_revoke", args=[issue.pk, link.pk]))
    link.refresh_from_db()
    assert link.revoked_at is not None


def test_editor_cannot_create_a_share_link(client, editor):
    issue = make_issue_in_state(S.DRAFT, author=editor)
    client.force_login(editor)
    client.post(reverse("admin:issues_issue_share", args=[issue.pk]), {"days": "3"})
    assert not ShareLink.objects.exists()


def test_change_page_links_to_the_preview(client, editor):
    issue = make_issue_in_state(S.DRAFT, author=editor)
    client.force_login(editor)
    html = client.get(change_url(issue)).content.decode()
    assert reverse("issues:preview", args=[issue.publication_date]) in html


def test_list_filters_awaiting_my_review_and_my_drafts(client, editor, editor2, reviewer):
    theirs = make_issue_in_state(S.IN_REVIEW, author=editor)
    mine = make_issue_in_state(S.IN_REVIEW, author=reviewer)
    draft = make_issue_in_state(S.DRAFT, author=editor)
    other_draft = make_issue_in_state(S.DRAFT, author=editor2)
    url = reverse("admin:issues_issue_changelist")

    client.force_login(reviewer)
    listed = client.get(url, {"awaiting_my_review": "1"}).context["cl"].result_list
    assert list(listed) == [theirs]
    assert mine not in listed

    client.force_login(editor)
    listed = client.get(url, {"my_drafts": "1"}).context["cl"].result_list
    assert list(listed) == [draft]
    assert other_draft not in listed


def test_list_shows_status_as_a_badge(client, editor):
    make_issue_in_state(S.IN_REVIEW, author=editor)
    client.force_login(editor)
    html = client.get(reverse("admin:issues_issue_changelist")).content.decode()
    assert 'class="status-badge"' in html and "待审核" in html


def test_clearing_the_headline_drops_the_separator_from_the_title(client, editor):
    issue = make_issue_in_state(S.DRAFT, author=editor)
    client.force_login(editor)
    data = form_data(client.get(change_url(issue)))
    data["headline"] = ""
    client.post(change_url(issue), data)
    issue.refresh_from_db()
    assert issue.headline_separator == ""
    data = form_data(client.get(change_url(issue)))
    data["headline"] = "又有了标题"
    client.post(change_url(issue), data)
    issue.refresh_from_db()
    assert issue.headline_separator == "："


def test_add_page_proposes_the_date_two_weeks_after_the_latest_issue(client, editor):
    import datetime

    latest = make_issue(datetime.date(2026, 11, 24))
    client.force_login(editor)
    response = client.get(reverse("admin:issues_issue_add"))
    form = response.context["adminform"].form
    assert form.initial["publication_date"] == latest.publication_date + datetime.timedelta(days=14)


def test_view_on_site_leads_to_the_preview_until_the_issue_is_public(client, editor, reviewer):
    issue = make_issue_in_state(S.DRAFT, author=editor)
    client.force_login(editor)
    view_on_site = re.compile(r'<a href="([^"]+)" class="viewsitelink">')
    content = client.get(change_url(issue)).content.decode()
    assert view_on_site.findall(content) == [f"/preview/{issue.publication_date.isoformat()}/"]
    workflow.submit_for_review(issue, editor)
    workflow.approve(issue, reviewer)
    client.force_login(reviewer)
    content = client.get(change_url(issue)).content.decode()
    assert view_on_site.findall(content) == [issue.get_absolute_url()]


def test_every_markdown_field_on_the_issue_page_has_the_live_preview_editor(client, editor):
    from markdownx.widgets import AdminMarkdownxWidget, MarkdownxWidget

    issue = make_issue_in_state(S.DRAFT, author=editor)
    client.force_login(editor)
    response = client.get(change_url(issue))
    section_formset = response.context["inline_admin_formsets"][0].formset
    section_form = section_formset.forms[0]
    entry_form = section_form.nested_formsets[0].forms[0]
    widgets = {
        "preamble": response.context["adminform"].form.fields["preamble"].widget,
        "note": section_form.fields["note"].widget,
        "summary": entry_form.fields["summary"].widget,
        "extra_links": entry_form.fields["extra_links"].widget,
    }
    for name, widget in widgets.items():
        assert isinstance(widget, MarkdownxWidget | AdminMarkdownxWidget), name


def test_publication_footer_and_licence_have_the_live_preview_editor(client, superuser):
    from markdownx.widgets import AdminMarkdownxWidget, MarkdownxWidget

    from issues.models import Publication

    client.force_login(superuser)
    publication = Publication.load()
    response = client.get(reverse("admin:issues_publication_change", args=[publication.pk]))
    form = response.context["adminform"].form
    for name in ("footer", "licence"):
        assert isinstance(form.fields[name].widget, MarkdownxWidget | AdminMarkdownxWidget), name


def test_editor_downloads_the_working_copy_in_the_house_format(client, editor):
    issue = make_issue_in_state(S.DRAFT, author=editor, headline="可下载的标题")
    client.force_login(editor)
    page = client.get(change_url(issue)).content.decode()
    url = reverse("admin:issues_issue_markdown", args=[issue.pk])
    assert f'href="{url}"' in page
    response = client.get(url)
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert f'filename="{issue.publication_date.isoformat()}.md"' in response["Content-Disposition"]
    text = response.content.decode()
    assert f"({issue.publication_date.isoformat()})：可下载的标题" in text
    assert "## 业界新闻" in text


def test_markdown_download_needs_access_to_the_admin(client, outsider, editor):
    issue = make_issue_in_state(S.DRAFT, author=editor)
    url = reverse("admin:issues_issue_markdown", args=[issue.pk])
    assert client.get(url).status_code == HTTPStatus.FOUND  # to the login page
    client.force_login(outsider)
    assert client.get(url).status_code in {HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND}


def test_issue_page_queries_do_not_grow_with_its_entries(client, editor):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    four_sections = ["业界新闻", "论文", "开源项目", "博文"]
    small = make_issue_in_state(S.DRAFT, author=editor, sections=[(t, 1) for t in four_sections])
    big = make_issue_in_state(S.DRAFT, author=editor, sections=[(t, 10) for t in four_sections])
    client.force_login(editor)
    counts = []
    for issue in (small, big):
        client.get(change_url(issue))  # warm the session and content types
        with CaptureQueriesContext(connection) as queries:
            assert client.get(change_url(issue)).status_code == HTTPStatus.OK
        counts.append(len(queries))
        # Whether the user may edit is asked by every inline; the groups are read once.
        group_reads = [
            q
            for q in queries
            if q["sql"].startswith('SELECT "auth_group"') and "auth_user_groups" in q["sql"]
        ]
        assert len(group_reads) <= 1
    assert counts[0] == counts[1], counts


# --- Holes a hostile pass found ------------------------------------------------------


def test_editors_never_see_a_share_token_on_the_issue_page(client, editor, reviewer):
    issue = make_issue_in_state(S.IN_REVIEW, author=editor)
    link = workflow.create_share_link(issue, reviewer, days=3)
    client.force_login(editor)
    html = client.get(change_url(issue)).content.decode()
    assert "share-links" in html
    assert link.token not in html
    assert link.token[:8] not in html


def test_approving_a_page_reviewed_before_the_issue_changed_is_refused(
    client, editor, reviewer, reviewer2
):
    issue = make_issue_in_state(S.IN_REVIEW, author=editor)
    client.force_login(reviewer)
    looked_at = reviewed(issue)

    # Meanwhile the issue goes back, is revised and resubmitted.
    workflow.request_changes(issue, reviewer2, "请改标题")
    doc = documents.document_from_issue(issue)
    documents.write_document(replace(doc, headline="审阅之后改的标题"), issue, user=editor)
    workflow.record_save(issue, editor)
    workflow.submit_for_review(issue, editor)

    response = client.post(transition_url(issue, "approve"), looked_at, follow=True)

    issue.refresh_from_db()
    assert issue.status == S.IN_REVIEW
    assert not issue.revisions.approved().exists()
    assert "你审阅之后这一期又有改动，未批准。请查看最新的差异后再决定。" in message_texts(response)
    # The reviewer lands on the review page, which shows the new change.
    assert response.redirect_chain[-1][0] == reverse("admin:issues_issue_review", args=[issue.pk])
    assert "审阅之后改的标题" in response.content.decode()


def test_a_save_from_a_page_loaded_before_a_submit_cannot_revert_the_status(client, editor):
    issue = make_issue_in_state(S.DRAFT, author=editor)
    client.force_login(editor)
    stale = form_data(client.get(change_url(issue)))
    workflow.submit_for_review(issue, editor)

    stale["headline"] = "提交之后的保存"
    response = client.post(change_url(issue), stale, follow=True)

    issue.refresh_from_db()
    assert issue.status == S.IN_REVIEW
    assert issue.submitted_by == editor
    assert issue.headline != "提交之后的保存"
    assert response.status_code == HTTPStatus.OK


def test_a_newline_in_a_crafted_source_is_refused_and_nothing_is_saved(client, editor):
    issue = make_issue_in_state(S.DRAFT, author=editor)
    client.force_login(editor)
    data = form_data(client.get(change_url(issue)))
    data["sections-0-entries-0-source"] = "示例媒体\n注入的一行"

    response = client.post(change_url(issue), data)

    assert response.status_code == HTTPStatus.OK
    assert "只能是一行文字" in response.content.decode()
    assert not issue.revisions.exists()
    assert not Entry.objects.filter(source__contains="\n").exists()


@pytest.mark.parametrize("date", ["0001-01-01", "1989-12-31", "2201-01-01"])
def test_an_issue_date_outside_the_sane_range_is_refused(client, editor, date):
    issue = make_issue_in_state(S.DRAFT, author=editor)
    client.force_login(editor)
    data = form_data(client.get(change_url(issue)))
    data["publication_date"] = date

    response = client.post(change_url(issue), data)

    assert response.status_code == HTTPStatus.OK
    issue.refresh_from_db()
    assert issue.publication_date.year not in (1, 1989, 2201)


def test_only_superusers_change_publication_settings(client, reviewer, superuser):
    url = reverse("admin:issues_publication_change", args=[Publication.load().pk])
    client.force_login(reviewer)
    response = client.post(url, {"name": "被改掉的刊名", "default_section_titles": "论文"})
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert Publication.load().name != "被改掉的刊名"

    client.force_login(superuser)
    assert client.get(url).status_code == HTTPStatus.OK


def test_a_submit_landing_during_a_save_is_not_reverted(client, editor, editor2, monkeypatch):
    """The save's request read the issue as a draft; a submit commits before it writes."""
    issue = make_issue_in_state(S.DRAFT, author=editor)
    client.force_login(editor)
    data = form_data(client.get(change_url(issue)))
    data["headline"] = "与提交同时的保存"
    loads = []
    original_get_object = IssueAdmin.get_object

    def get_object_then_someone_submits(self, request, object_id, from_field=None):
        obj = original_get_object(self, request, object_id, from_field)
        loads.append(obj)
        if request.method == "POST" and len(loads) == 2:
            # The object the admin will save is already loaded (as a draft).
            workflow.submit_for_review(Issue.objects.get(pk=obj.pk), editor2)
        return obj

    monkeypatch.setattr(IssueAdmin, "get_object", get_object_then_someone_submits)
    response = client.post(change_url(issue), data)

    issue.refresh_from_db()
    assert response.status_code == HTTPStatus.OK
    assert (issue.status, issue.submitted_by) == (S.IN_REVIEW, editor2)
    assert issue.headline != "与提交同时的保存"


def test_a_page_loaded_before_an_import_replace_cannot_save_over_it(client, editor, tmp_path):
    issue = make_issue_in_state(S.DRAFT, author=editor, headline="导入前")
    client.force_login(editor)
    stale = form_data(client.get(change_url(issue)))

    doc = documents.document_from_issue(issue)
    path = tmp_path / f"{issue.publication_date}.md"
    path.write_text(issue_markdown(replace(doc, headline="导入的标题")), encoding="utf-8")
    call_command("import_markdown", "--replace", "--drafts", str(path), stdout=io.StringIO())

    stale["headline"] = "旧页面上的标题"
    response = client.post(change_url(issue), stale)

    assert response.status_code == HTTPStatus.OK
    assert "请刷新后再编辑" in response.content.decode()
    issue.refresh_from_db()
    assert issue.headline == "导入的标题"


# --- The admin follows the clock; the home page is a desk -------------------------------


def test_a_scheduled_issue_past_its_time_shows_as_published_with_no_scheduler_run(
    client, editor, reviewer
):
    issue = make_issue_in_state(S.IN_REVIEW, author=editor)
    workflow.approve(issue, reviewer, publish_at=timezone.now() + datetime.timedelta(hours=1))
    Revision.objects.filter(issue=issue).approved().update(
        go_live_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    client.force_login(editor)

    changelist = client.get(reverse("admin:issues_issue_changelist")).content.decode()

    assert Issue.objects.get(pk=issue.pk).status == S.PUBLISHED
    assert str(S.PUBLISHED.label) in changelist
    # Editing it now starts a correction instead of asking to withdraw it first.
    page = client.get(change_url(issue)).content.decode()
    assert "保存修改会开始一次更正" in page


def test_admin_home_shows_what_waits_for_me(client, editor, editor2, reviewer):
    waiting = make_issue_in_state(S.IN_REVIEW, author=editor, headline="等你审")
    make_issue_in_state(S.IN_REVIEW, author=reviewer, headline="自己交的")
    make_issue_in_state(S.DRAFT, author=reviewer, headline="审稿人的草稿")
    client.force_login(reviewer)

    response = client.get(reverse("admin:index"))

    desk = response.context["desk"]
    assert desk["awaiting_my_review"] == [waiting]
    html = response.content.decode()
    assert "待我审核 (1)" in html
    assert "审稿人的草稿" in html


def test_a_resubmitted_issue_shows_the_reviewer_only_what_changed_since_the_last_submission(
    client, editor, reviewer
):
    issue = make_issue_in_state(S.DRAFT, author=editor)
    workflow.record_save(issue, editor)
    workflow.submit_for_review(issue, editor)
    workflow.request_changes(issue, reviewer, "第二条的标题不对")
    entry = Entry.objects.filter(section__issue=issue).order_by("section", "position")[1]
    entry.title = "改正后的标题"
    entry.save()
    workflow.record_save(issue, editor)
    workflow.submit_for_review(issue, editor)
    client.force_login(reviewer)

    response = client.get(reverse("admin:issues_issue_review", args=[issue.pk]))

    inserted = [
        "".join(text for _changed, text in row["segments"])
        for row in response.context["rows"]
        if row["kind"] == "insert"
    ]
    assert len(inserted) == 1 and "改正后的标题" in inserted[0]
    assert "自上次提交审核" in response.content.decode()
    everything = client.get(
        reverse("admin:issues_issue_review", args=[issue.pk]), {"since": "publication"}
    )
    assert sum(row["kind"] == "insert" for row in everything.context["rows"]) > 1


def test_the_editor_sees_the_reviewers_comment_at_the_top_until_resubmitting(
    client, editor, reviewer
):
    issue = make_issue_in_state(S.IN_REVIEW, author=editor)
    workflow.request_changes(issue, reviewer, "请补充论文的代码链接")
    client.force_login(editor)

    html = client.get(change_url(issue)).content.decode()
    assert html.index("pending-request") < html.index('id="issue_form"')
    assert "请补充论文的代码链接" in html

    workflow.submit_for_review(issue, editor)
    assert 'id="pending-request"' not in client.get(change_url(issue)).content.decode()


def test_opening_and_saving_a_sixty_entry_issue_costs_a_bounded_number_of_queries(client, editor):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    Publication.load()
    client.force_login(editor)
    counts = {}
    for size in (1, 15):
        issue = make_issue_in_state(
            S.DRAFT, author=editor, sections=[(t, size) for t in "甲乙丙丁"]
        )
        client.get(change_url(issue))  # warm the session and content types
        with CaptureQueriesContext(connection) as opened:
            response = client.get(change_url(issue))
        data = form_data(response)
        data["headline"] = f"{size} 条的标题"
        data["sections-2-entries-0-title"] = "改过的条目"
        with CaptureQueriesContext(connection) as saved:
            response = client.post(change_url(issue), data)
        assert response.status_code == HTTPStatus.FOUND, response.context["errors"]
        counts[size] = (len(opened), len(saved))
    assert counts[1] == counts[15], counts
    assert max(counts[15]) <= 40, counts
    issue.refresh_from_db()
    assert Entry.objects.filter(section__issue=issue, title="改过的条目").count() == 1
