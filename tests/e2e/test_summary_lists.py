"""Lists in summaries look like lists: on the reader's page and in the admin's live preview."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from issues.models import Entry, Section
from tests.e2e.conftest import login
from tests.factories import make_issue, make_user, publish

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def list_style(locator):
    return locator.evaluate("node => getComputedStyle(node).listStyleType")


def test_summary_opening_with_a_list_shows_bullets_below_the_label(page):
    issue = make_issue(sections=())
    section = Section.objects.create(issue=issue, title="业界新闻", position=0)
    Entry.objects.create(
        section=section, position=0, title="示例芯片发布", summary="- 功耗减半\n- 支持 INT4"
    )
    Entry.objects.create(
        section=section,
        position=1,
        title="[断开的标题 | 示例媒体](https://example.com/cut",
        summary="摘要：旧稿里链接缺了右括号。",
        verbatim_body=True,
        attention="the link has no closing ')'",
    )
    publish(issue)
    page.goto(issue.get_absolute_url())

    summary = page.locator(".entry-summary").first
    label, first_item = summary.locator(".summary-label"), summary.locator("li").first
    expect(first_item).to_have_text("功耗减半")
    assert list_style(first_item) != "none"
    assert label.bounding_box()["y"] + label.bounding_box()["height"] <= (
        first_item.bounding_box()["y"] + 1
    )
    expect(page.locator(".entry-verbatim")).to_contain_text("旧稿里链接缺了右括号")


def test_admin_live_preview_shows_list_bullets(page):
    editor = make_user("editor", groups=["editor"])
    issue = make_issue(sections=(("业界新闻", 1),), user=editor)
    login(page, editor)
    page.goto(reverse("admin:issues_issue_change", args=[issue.pk]))
    page.locator("#sections-0-entries-0 .c-toggle").click()
    page.locator("[name='sections-0-entries-0-summary']").fill("要点：\n\n- 功耗减半\n- 支持 INT4")
    preview = page.locator("[name='sections-0-entries-0-summary'] ~ .markdownx-preview")
    first_item = preview.locator("li").first
    expect(first_item).to_have_text("功耗减半")
    assert list_style(first_item) == "disc"
