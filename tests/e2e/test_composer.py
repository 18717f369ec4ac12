"""The composer in a real browser, on an issue of 4 sections x 10 entries.

Weight and height of the saved page, lazy previews, moving entries without
dragging, nothing lost (save before a workflow action, warning on leaving,
Ctrl+S, drafts offered back), errors you can find, paste to add, phones.
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from issues.models import Entry, Issue, Status
from tests.e2e.conftest import PHONE, has_no_horizontal_scroll, login, screenshot
from tests.factories import make_issue, make_user

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

VIEWPORT = {"width": 1280, "height": 800}
SECTIONS = [("业界新闻", 10), ("论文", 10), ("开源项目", 10), ("博文", 10)]


@pytest.fixture
def editor(db):
    return make_user("editor", groups=["editor"])


@pytest.fixture
def issue(editor):
    return make_issue(sections=SECTIONS, user=editor, headline="原标题")


def change_url(issue):
    return reverse("admin:issues_issue_change", args=[issue.pk])


def open_composer(new_context, editor, issue, viewport=VIEWPORT):
    page = login(new_context(viewport=viewport).new_page(), editor)
    response = page.goto(change_url(issue))
    expect(page.locator("#composer-outline")).to_be_visible()
    return page, response


def line(page, prefix):
    return page.locator(f"#{prefix} > h3")


def titles(section):
    return list(section.entries.values_list("title", flat=True))


def success(page):
    return page.locator("ul.messagelist .success")


def test_saved_page_is_short_light_and_previews_only_the_field_being_edited(
    new_context, editor, issue
):
    page = login(new_context(viewport=VIEWPORT).new_page(), editor)
    previews = []
    page.on("request", lambda r: previews.append(r) if "/markdownx/markdownify/" in r.url else None)

    response = page.goto(change_url(issue))
    expect(page.locator("#composer-outline")).to_be_visible()
    page.wait_for_load_state("networkidle")

    html_bytes = len(response.body())
    height = page.evaluate("document.documentElement.scrollHeight")
    assert html_bytes <= 150_000, html_bytes
    assert height <= 3 * VIEWPORT["height"], height
    expect(page.locator(".c-entry.is-collapsed")).to_have_count(40)
    assert previews == []
    # Opening every entry at once previews nothing either.
    page.get_by_role("button", name="全部展开").click()
    expect(page.locator(".c-entry.is-collapsed")).to_have_count(0)
    page.get_by_role("button", name="全部收起").click()
    expect(page.locator(".c-entry.is-collapsed")).to_have_count(40)
    assert previews == []
    page.locator("#sections-group").evaluate(
        "group => { group.scrollIntoView(); scrollBy(0, -8); }"
    )
    screenshot(page, "admin-composer", full_page=False)

    # Open one entry and type in its summary: one preview, for that field only.
    line(page, "sections-1-entries-2").locator(".c-toggle").click()
    expect(line(page, "sections-1-entries-2").locator(".c-toggle")).to_have_attribute(
        "aria-expanded", "true"
    )
    summary = page.locator("[name='sections-1-entries-2-summary']")
    summary.fill("**量化** 新方法。")
    preview = page.locator("[name='sections-1-entries-2-summary'] + .markdownx-preview")
    expect(preview.locator("strong")).to_have_text("量化")
    page.wait_for_load_state("networkidle")
    # Focusing may preview the old text before typing previews the new one; nothing else.
    before = "这是论文第 3 条的摘要"
    assert 1 <= len(previews) <= 2, [r.post_data for r in previews]
    assert all(before in r.post_data or "新方法" in r.post_data for r in previews)
    page.locator("#sections-1-entries-2").evaluate(
        "entry => { entry.scrollIntoView(); scrollBy(0, -90); }"
    )
    screenshot(page, "admin-composer-entry", full_page=False)


def test_entries_move_to_the_top_and_to_another_section_without_dragging(
    new_context, editor, issue
):
    page, _ = open_composer(new_context, editor, issue)
    news, papers, _projects, blogs = issue.sections.all()
    fifth_news, third_paper, first_news = (
        titles(news)[4],
        titles(papers)[2],
        titles(news)[0],
    )

    # The fifth news entry to the top of its section, by its button.
    line(page, "sections-0-entries-4").get_by_role("button", name="移到栏目顶部").click()
    # The first news entry (now second) one down, by keyboard.
    toggle = line(page, "sections-0-entries-0").locator(".c-toggle")
    toggle.focus()
    toggle.press("Alt+ArrowDown")
    expect(toggle).to_be_focused()
    # The third paper to the blogs section, from its line's menu.
    line(page, "sections-1-entries-2").get_by_role("combobox", name="移到栏目…").select_option(
        label="博文"
    )
    expect(page.locator("#sections-3-entries-group .c-entry:not(.djn-empty-form)")).to_have_count(
        11
    )
    page.locator("#composer-bar input[name=_continue]").click()
    expect(success(page)).to_be_visible()

    assert titles(news)[:3] == [fifth_news, titles(news)[1], first_news]
    assert titles(news)[0] == fifth_news and titles(news)[2] == first_news
    assert third_paper not in titles(papers) and len(titles(papers)) == 9
    assert titles(blogs)[-1] == third_paper and len(titles(blogs)) == 11
    assert Entry.objects.filter(section__issue=issue).count() == 40


def test_editing_the_headline_then_pressing_submit_submits_the_new_headline(
    new_context, editor, issue
):
    page, _ = open_composer(new_context, editor, issue)
    page.locator("#id_headline").fill("改过的标题")
    expect(page.locator("#composer-bar .c-bar-status")).to_have_text("有未保存的修改")

    page.locator("#composer-bar").get_by_role("button", name="提交审核").click()

    expect(page.locator("ul.messagelist")).to_contain_text("已提交审核")
    issue.refresh_from_db()
    assert issue.status == Status.IN_REVIEW
    assert issue.headline == "改过的标题"
    assert issue.revisions.first().data["headline"] == "改过的标题"


def test_leaving_with_unsaved_edits_warns_and_stays(new_context, editor, issue):
    page, _ = open_composer(new_context, editor, issue)
    dialogs = []

    def dismiss(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.locator("#id_headline").fill("还没保存的标题")
    page.locator(".breadcrumbs a").first.click()
    page.wait_for_timeout(300)

    assert dialogs == ["beforeunload"]
    assert page.url.endswith(change_url(issue))
    expect(page.locator("#id_headline")).to_have_value("还没保存的标题")


def test_ctrl_s_saves(new_context, editor, issue):
    page, _ = open_composer(new_context, editor, issue)
    page.locator("#id_headline").fill("用快捷键保存的标题")
    page.keyboard.press("Control+s")
    expect(success(page)).to_be_visible()
    issue.refresh_from_db()
    assert issue.headline == "用快捷键保存的标题"
    expect(page.locator("#composer-bar .c-bar-status")).to_have_text("")


def test_invalid_url_in_entry_37_is_listed_at_the_top_and_its_link_opens_and_focuses_it(
    new_context, editor, issue
):
    page, _ = open_composer(new_context, editor, issue)
    entry_37 = "sections-3-entries-6"  # 3 sections of 10, then the 7th
    line(page, entry_37).locator(".c-toggle").click()
    page.locator(f"[name='{entry_37}-url']").fill("这不是链接")
    page.keyboard.press("Control+s")

    errors = page.locator("#composer-errors")
    expect(errors).to_be_visible()
    links = errors.get_by_role("link")
    expect(links).to_have_count(1)
    expect(links.first).to_contain_text("博文条目7")
    assert errors.bounding_box()["y"] < VIEWPORT["height"]  # at the top, on the first screen
    expect(page.locator(f"#{entry_37}")).not_to_have_class(re.compile(r"is-collapsed"))
    expect(page.locator(".c-entry.is-collapsed")).to_have_count(39)

    links.first.click()
    expect(page.locator(f"[name='{entry_37}-url']")).to_be_focused()
    expect(page.locator(f"[name='{entry_37}-url']")).to_be_in_viewport()
    assert Issue.objects.get(pk=issue.pk).version == issue.version  # nothing saved


def test_pasting_three_house_format_entries_adds_three_entries_with_their_fields(
    new_context, editor, issue
):
    page, _ = open_composer(new_context, editor, issue)
    group = page.locator("#sections-1-entries-group")
    group.get_by_role("button", name="粘贴条目").click()
    group.locator(".c-paste textarea").fill(
        "- [2701.00001] [QuickQuant：面向 MCU 的 2 比特量化 | arXiv](https://arxiv.org/abs/2701.00001)\n"
        "代码：https://github.com/example/quickquant\n"
        "摘要：在 **Cortex-M** 上训练 2 比特网络。\n"
        "- [蜂鸟 NPU 发布 | 芯片观察](https://example.com/news/hummingbird) [[原文]](https://example.com/o)\n"
        "摘要：端侧 7B 模型首字延迟 150ms。\n"
        "- [开源推理框架 FalconRT](https://example.com/falconrt)\n"
    )
    group.get_by_role("button", name="预览").click()
    expect(group.locator(".c-paste-list > li")).to_have_count(3)
    group.get_by_role("button", name="添加 3 条").click()

    expect(group.locator(".c-entry:not(.djn-empty-form)")).to_have_count(13)
    expect(page.locator("[name='sections-1-entries-10-label']")).to_have_value("2701.00001")
    expect(page.locator("[name='sections-1-entries-11-source']")).to_have_value("芯片观察")
    page.locator("#composer-bar input[name=_continue]").click()
    expect(success(page)).to_be_visible()

    papers = issue.sections.get(title="论文")
    added = list(papers.entries.all())[10:]
    assert [(e.label, e.title, e.source, e.url) for e in added] == [
        (
            "2701.00001",
            "QuickQuant：面向 MCU 的 2 比特量化",
            "arXiv",
            "https://arxiv.org/abs/2701.00001",
        ),
        ("", "蜂鸟 NPU 发布", "芯片观察", "https://example.com/news/hummingbird"),
        ("", "开源推理框架 FalconRT", "", "https://example.com/falconrt"),
    ]
    assert added[0].metadata == "代码：https://github.com/example/quickquant"
    assert added[0].summary == "在 **Cortex-M** 上训练 2 比特网络。"
    assert added[1].extra_links == "[[原文]](https://example.com/o)"


def test_unsaved_edits_are_offered_back_after_the_tab_closes_never_applied_silently(
    new_context, editor, issue
):
    context = new_context(viewport=VIEWPORT)
    page = login(context.new_page(), editor)
    page.goto(change_url(issue))
    page.locator("#id_headline").fill("崩溃前的标题")
    expect(page.locator("#composer-bar .c-bar-status")).to_have_text("有未保存的修改")
    page.close()  # a closed tab: no save

    # Someone saves the issue meanwhile: the draft is now based on an older version.
    Issue.objects.filter(pk=issue.pk).update(version=issue.version + 1)

    reopened = context.new_page()
    reopened.goto(change_url(issue))
    offer = reopened.locator("#composer-draft")
    expect(offer).to_be_visible()
    expect(reopened.locator("#id_headline")).to_have_value("原标题")  # not applied by itself
    expect(offer).to_contain_text(f"基于版本 {issue.version}")
    expect(offer.locator(".c-draft-diff li")).to_have_count(1)
    expect(offer.locator(".c-draft-diff del")).to_have_text("原标题")
    expect(offer.locator(".c-draft-diff ins")).to_have_text("崩溃前的标题")

    offer.get_by_role("button", name="恢复这些修改").click()
    expect(reopened.locator("#id_headline")).to_have_value("崩溃前的标题")
    issue.refresh_from_db()
    assert issue.headline == "原标题"  # still only offered: saving is the editor's choice


def test_composer_has_no_horizontal_scroll_on_a_phone(new_context, editor, issue):
    page, _ = open_composer(new_context, editor, issue, viewport=PHONE)
    assert has_no_horizontal_scroll(page)
    line(page, "sections-0-entries-0").locator(".c-toggle").click()
    assert has_no_horizontal_scroll(page)
    outline = page.locator("#composer-outline .c-outline-toggle")
    outline.click()
    expect(page.locator("#composer-outline-list")).to_be_visible()
    assert has_no_horizontal_scroll(page)
    outline.click()
    page.locator("#sections-0-entries-group").evaluate("group => group.scrollIntoView()")
    screenshot(page, "admin-composer-phone", full_page=False)


def test_keyboard_alone_opens_moves_and_reaches_the_outline(new_context, editor, issue):
    page, _ = open_composer(new_context, editor, issue)
    toggle = line(page, "sections-2-entries-3").locator(".c-toggle")
    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("ArrowDown")
    expect(line(page, "sections-2-entries-4").locator(".c-toggle")).to_be_focused()
    page.keyboard.press("Alt+Home")
    assert page.evaluate(
        "() => document.activeElement.closest('.c-entry').previousElementSibling"
        ".classList.contains('djn-no-drag')"
    )
    outline = page.locator("#composer-outline").get_by_role("link", name="博文条目9：示例芯片发布")
    outline.focus()
    page.keyboard.press("Enter")
    expect(line(page, "sections-3-entries-8").locator(".c-toggle")).to_be_focused()
    expect(line(page, "sections-3-entries-8").locator(".c-toggle")).to_have_attribute(
        "aria-expanded", "true"
    )


def test_opening_an_issue_with_gaps_in_its_positions_does_not_count_as_an_edit(
    new_context, editor, issue
):
    # Imported or edited elsewhere: positions 0, 5, 10, … renumbered by the page on load.
    for entry in Entry.objects.filter(section__issue=issue).order_by("-position"):
        Entry.objects.filter(pk=entry.pk).update(position=entry.position * 5)
    page, _ = open_composer(new_context, editor, issue)
    page.wait_for_timeout(600)
    expect(page.locator("#composer-bar .c-bar-status")).to_have_text("")
    expect(page.locator(".c-entry.is-edited")).to_have_count(0)
    drafts = page.evaluate(
        "() => Object.keys(localStorage).filter(key => key.startsWith('digest:composer:'))"
    )
    assert drafts == []
