"""What the issue page's composer needs from the server.

The composer is the issue change form made for forty entries: entries and
sections collapse to one line, move without dragging, keep unsaved edits in
the browser and add entries pasted in the house format. Its behaviour lives in
``static/admin/issues/composer.js``; this module gives it a light Markdown
widget, the "new/changed since approval" marks, its settings and the one
endpoint that parses pasted house-format lines.
"""

import json
from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed, JsonResponse
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext
from markdownx.widgets import MarkdownxWidget

from issues.documents import metadata_text
from issues.housefmt import HouseFormatError, parse
from issues.models import Entry

# Pasted text is parsed as the entries of one section of a synthetic issue;
# this many lines come before the pasted ones (for error line numbers).
_PASTE_PREAMBLE = "# 粘贴 (2000-01-01)\n\n## 粘贴\n\n"
_PASTE_PREAMBLE_LINES = _PASTE_PREAMBLE.count("\n")
PASTE_MAX_CHARS = 100_000
ENTRY_FIELDS = ("label", "title", "source", "url", "extra_links", "metadata", "summary")


class LazyMarkdownWidget(MarkdownxWidget):
    """A Markdown textarea whose preview is rendered only while it is being edited.

    markdownx's own script asks the server for a preview of every field as
    soon as the page loads (ninety-six requests on a forty-entry issue);
    ``composer_markdown.js`` previews one field, on focus and typing. The
    preview and upload addresses are given once per page, not per field.
    """

    template_name = "django/forms/widgets/textarea.html"

    def __init__(self, attrs=None):
        super().__init__(attrs={"class": "c-md", **(attrs or {})})
        self.attrs.pop("cols", None)

    @staticmethod
    def add_markdownx_attrs(attrs):
        return attrs

    class Media:
        extend = False
        js = ["admin/issues/composer_markdown.js"]


def hostname(url):
    """The host of ``url`` without ``www.``, for an entry's one-line summary."""
    try:
        host = urlsplit(url or "").hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


def _entry_key(title, url):
    return ("url", url) if url else ("title", title)


def _fingerprint(label, title, source, extra_links, metadata, summary):
    return (label, title, source, extra_links, metadata.strip(), summary.strip())


def entry_marks(issue):
    """``{entry pk: "new" | "changed"}`` against the last approved revision (2 queries).

    Entries are matched by link (by title when they have none). Nothing is
    marked before the issue's first approval: then everything is new.
    """
    approved = issue.revisions.approved().first()
    if approved is None:
        return {}
    known = {}
    for section in approved.document().sections:
        for doc in section.entries:
            known[_entry_key(doc.title, doc.url)] = _fingerprint(
                doc.label,
                doc.title,
                doc.source,
                doc.extra_links,
                metadata_text(doc.metadata),
                doc.summary,
            )
    marks = {}
    for entry in Entry.objects.filter(section__issue=issue):
        before = known.get(_entry_key(entry.title, entry.url))
        now = _fingerprint(
            entry.label, entry.title, entry.source, entry.extra_links, entry.metadata, entry.summary
        )
        if before is None:
            marks[entry.pk] = "new"
        elif before != now:
            marks[entry.pk] = "changed"
    return marks


def composer_config(issue):
    """Settings and words for ``composer.js``, embedded with ``json_script``."""
    return {
        "issue": issue.pk if issue is not None else None,
        "version": issue.version if issue is not None else None,
        "parseUrl": reverse("admin:issues_issue_composer_entries"),
        "previewUrl": reverse("markdownx_markdownify"),
        "uploadUrl": reverse("markdownx_upload"),
        "text": {
            "openAll": gettext("全部展开"),
            "closeAll": gettext("全部收起"),
            "moveUp": gettext("上移"),
            "moveDown": gettext("下移"),
            "moveTop": gettext("移到栏目顶部"),
            "moveTo": gettext("移到栏目…"),
            "errors": plural_forms(
                lambda n: ngettext(
                    "%(count)s 处错误，点击定位：", "%(count)s 处错误，点击定位：", n
                )
            ),
            "unsaved": gettext("有未保存的修改"),
            "leave": gettext("有未保存的修改，离开会丢失。"),
            "draftFound": gettext("浏览器里有此期未保存的修改（%(time)s）。"),
            "draftOlder": gettext(
                "这些修改基于版本 %(draft)s，此期已被保存为版本 %(current)s："
                "恢复前请核对下面的差异。"
            ),
            "draftRestore": gettext("恢复这些修改"),
            "draftDiscard": gettext("丢弃"),
            "draftRestored": gettext("已恢复未保存的修改，请检查后保存。"),
            "paste": gettext("粘贴条目"),
            "pasteHelp": gettext(
                "粘贴 house 格式的条目（“- [标题 | 来源](链接)”及其元信息、摘要行），可多条。"
            ),
            "pastePreview": gettext("预览"),
            "pasteAdd": plural_forms(
                lambda n: ngettext("添加 %(count)s 条", "添加 %(count)s 条", n)
            ),
            "pasteCancel": gettext("取消"),
            "pasteNone": gettext("没有找到条目：每条以“- ”开头。"),
            "pasteVerbatim": gettext("正文不是“元信息 + 摘要：”格式，将整体放入摘要。"),
            "pasteFailed": gettext("无法解析：%(error)s"),
            "entries": plural_forms(lambda n: ngettext("%(count)s 条", "%(count)s 条", n)),
            "untitled": gettext("（无标题）"),
            "empty": gettext("（空）"),
        },
    }


def plural_forms(counted):
    """A counted text for the composer's script: ``{"one": …, "other": …}``.

    ``counted(n)`` is an ``ngettext`` call (so that makemessages finds its
    texts). Both languages of the site (Chinese, English) have at most these
    two forms; the script picks "one" for a count of 1.
    """
    return {"one": counted(1), "other": counted(2)}


# What json_script escapes, so the JSON cannot close its <script> element.
_SCRIPT_SAFE = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def config_json(issue):
    """``composer_config`` as JSON safe inside ``<script>``, Chinese as is (half the bytes)."""
    text = json.dumps(composer_config(issue), ensure_ascii=False).translate(_SCRIPT_SAFE)
    return mark_safe(text)  # noqa: S308 -- escaped as json_script escapes


def _entry_data(doc):
    return {
        "label": doc.label,
        "title": doc.title,
        "source": doc.source,
        "url": doc.url,
        "extra_links": doc.extra_links,
        "metadata": metadata_text(doc.metadata),
        "summary": doc.summary,
        "verbatim_body": doc.verbatim_body,
    }


def _entry_problems(doc):
    entry = Entry(**{name: value for name, value in _entry_data(doc).items()})
    try:
        entry.full_clean(exclude=["section", "position"], validate_constraints=False)
    except ValidationError as error:
        messages = (message for field in error.message_dict.values() for message in field)
        return list(dict.fromkeys(messages))  # two validators may say the same thing
    return []


def parse_entries(text):
    """House-format entry lines → the entries' fields, parsed as the importer parses them.

    Returns ``(entries, error)``: each entry is a dict of the entry form's
    fields plus ``verbatim_body`` and ``problems`` (what the form would
    refuse); ``error`` is a one-line message when the text cannot be parsed.
    """
    text = text.strip("\n")
    if not text.strip():
        return [], ""
    try:
        doc = parse(_PASTE_PREAMBLE + text + "\n")
    except HouseFormatError as error:
        line = error.line - _PASTE_PREAMBLE_LINES if error.line else None
        if line is not None and line > 0:
            return [], gettext("第 %(line)s 行：%(message)s") % {
                "line": line,
                "message": error.message,
            }
        return [], error.message
    if len(doc.sections) != 1:
        return [], gettext("粘贴的内容里不能有“## ”栏目标题。")
    section = doc.sections[0]
    if section.note.strip():
        return [], gettext("每个条目以“- ”开头；第一行之前的文字不是条目：%(text)s") % {
            "text": section.note.splitlines()[0][:60]
        }
    return [{**_entry_data(doc), "problems": _entry_problems(doc)} for doc in section.entries], ""


def parse_entries_view(model_admin, request):
    """POST ``{"text": …}`` → ``{"entries": […], "error": "…"}``; editors only."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not model_admin.has_add_permission(request) and not model_admin.has_change_permission(
        request
    ):
        raise PermissionDenied
    try:
        text = json.loads(request.body or b"{}").get("text", "")
    except (ValueError, AttributeError):
        text = None
    if not isinstance(text, str):
        return JsonResponse({"entries": [], "error": gettext("请求格式不对。")}, status=400)
    if len(text) > PASTE_MAX_CHARS:
        return JsonResponse(
            {
                "entries": [],
                "error": gettext("一次最多粘贴 %(count)s 个字符。") % {"count": PASTE_MAX_CHARS},
            },
            status=400,
        )
    entries, error = parse_entries(text)
    return JsonResponse({"entries": entries, "error": error})
