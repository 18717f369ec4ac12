"""The one place that turns content into HTML or house-format Markdown.

Every user-written Markdown field goes through ``render_markdown``: Markdown to
HTML, then ``nh3`` with an explicit allow-list, so scripts, event handlers,
style, iframes and ``javascript:``/``data:`` URLs never reach a reader. Every
``mark_safe`` on content is here (search highlights included); the only other
one in the project marks the composer's JSON settings safe after escaping
them the way ``json_script`` does.
"""

import dataclasses
import hashlib
import html as html_lib
import re
from functools import lru_cache
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import markdown
import nh3
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext

from issues import archive
from issues.search import excerpt

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "del",
    "em",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"},
    "td": {"align"},
    "th": {"align"},
    "ol": {"start"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


@lru_cache(maxsize=1)
def _markdown():
    return markdown.Markdown(extensions=["tables", "sane_lists"], output_format="html")


def render_markdown(text: str) -> SafeString:
    """Markdown from an editor, as HTML safe to show anyone."""
    if not text:
        return mark_safe("")
    converter = _markdown()
    converter.reset()
    html = converter.convert(text)
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above


def render_inline_markdown(text: str) -> SafeString:
    """Markdown for one line (a title, extra links): no surrounding paragraph."""
    html = str(render_markdown(text))
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return mark_safe(html)  # noqa: S308 - came out of render_markdown


_md_image = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_md_link = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_md_marks = re.compile(r"(\*\*|__|`|^\s*>\s?|^\s*[-*+]\s+|^\s*\d+\.\s+|^#+\s*)", re.MULTILINE)
_space = re.compile(r"\s+")


def plain_text(markdown_text: str) -> str:
    """Markdown as one line of plain text, good enough for excerpts and meta tags."""
    text = _md_image.sub("", markdown_text or "")
    text = _md_link.sub(r"\1", text)
    text = _md_marks.sub("", text)
    return _space.sub(" ", text).strip()


def entry_anchor(entry, taken: set[str]) -> str:
    """A short, stable id for an entry: it survives reordering and re-imports.

    Derived from the entry's link (or title for link-less entries); ``taken``
    holds the anchors already given out in the same issue.
    """
    basis = entry.url or f"{entry.label} {entry.title}"
    anchor = "e-" + hashlib.sha1(basis.encode("utf-8")).hexdigest()[:8]
    candidate, suffix = anchor, 2
    while candidate in taken:
        candidate, suffix = f"{anchor}-{suffix}", suffix + 1
    taken.add(candidate)
    return candidate


def presented_entries(doc):
    """The issue's sections with each entry's rendered parts and anchor."""
    taken: set[str] = set()
    sections = []
    for section in doc.sections:
        entries = []
        for entry in section.entries:
            if entry.attention:
                entries.append(_kept_as_written(entry, taken))
                continue
            summary_html = render_markdown(entry.summary)
            entries.append(
                {
                    "anchor": entry_anchor(entry, taken),
                    "label": entry.label,
                    "title_html": render_inline_markdown(entry.title),
                    "title": entry.title,
                    "source": entry.source,
                    "url": entry.url,
                    "extra_links_html": render_inline_markdown(entry.extra_links),
                    "metadata": [
                        (key, render_inline_markdown(value)) for key, value in entry.metadata
                    ],
                    "summary_html": summary_html,
                    # A summary opening with a list, quote or table cannot share
                    # its first line with the floated "摘要：" label.
                    "summary_opens_with_block": not summary_html.startswith("<p>"),
                    "doc": entry,
                }
            )
        sections.append(
            {"title": section.title, "note_html": render_markdown(section.note), "entries": entries}
        )
    return sections


def _kept_as_written(entry, taken):
    """An entry imported as written (its head line was damaged): its lines, rendered."""
    lines = "\n".join(part for part in (entry.title, entry.summary) if part)
    return {
        "anchor": entry_anchor(entry, taken),
        "verbatim_html": render_markdown(lines),
        "title": entry.title,
        "doc": entry,
    }


def render_issue_body(doc) -> SafeString:
    """The issue's own content as an HTML fragment (preamble, sections, entries).

    Page chrome that changes when other issues are published (navigation,
    archive grid) is not part of it, so the fragment can be rendered once at
    approval and stored.
    """
    html = render_to_string(
        "issues/issue_body.html",
        {
            "doc": doc,
            "preamble_html": render_markdown(expand_entry_count(doc.preamble, doc)),
            "sections": presented_entries(doc),
        },
    )
    return mark_safe(html)  # noqa: S308 - template autoescapes; Markdown parts are sanitised


# --- The entry count in the lead ------------------------------------------------

# Written in the preamble ("导读：本期{{条目数}}条"), shown as the number of
# entries the issue has wherever it is rendered or exported, so the lead is
# never out of date after an entry is added or removed.
ENTRY_COUNT_PLACEHOLDER = "{{条目数}}"


def entry_count(doc) -> int:
    return sum(len(section.entries) for section in doc.sections)


def expand_entry_count(text: str, doc) -> str:
    if ENTRY_COUNT_PLACEHOLDER not in (text or ""):
        return text
    return text.replace(ENTRY_COUNT_PLACEHOLDER, str(entry_count(doc)))


def with_entry_count(doc):
    """``doc`` with the entry-count placeholder of its preamble replaced by the number."""
    return dataclasses.replace(doc, preamble=expand_entry_count(doc.preamble, doc))


# --- The WeChat copy ------------------------------------------------------------

# The WeChat editor keeps inline styles only: it drops <style> blocks and
# classes, and it removes links to sites outside WeChat. So every element
# carries its style, and every link's address is also shown as text.
WECHAT_STYLES = {
    "section": "font-size:15px;line-height:1.75;color:#222;word-break:break-word;",
    "h1": "font-size:20px;line-height:1.4;margin:0 0 8px;font-weight:bold;",
    "h2": "font-size:18px;margin:28px 0 10px;padding-left:8px;border-left:4px solid #1a73e8;"
    "font-weight:bold;",
    "h3": "font-size:16px;margin:20px 0 8px;font-weight:bold;",
    "h4": "font-size:15px;margin:16px 0 8px;font-weight:bold;",
    "h5": "font-size:15px;margin:16px 0 8px;font-weight:bold;",
    "h6": "font-size:15px;margin:16px 0 8px;font-weight:bold;",
    "p": "margin:0 0 10px;font-size:15px;",
    "ul": "margin:0 0 10px;padding-left:22px;",
    "ol": "margin:0 0 10px;padding-left:22px;",
    "li": "margin:0 0 6px;font-size:15px;",
    "blockquote": "margin:0 0 12px;padding:8px 12px;border-left:3px solid #ccc;color:#555;"
    "background:#f7f7f7;font-size:15px;",
    "a": "color:#1a73e8;text-decoration:none;",
    "code": "font-family:Menlo,Consolas,monospace;font-size:13px;background:#f2f2f2;"
    "padding:1px 4px;border-radius:3px;",
    "pre": "font-family:Menlo,Consolas,monospace;font-size:13px;background:#f2f2f2;"
    "padding:10px;overflow-x:auto;white-space:pre-wrap;",
    "img": "max-width:100%;height:auto;",
    "table": "border-collapse:collapse;margin:0 0 12px;",
    "th": "border:1px solid #ddd;padding:4px 8px;",
    "td": "border:1px solid #ddd;padding:4px 8px;",
    "hr": "border:0;border-top:1px solid #ddd;margin:20px 0;",
    "strong": "font-weight:bold;",
    "b": "font-weight:bold;",
}
WECHAT_URL_STYLE = "color:#888;font-size:12px;word-break:break-all;"
_VOID_TAGS = {"br", "hr", "img"}
_URL_ATTRIBUTES = {"href", "src"}
_WEB_SCHEMES = {"http", "https", "mailto"}


class _WeChatRewriter(HTMLParser):
    """Re-emits trusted, already sanitised HTML with inline styles and absolute links.

    Only attributes it knows are kept (never ``class``, ``id`` or event
    handlers); every text and attribute is escaped again on the way out.
    """

    KEPT_ATTRIBUTES = {"href", "src", "alt", "title", "width", "height", "align", "start"}

    def __init__(self, base_url):
        super().__init__(convert_charrefs=True)
        self.base_url = base_url
        self.out = []
        self.links = []  # stack of (href, text seen so far)

    def _absolute(self, value):
        address = urljoin(self.base_url, value.strip())
        return address if urlsplit(address).scheme.lower() in _WEB_SCHEMES else ""

    def handle_starttag(self, tag, attrs):
        kept = []
        href = ""
        for name, value in attrs:
            if name not in self.KEPT_ATTRIBUTES or value is None:
                continue
            if name in _URL_ATTRIBUTES:
                value = self._absolute(value)
                if not value:
                    continue
                if name == "href":
                    href = value
            kept.append((name, value))
        if tag in WECHAT_STYLES:
            kept.append(("style", WECHAT_STYLES[tag]))
        rendered = "".join(
            f' {name}="{html_lib.escape(value, quote=True)}"' for name, value in kept
        )
        self.out.append(f"<{tag}{rendered}>")
        if tag == "a":
            self.links.append([href, ""])

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag in _VOID_TAGS:
            return
        self.out.append(f"</{tag}>")
        if tag == "a" and self.links:
            href, text = self.links.pop()
            shown = href.removeprefix("mailto:")
            if href and text.strip() != shown:
                self.out.append(
                    f' <span style="{WECHAT_URL_STYLE}">{html_lib.escape(shown)}</span>'
                )

    def handle_data(self, data):
        for link in self.links:
            link[1] += data
        self.out.append(html_lib.escape(data, quote=False))


def wechat_html(fragment: str, base_url: str) -> SafeString:
    """Sanitised HTML restyled for the WeChat editor (see ``_WeChatRewriter``)."""
    rewriter = _WeChatRewriter(base_url)
    rewriter.feed(str(fragment))
    rewriter.close()
    return mark_safe("".join(rewriter.out))  # noqa: S308 - re-escaped, sanitised input


def _summary_with_label(entry) -> SafeString:
    """ "摘要：" on the summary's first line, as in the house format."""
    html = str(entry["summary_html"])
    if not html or entry["doc"].verbatim_body:
        return entry["summary_html"]
    label = "<strong>" + html_lib.escape(gettext("摘要：")) + "</strong>"
    if html.startswith("<p>"):
        return mark_safe("<p>" + label + html[3:])  # noqa: S308 - sanitised above
    return mark_safe("<p>" + label + "</p>" + html)  # noqa: S308 - sanitised above


def render_wechat_issue(doc, *, base_url: str) -> SafeString:
    """The issue as one HTML fragment for pasting into the WeChat editor.

    Inline styles only, no classes, every link absolute (relative ones are
    resolved against ``base_url``) and followed by its address as text.
    """
    doc = with_entry_count(doc)
    sections = presented_entries(doc)
    for section in sections:
        for entry in section["entries"]:
            entry["summary_html"] = _summary_with_label(entry)
    html = render_to_string(
        "curation/wechat_body.html",
        {"doc": doc, "preamble_html": render_markdown(doc.preamble), "sections": sections},
    )
    return wechat_html(html, base_url)


def highlight(text: str, terms: list[str]):
    """``text`` escaped, with every case-insensitive occurrence of a term in <mark>."""
    return highlighter(terms)(text)


def highlighter(terms: list[str]):
    """``highlight`` for these terms, made once for many texts.

    Matches are found in the raw text and each piece is escaped on its own,
    so a term can never match inside an entity or inject markup.
    """
    wanted = sorted({term for term in terms if term}, key=len, reverse=True)
    if not wanted:
        return lambda text: escape(text or "")
    pattern = re.compile("|".join(re.escape(term) for term in wanted), re.IGNORECASE)

    def mark(text):
        if not text:
            return escape("")
        parts = []
        position = 0
        for match in pattern.finditer(text):
            parts.append(html_lib.escape(text[position : match.start()]))
            parts.append(f"<mark>{html_lib.escape(match.group(0))}</mark>")
            position = match.end()
        parts.append(html_lib.escape(text[position:]))
        return mark_safe("".join(parts))  # noqa: S308 - every piece of text is escaped

    return mark


def entry_results_html(entries, terms, *, issue_path, source_path, hide_source=False):
    """Published entries as the items of a results list (search, a source's page).

    Built here rather than in a template, as the grid is: twenty results of a
    dozen values each were most of a results page's time. The reader's
    ``terms`` are marked in the title, label, source and an excerpt of the
    summary (``highlight`` escapes every piece); ``issue_path(date)`` and
    ``source_path(source)`` give the links. Every other value is escaped.
    """
    original = escape(gettext("原文"))
    mark = highlighter(terms)
    items = []
    for entry in entries:
        day = entry.publication_date.isoformat()
        page = escape(issue_path(entry.publication_date))
        label = f'<span class="entry-label">{mark(entry.label)}</span> ' if entry.label else ""
        source = (
            f'<a href="{escape(source_path(entry.source))}">{mark(entry.source)}</a> · '
            if entry.source and not hide_source
            else ""
        )
        link = (
            f' · <a href="{escape(entry.url)}" rel="noopener noreferrer nofollow">{original}</a>'
            if entry.url
            else ""
        )
        summary = mark(excerpt(plain_text(entry.summary), terms))
        if summary:
            summary = f'<p class="result-summary">{summary}</p>'
        title = mark(plain_text(entry.title))
        items.append(
            '<li class="result">\n'
            f'    <p class="result-head">{label}<a class="result-title"'
            f' href="{page}#{escape(entry.anchor)}">{title}</a></p>\n'
            f'    <p class="result-meta">{source}<a href="{page}">'
            f'<time datetime="{day}">{day}</time></a>'
            f" · {escape(entry.section_title)}{link}</p>\n"
            f"    {summary}\n"
            "  </li>"
        )
    return mark_safe("".join(items))  # noqa: S308 - see the docstring


def grid_table_html(years: list[str]) -> SafeString:
    """The archive grid: a table around its years' ``<tbody>`` blocks (newest first).

    Built here rather than in a template: /archive/ has thousands of cells,
    and a template loop spent most of the page's time on them. A year is the
    rows of ``grid_row_html`` followed by ``GRID_YEAR_END``; the catalogue
    (``issues.catalogue``) keeps them, and an issue page marks its own cell in
    a copy (``grid_mark_current``). Everything written comes from dates, years and
    paths made by ``reverse()``, none of which can hold markup; the translated
    texts are escaped.
    """
    caption = escape(gettext("已发布的各期简报，按年份从新到旧排列"))
    return mark_safe(  # noqa: S308 - see the docstring
        f'<table class="archive-grid">\n  <caption class="visually-hidden">{caption}</caption>'
        + "".join(years)
        + "\n</table>"
    )


GRID_YEAR_END = "\n  </tbody>"


def grid_row_html(row: archive.Row) -> str:
    """One row of the grid; a year's digits row opens its ``<tbody>``."""
    if row.kind == "year":
        label = escape(gettext("%(year)s 年") % {"year": row.year})
        digits = "".join(
            f'<th scope="colgroup" aria-label="{label}">{cell.text}</th>'
            if index == 0
            else f'<th scope="colgroup" aria-hidden="true">{cell.text}</th>'
            for index, cell in enumerate(row.cells)
        )
        return f'\n  <tbody id="y{row.year}">\n  <tr class="archive-year">{digits}</tr>'
    return "\n  <tr>" + "".join(grid_cell_html(cell) for cell in row.cells) + "</tr>"


def grid_cell_html(cell: archive.Cell) -> str:
    """One issue's cell (or padding): a link, or marked when it is the page's own issue."""
    if cell.kind != "issue":
        return '<td class="archive-empty"></td>'
    if cell.current:
        return f'<td class="archive-current" aria-current="page"><span>{cell.text}</span></td>'
    return f'<td><a href="{cell.url}">{cell.text}</a></td>'


def grid_mark_current(grid: str, cell: archive.Cell) -> SafeString:
    """``grid`` (from ``grid_table_html``) with ``cell``, an issue's, marked as the current one."""
    marked = grid.replace(
        grid_cell_html(cell), grid_cell_html(dataclasses.replace(cell, current=True)), 1
    )
    return mark_safe(marked)  # noqa: S308 - grid_table_html's and grid_cell_html's HTML


def issue_meta_html(*, title, description, site_name, url, date) -> SafeString:
    """An issue page's description and sharing tags (Open Graph, Twitter cards).

    Built here rather than in the template for the reason ``issue_nav_html``
    is; every value is escaped.
    """
    title, description, site_name = escape(title), escape(description), escape(site_name)
    tags = [
        f'<meta name="description" content="{description}">',
        '<meta property="og:type" content="article">',
        f'<meta property="og:site_name" content="{site_name}">',
        '<meta property="og:locale" content="zh_CN">',
        f'<meta property="og:title" content="{title}">',
        f'<meta property="og:description" content="{description}">',
    ]
    if url:
        tags.append(f'<meta property="og:url" content="{escape(url)}">')
    tags.append(f'<meta property="article:published_time" content="{date.isoformat()}">')
    tags += [
        '<meta name="twitter:card" content="summary">',
        f'<meta name="twitter:title" content="{title}">',
        f'<meta name="twitter:description" content="{description}">',
    ]
    return mark_safe("\n  ".join(tags))  # noqa: S308 - every value is escaped


def issue_nav_html(older, newer, markdown_path, issue_path) -> SafeString:
    """The links under an issue: the issues before and after it, and its Markdown file.

    Built here rather than in the template, as the grid is: every uncached
    issue page has it, and its translated labels and links cost the template
    a tenth of the page. Dates and paths (``issue_path(date)``, from
    ``reverse()``) cannot hold markup; the translated texts are escaped.
    """
    if not (older or newer or markdown_path):
        return ""
    items = []
    for date, side, rel, label in (
        (older, "older", "prev", gettext("上一期")),
        (newer, "newer", "next", gettext("下一期")),
    ):
        if date:
            day = date.isoformat()
            items.append(
                f'\n    <li class="issue-nav-{side}"><a href="{issue_path(date)}" rel="{rel}">'
                f'<span class="issue-nav-label">{escape(label)}</span>'
                f' <time datetime="{day}">{day}</time></a></li>'
            )
    download = ""
    if markdown_path:
        text = escape(gettext("下载 Markdown 原文"))
        download = (
            f'\n  <p class="issue-download"><a href="{markdown_path}" download>{text}</a></p>'
        )
    label = escape(gettext("前后期"))
    return mark_safe(  # noqa: S308 - see the docstring
        f'<nav class="issue-nav" aria-label="{label}">\n  <ul>{"".join(items)}\n  </ul>'
        f"{download}\n</nav>"
    )


# Issue pages' and feeds' titles, and the lead of an issue's meta description.
LEAD_LENGTH = 120


def format_issue_title(publication_name, date, headline, separator) -> str:
    """The H1 of the house format: "嵌入式AI简报 (2021-07-18)：headline"."""
    title = f"{publication_name} ({date.isoformat()})"
    if headline:
        title += (separator or " ") + headline
    return title


def issue_title(doc) -> str:
    return format_issue_title(
        doc.publication_name, doc.publication_date, doc.headline, doc.headline_separator
    )


def issue_lead(doc) -> str:
    """The first lines of the preamble as plain text, for meta descriptions."""
    preamble = expand_entry_count(doc.preamble, doc)
    lines = [line for line in preamble.splitlines() if plain_text(line)][:3]
    return Truncator(plain_text("\n".join(lines))).chars(LEAD_LENGTH)
