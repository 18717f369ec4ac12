"""Curation in a real browser, as a new editor meets it.

Collect three links (two through the bookmarklet's page, one through the
inbox form with a prefill suggestion from a page this test serves), see the
warning for a link a past issue already carried, pull two of them into the
next issue, and copy that issue's WeChat version to the clipboard.
"""

import datetime
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from curation import services
from curation.models import InboxItem
from issues.models import Entry
from tests.curation.conftest import allow_test_server, web_server  # noqa: F401 - fixtures
from tests.e2e.conftest import login, screenshot
from tests.factories import make_issue, make_user, publish

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

PAST_LINK = "https://mp.weixin.qq.com/s?__biz=MzE2NTk3&mid=2650001&idx=3&sn=5e1f0a9b"
# The same article as shared from a chat: extra per-share parameters and a fragment.
SHARED_VARIANT = PAST_LINK + "&chksm=8a1b2c3d&scene=21#wechat_redirect"
NEW_LINK = "https://example.com/2027/npu-benchmark"


def csp_violations(page):
    found = []
    page.on(
        "console",
        lambda message: (
            found.append(message.text)
            if "Content Security Policy" in message.text
            or "Content-Security-Policy" in message.text
            else None
        ),
    )
    return found


def collect_with_bookmarklet_page(page, url, title, *, source, section):
    page.goto(reverse("curation:collect") + "?" + urlencode({"url": url, "title": title}))
    expect(page.locator("#id_url")).to_have_value(url)
    expect(page.locator("#id_title")).to_have_value(title)
    page.locator("#id_source").fill(source)
    page.locator("#id_intended_section").fill(section)


def test_editor_collects_links_pulls_two_into_an_issue_and_copies_it_for_wechat(
    new_context,
    allow_test_server,  # noqa: F811
):
    editor = make_user("editor", groups=["editor"])
    past = make_issue(datetime.date(2026, 11, 10), user=editor, sections=(("业界新闻", 0),))
    Entry.objects.create(
        section=past.sections.get(), position=0, title="往期的一篇芯片文章", url=PAST_LINK
    )
    publish(past)
    draft = make_issue(
        datetime.date(2026, 11, 24),
        user=editor,
        preamble="> 导读：本期{{条目数}}条。",
        sections=(("业界新闻", 1), ("论文", 0)),
    )

    context = new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    violations = csp_violations(page)
    login(page, editor)

    # --- 1. The bookmarklet's page, for a link nobody has used -------------------------
    collect_with_bookmarklet_page(
        page, NEW_LINK, "NPU 跑分对比", source="示例评测", section="业界新闻"
    )
    expect(page.locator(".curation-linkcheck")).not_to_contain_text("以前出现过")
    page.get_by_role("button", name="收进收集箱").click()
    expect(page.locator(".curation-saved")).to_contain_text("NPU 跑分对比")
    expect(page.get_by_role("button", name="关闭窗口")).to_be_visible()

    # --- 2. The bookmarklet's page, for a link a past issue carried -------------------
    collect_with_bookmarklet_page(
        page, SHARED_VARIANT, "群里转发的文章", source="公众号", section="业界新闻"
    )
    warning = page.locator(".curation-duplicates")
    expect(warning).to_contain_text("这个链接以前出现过")
    expect(warning.get_by_role("link", name="2026-11-10 · 业界新闻")).to_have_attribute(
        "href", reverse("admin:issues_issue_change", args=[past.pk])
    )
    expect(warning).to_contain_text("往期的一篇芯片文章")
    screenshot(page, "curation-bookmarklet-duplicate")
    page.get_by_role("button", name="收进收集箱").click()  # a warning, never a block
    expect(page.locator(".curation-saved")).to_contain_text("群里转发的文章")
    expect(page.locator(".curation-duplicates")).to_contain_text("2026-11-10 · 业界新闻")

    # --- 3. The inbox form, with a suggestion fetched from the pasted page -------------
    page.goto(reverse("admin:curation_inboxitem_add"))
    page.locator("#id_url").fill(allow_test_server.base + "/article")
    page.locator("#id_url").blur()
    suggestion = page.locator(".curation-suggestion")
    expect(suggestion).to_contain_text("示例芯片公司发布 4 TOPS 端侧 NPU")
    screenshot(page, "curation-inbox-suggestion")
    suggestion.get_by_role("button", name="使用建议").click()
    expect(page.locator("#id_title")).to_have_value("示例芯片公司发布 4 TOPS 端侧 NPU")
    expect(page.locator("#id_source")).to_have_value("示例科技")
    expect(page.locator("#id_summary")).to_have_value("一款面向 <手机> 的低功耗推理芯片。")
    page.locator("#id_intended_section").fill("业界新闻")
    page.locator("input[name=_save]").click()
    expect(page.locator("ul.messagelist .success")).to_be_visible()
    assert InboxItem.objects.count() == 3

    # --- 4. Pull two of them into the draft's 业界新闻 ----------------------------------
    page.goto(reverse("admin:curation_inboxitem_changelist") + "?intended_section=业界新闻")
    screenshot(page, "curation-inbox")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(3)
    for title in ["NPU 跑分对比", "示例芯片公司发布 4 TOPS 端侧 NPU"]:
        rows.filter(has_text=title).locator("input.action-select").check()
    page.locator("select[name=action]").select_option("pull_into_section")
    page.locator("button[name=index]").click()
    page.locator("#id_section").select_option(label="2026-11-24 · 业界新闻")
    page.get_by_role("button", name="加入").click()
    expect(page.locator("ul.messagelist .success")).to_contain_text("2 条链接已加入")
    expect(rows.filter(has_text="NPU 跑分对比")).to_contain_text("2026-11-24 · 业界新闻")

    page.locator("ul.messagelist .success a").click()
    page.wait_for_url(f"**{reverse('admin:issues_issue_change', args=[draft.pk])}")
    titles = page.locator("input[name$='-title']")
    expect(titles.nth(0)).to_have_value("业界新闻")  # the section itself
    values = page.eval_on_selector_all(
        "input[name^='sections-0-entries-'][name$='-title']", "inputs => inputs.map(i => i.value)"
    )
    assert "NPU 跑分对比" in values and "示例芯片公司发布 4 TOPS 端侧 NPU" in values

    # --- 5. Copy the WeChat version --------------------------------------------------
    page.goto(reverse("curation:wechat", args=[draft.pk]))
    copy = page.locator("#wechat-copy")
    expect(copy).to_contain_text("本期3条")
    expect(copy).to_contain_text(NEW_LINK)  # the address is visible as text
    screenshot(page, "curation-wechat")
    page.get_by_role("button", name="复制公众号版本").click()
    expect(page.locator("#copy-status")).to_have_text("已复制公众号版本，可以粘贴了。")
    clipboard = page.evaluate(
        """async () => {
            const [item] = await navigator.clipboard.read();
            const html = await (await item.getType('text/html')).text();
            return {types: item.types, html};
        }"""
    )
    assert "text/html" in clipboard["types"]
    assert "NPU 跑分对比" in clipboard["html"] and 'style="' in clipboard["html"]
    assert "class=" not in clipboard["html"]

    page.get_by_role("button", name="复制为 Markdown").click()
    expect(page.locator("#copy-status")).to_have_text("已复制 Markdown。")
    markdown = page.evaluate("() => navigator.clipboard.readText()")
    assert markdown.startswith("---")
    assert f"[NPU 跑分对比 | 示例评测]({NEW_LINK})" in markdown

    assert violations == []


def test_issue_page_warns_about_a_past_link_and_pulls_from_the_inbox(new_context):
    editor = make_user("editor", groups=["editor"])
    past = make_issue(datetime.date(2026, 11, 10), user=editor, sections=(("业界新闻", 0),))
    Entry.objects.create(
        section=past.sections.get(), position=0, title="往期的一篇芯片文章", url=PAST_LINK
    )
    draft = make_issue(
        datetime.date(2026, 11, 24), user=editor, sections=(("业界新闻", 1), ("论文", 0))
    )
    papers = draft.sections.get(title="论文")
    services.collect(editor, url="https://arxiv.org/abs/2611.00001", title="收集的论文")
    page = new_context(viewport={"width": 1280, "height": 1600}).new_page()
    login(page, editor)
    change = reverse("admin:issues_issue_change", args=[draft.pk])
    page.goto(change)
    page.locator("#sections-0-entries-0 .c-toggle").click()

    # The entry's own link is no duplicate of itself; a past issue's link is.
    own_url = page.locator("[name='sections-0-entries-0-url']")
    own_url.fill(own_url.input_value() + "/")
    own_url.blur()
    page.wait_for_timeout(1000)
    expect(page.locator(".curation-duplicates")).to_have_count(0)
    own_url.fill(SHARED_VARIANT)
    own_url.blur()
    expect(page.locator(".curation-duplicates")).to_contain_text("2026-11-10 · 业界新闻")
    screenshot(page, "curation-issue-page-duplicate", full_page=False)

    # With that unsaved change the picker refuses rather than lose it on reload.
    page.locator("#sections-1").get_by_role("button", name="从收集箱加入").click()
    picker = page.locator(".curation-picker")
    picker.locator("label", has_text="收集的论文").locator("input").check()
    picker.get_by_role("button", name="加入本栏目").click()
    expect(picker.locator(".curation-picker-status")).to_contain_text("未保存")
    assert not papers.entries.exists()

    page.goto(change)
    page.locator("#sections-1").get_by_role("button", name="从收集箱加入").click()
    picker.locator("label", has_text="收集的论文").locator("input").check()
    picker.get_by_role("button", name="加入本栏目").click()
    expect(page.locator("[name='sections-1-entries-0-title']")).to_have_value("收集的论文")
    assert InboxItem.objects.get().used_section_title == "论文"


def test_the_inbox_picker_speaks_the_language_of_the_page(browser, live_server):
    """The scripts load in <head>; their words come from the page's body, read when needed."""
    editor = make_user("editor", groups=["editor"])
    issue = make_issue(datetime.date(2026, 11, 24), user=editor, sections=(("论文", 0),))
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    page = context.new_page()
    login(page, editor)
    page.goto(reverse("admin:issues_issue_change", args=[issue.pk]))

    page.get_by_role("button", name="Add from the inbox").click()

    picker = page.locator(".curation-picker")
    expect(picker.get_by_role("searchbox", name="Search the inbox")).to_be_visible()
    expect(picker.get_by_role("button", name="Add to this section")).to_be_visible()
    context.close()
