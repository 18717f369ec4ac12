"""The words the curation scripts show, in the page's language.

The scripts are plain static files, so their words come from the server: the
``curation_texts`` tag writes them once per page as JSON, and each script
falls back to Chinese when a page has none.
"""

from django.utils.translation import gettext


def script_texts() -> dict:
    return {
        "fieldTitle": gettext("标题"),
        "fieldSource": gettext("来源"),
        "fieldSummary": gettext("摘要"),
        "fieldLabel": gettext("标签"),
        "seenBefore": gettext("⚠ 这个链接以前出现过（只是提醒，仍可保存）："),
        "suggestion": gettext("建议："),
        "useSuggestion": gettext("使用建议"),
        "filled": gettext("已填入："),
        "nothingToFill": gettext("要填的框都已有内容，未改动。"),
        "loading": gettext("载入中…"),
        "inboxEmpty": gettext("收集箱里没有待用的链接。"),
        "inboxUnavailable": gettext("收集箱暂时打不开。"),
        "unsavedFirst": gettext("本页有未保存的修改：请先保存，再从收集箱加入。"),
        "pickFirst": gettext("请先勾选要加入的链接。"),
        "pullFailed": gettext("加入失败。"),
        "pullRetry": gettext("加入失败，请重试。"),
        "searchInbox": gettext("搜索收集箱"),
        "addToSection": gettext("加入本栏目"),
        "copiedRich": gettext("已复制公众号版本，可以粘贴了。"),
        "copiedMarkdown": gettext("已复制 Markdown。"),
        "copyFailed": gettext("复制失败：请手动选中内容复制。"),
    }
