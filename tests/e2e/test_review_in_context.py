"""Review in context, in a real browser, on an issue of 4 sections x 10 entries.

The reviewer's diff shows only what changed since the previous submission,
the editor finds the request for changes at the top of the page, and a
scheduled issue whose time has passed is published in the admin list without
any scheduler having run.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from issues import workflow
from issues.models import Entry, Revision, Status
from tests.e2e.conftest import login, screenshot
from tests.factories import make_issue, make_user

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

SECTIONS = [("业界新闻", 10), ("论文", 10), ("开源项目", 10), ("博文", 10)]


def test_a_resubmission_shows_the_reviewer_only_what_changed_and_the_editor_the_comment(
    new_context,
):
    editor = make_user("editor", groups=["editor"])
    reviewer = make_user("reviewer", groups=["reviewer"])
    issue = make_issue(sections=SECTIONS, user=editor)
    workflow.record_save(issue, editor)
    workflow.submit_for_review(issue, editor)
    workflow.request_changes(issue, reviewer, "第 37 条的标题写错了")

    editing = new_context().new_page()
    login(editing, editor)
    editing.goto(reverse("admin:issues_issue_change", args=[issue.pk]))
    pinned = editing.locator("#pending-request")
    expect(pinned).to_contain_text("第 37 条的标题写错了")
    assert pinned.bounding_box()["y"] < editing.locator("#issue_form").bounding_box()["y"]
    screenshot(editing, "review-pinned-comment", full_page=False)

    entry = Entry.objects.filter(section__issue=issue).order_by("section__position", "position")[36]
    entry.title = "改正后的第 37 条"
    entry.save()
    workflow.record_save(issue, editor)
    workflow.submit_for_review(issue, editor)

    reviewing = new_context().new_page()
    login(reviewing, reviewer)
    reviewing.goto(reverse("admin:issues_issue_review", args=[issue.pk]))
    diff = reviewing.locator("#diff")
    expect(diff.locator("tr.diff-insert")).to_have_count(1)
    expect(diff.locator("tr.diff-insert")).to_contain_text("改正后的第 37 条")
    screenshot(reviewing, "review-since-submission", full_page=False)

    reviewing.locator("#review-compare a").click()
    expect(diff.locator("tr.diff-insert").first).to_be_visible()
    assert diff.locator("tr.diff-insert").count() > 40


def test_a_scheduled_issue_past_its_time_is_published_in_the_list_without_a_scheduler(page):
    editor = make_user("editor", groups=["editor"])
    reviewer = make_user("reviewer", groups=["reviewer"])
    issue = make_issue(sections=SECTIONS, user=editor, headline="排期的一期")
    workflow.submit_for_review(issue, editor)
    workflow.approve(issue, reviewer, publish_at=timezone.now() + datetime.timedelta(hours=1))
    Revision.objects.filter(issue=issue).approved().update(
        go_live_at=timezone.now() - datetime.timedelta(minutes=1)
    )

    login(page, editor)
    page.goto(reverse("admin:issues_issue_changelist"))

    row = page.locator("#result_list tbody tr", has_text="排期的一期")
    expect(row.locator(".status-badge")).to_have_text(str(Status.PUBLISHED.label))
