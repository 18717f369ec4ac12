"""The editorial journey in a real browser: write, review, fix, approve, read.

Plus the guards editors meet in the browser: the four-eyes rule and the
lost-edit guard when two editors save the same issue.
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from issues import workflow
from issues.models import Entry, Issue, IssueEvent, Status
from tests.e2e.conftest import login, reader_journey, screenshot
from tests.factories import make_issue, make_user

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

DATE = "2027-01-05"
# Tall enough that two stacked entry forms fit on screen for dragging.
EDITING_VIEWPORT = {"width": 1280, "height": 2000}

ENTRY_A = "蜂鸟 NPU 发布：端侧 7B 模型首字延迟 150ms"
ENTRY_B = "某手机厂商开源端侧推理框架 FalconRT"
PAPER = "QuickQuant：面向 MCU 的 2 比特量化训练"


def messages(page):
    return page.locator("ul.messagelist")


def change_url(issue):
    return reverse("admin:issues_issue_change", args=[issue.pk])


def add_entry(page, section, *, title, url, source="", summary=""):
    """Click "添加另一个 条目" in section ``section`` and fill the new entry's form."""
    group = page.locator(f"#sections-{section}-entries-group")
    before = group.locator(".djn-item.djn-inline-form:not(.djn-empty-form)").count()
    group.locator("a.djn-add-handler.djn-model-issues-entry").last.click()
    prefix = f"sections-{section}-entries-{before}"
    expect(page.locator(f"#{prefix}")).to_be_visible()
    page.locator(f"[name='{prefix}-title']").fill(title)
    page.locator(f"[name='{prefix}-url']").fill(url)
    page.locator(f"[name='{prefix}-source']").fill(source)
    page.locator(f"[name='{prefix}-summary']").fill(summary)
    return prefix


def drag_above(page, source, target):
    """Drag the grip ``source`` and drop it on top of the grip ``target``, as a mouse would."""
    source.scroll_into_view_if_needed()
    box = source.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x, y - 10, steps=3)  # past jQuery UI's drag threshold
    goal = target.bounding_box()
    page.mouse.move(goal["x"] + goal["width"] / 2, goal["y"] + 2, steps=25)
    page.mouse.up()


def entry_order(section_prefix, page):
    """Entry titles of one section in the order the form will save them (by position)."""
    rows = page.eval_on_selector_all(
        f"#{section_prefix}-entries-group .djn-item.djn-inline-form:not(.djn-empty-form)",
        """items => items.map(item => [
            Number(item.querySelector('[name$="-position"]').value),
            item.querySelector('[name$="-title"]').value])""",
    )
    return [title for _position, title in sorted(rows)]


def save_and_continue(page):
    page.locator("input[name=_continue]").click()
    page.wait_for_load_state()


def workflow_button(page, label):
    return page.locator("#workflow-panel").get_by_role("button", name=label, exact=True)


def test_issue_travels_from_draft_through_review_and_changes_to_readers(new_context):
    editor = make_user("editor", groups=["editor"])
    reviewer = make_user("reviewer", groups=["reviewer"])

    # --- The editor writes the issue ------------------------------------------------
    editing = new_context(viewport=EDITING_VIEWPORT).new_page()
    login(editing, editor)
    editing.goto(reverse("admin:issues_issue_add"))
    editing.locator("#id_publication_date").fill(DATE)
    editing.locator("#id_headline").fill("端侧推理新进展")
    editing.locator("#id_preamble").fill("> 导读：本期 **三条**，含一篇量化论文。")
    # markdownx renders the preview on the server after a short pause in typing.
    preview = editing.locator("#id_preamble ~ .markdownx-preview")
    expect(preview.locator("blockquote strong")).to_have_text("三条")

    # The new issue starts with the publication's default sections: 业界新闻, 论文, ...
    expect(editing.locator("[name='sections-0-title']")).to_have_value("业界新闻")
    expect(editing.locator("[name='sections-1-title']")).to_have_value("论文")
    add_entry(
        editing,
        0,
        title=ENTRY_A,
        url="https://example.com/news/hummingbird",
        source="芯片观察",
        summary="**150ms** 首字延迟。",
    )
    add_entry(
        editing,
        0,
        title=ENTRY_B,
        url="https://example.com/news/falconrt",
        source="开源观察",
        summary="支持 Android 与 HarmonyOS。",
    )
    add_entry(editing, 1, title=PAPER, url="https://arxiv.org/abs/2701.00001")
    save_and_continue(editing)
    expect(messages(editing).locator(".success")).to_be_visible()
    issue = Issue.objects.get(publication_date=DATE)
    assert editing.url.endswith(change_url(issue))
    assert [e.title for e in Entry.objects.filter(section__issue=issue, section__position=0)] == [
        ENTRY_A,
        ENTRY_B,
    ]

    # Drag the second news entry above the first by its handle; positions follow.
    drag_above(
        editing,
        editing.locator("#sections-0-entries-1 > h3.djn-drag-handler .c-grip"),
        editing.locator("#sections-0-entries-0 > h3.djn-drag-handler .c-grip"),
    )
    assert entry_order("sections-0", editing) == [ENTRY_B, ENTRY_A]
    save_and_continue(editing)
    expect(messages(editing).locator(".success")).to_be_visible()
    news = Entry.objects.filter(section__issue=issue, section__title="业界新闻")
    assert [entry.title for entry in news] == [ENTRY_B, ENTRY_A]
    screenshot(editing, "admin-issue", full_page=False)

    workflow_button(editing, "提交审核").click()
    expect(messages(editing).locator(".success")).to_contain_text("已提交审核")
    expect(editing.locator("#read-only-reason")).to_be_visible()
    issue.refresh_from_db()
    assert issue.status == Status.IN_REVIEW

    # --- The reviewer finds it, reads the diff and asks for changes -----------------
    reviewing = new_context().new_page()
    login(reviewing, reviewer)
    reviewing.goto(reverse("admin:issues_issue_changelist"))
    reviewing.locator("#changelist-filter").get_by_role("link", name="待我审核").click()
    reviewing.wait_for_url(re.compile(r"awaiting_my_review=1"))
    rows = reviewing.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    rows.first.get_by_role("link").first.click()
    reviewing.wait_for_url(re.compile(re.escape(change_url(issue))))
    reviewing.locator("#workflow-panel").get_by_role("link", name="审核视图（改动）").click()
    reviewing.wait_for_url("**/review/")
    diff = reviewing.locator("#diff")
    for title in (ENTRY_A, ENTRY_B, PAPER):
        expect(diff.locator("tr.diff-insert", has_text=title)).to_have_count(1)
    screenshot(reviewing, "review-diff")

    reviewing.locator("#id_request_changes_comment").fill("论文条目请补充代码链接。")
    workflow_button(reviewing, "要求修改").click()
    expect(messages(reviewing).locator(".success")).to_contain_text("已要求修改")
    issue.refresh_from_db()
    assert issue.status == Status.CHANGES_REQUESTED

    # --- The editor reads the comment, fixes the entry and resubmits ----------------
    editing.goto(change_url(issue))
    expect(editing.locator("#workflow-timeline .comment")).to_have_text("论文条目请补充代码链接。")
    title_field = editing.locator(f"input[name$='-entries-0-title'][value='{PAPER}']")
    prefix = title_field.get_attribute("name").removesuffix("-title")
    # Saved entries are folded to one line: open this one to edit it.
    editing.locator(f"#{prefix} > h3 .c-toggle").click()
    editing.locator(f"[name='{prefix}-metadata']").fill(
        "代码：https://github.com/example/quickquant"
    )
    save_and_continue(editing)
    expect(messages(editing).locator(".success")).to_be_visible()
    workflow_button(editing, "提交审核").click()
    expect(messages(editing).locator(".success")).to_contain_text("已提交审核")

    # --- The reviewer approves -------------------------------------------------------
    reviewing.goto(reverse("admin:issues_issue_review", args=[issue.pk]))
    expect(reviewing.locator("#diff")).to_contain_text("github.com/example/quickquant")
    workflow_button(reviewing, "批准发布").click()
    expect(messages(reviewing).locator(".success")).to_contain_text("已批准")
    issue.refresh_from_db()
    assert issue.status == Status.PUBLISHED
    assert list(issue.events.values_list("action", flat=True)) == [
        IssueEvent.Action.SUBMIT,
        IssueEvent.Action.REQUEST_CHANGES,
        IssueEvent.Action.SUBMIT,
        IssueEvent.Action.APPROVE,
    ]

    # --- An anonymous reader finds it everywhere -------------------------------------
    reading = new_context().new_page()
    reading.goto("/")
    expect(reading.locator("main h1")).to_contain_text(DATE)
    expect(reading.locator("main article .entry").first).to_contain_text(ENTRY_B)
    reader_journey(reading, DATE, PAPER)


def test_reviewer_cannot_approve_an_issue_they_submitted_not_even_by_a_forged_post(new_context):
    # A senior editor is in both groups: they may approve others' issues, not their own.
    chief = make_user("chief", groups=["editor", "reviewer"])
    issue = make_issue(user=chief)
    workflow.submit_for_review(issue, chief)

    page = new_context().new_page()
    login(page, chief)
    page.goto(change_url(issue))
    expect(workflow_button(page, "要求修改")).to_be_visible()  # a reviewer, all right
    expect(workflow_button(page, "批准发布")).to_have_count(0)
    expect(workflow_button(page, "批准并排期")).to_have_count(0)

    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    approve_url = reverse("admin:issues_issue_transition", args=[issue.pk, "approve"])
    response = page.request.post(
        approve_url,
        form={"csrfmiddlewaretoken": token, "action": "approve"},
        headers={"X-CSRFToken": token, "Referer": page.url},
        max_redirects=0,
    )
    # Not a CSRF 403: the request got through and the workflow refused it.
    assert response.status == 302, response.status
    assert response.headers["location"] == change_url(issue)
    issue.refresh_from_db()
    assert issue.status == Status.IN_REVIEW
    assert not issue.revisions.approved().exists()
    assert not Issue.objects.published().filter(pk=issue.pk).exists()

    page.goto(response.headers["location"])
    expect(messages(page).locator(".error")).to_contain_text("没有权限")
    anonymous = new_context().new_page()
    assert anonymous.goto(issue.get_absolute_url()).status == 404


def test_second_editor_saving_a_stale_copy_is_refused_with_the_first_editors_name(new_context):
    editor = make_user("editor", groups=["editor"])
    editor2 = make_user("editor2", groups=["editor"])
    issue = make_issue(user=editor, headline="原标题")

    first = login(new_context().new_page(), editor)
    second = login(new_context().new_page(), editor2)
    first.goto(change_url(issue))
    second.goto(change_url(issue))

    first.locator("#id_headline").fill("第一位编辑的标题")
    save_and_continue(first)
    expect(messages(first).locator(".success")).to_be_visible()

    second.locator("#id_headline").fill("第二位编辑的标题")
    save_and_continue(second)
    expect(second.locator(".errornote")).to_be_visible()
    expect(second.locator(".errorlist")).to_contain_text(
        re.compile(r"此期已被 editor 于 .*请刷新后再编辑")
    )
    issue.refresh_from_db()
    assert issue.headline == "第一位编辑的标题"
    assert issue.updated_by == editor
