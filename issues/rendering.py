"""The one place that turns content into HTML or house-format Markdown.

Every user-written Markdown field goes through ``render_markdown``: Markdown to
HTML, then ``nh3`` with an explicit allow-list, so scripts, event handlers,
style, iframes and ``javascript:``/``data:`` URLs never reach a reader. This is
the project's only ``mark_safe``.
"""

import hashlib
import re
from functools import lru_cache

import markdown
import nh3
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

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
            "preamble_html": render_markdown(doc.preamble),
            "sections": presented_entries(doc),
        },
    )
    return mark_safe(html)  # noqa: S308 - template autoescapes; Markdown parts are sanitised
