"""Read a legacy house-format Markdown file into an IssueDoc.

Layout (see the spec, house-format.md): optional Jekyll front matter, the H1
"# NAME (YYYY-MM-DD)" with an optional headline, the bold tagline, a free
Markdown preamble, then "## " sections holding "- " entries. Everything from
the archive heading ("## [往期回顾](…)" / "## 往期回顾") or the first "----"
rule on is generated (archive grid, QR code, editor lines, licence badge) and
is dropped.

Entry body rule. The lines under an entry head line, up to the next top-level
"- " line or "## " heading, are its body. Blank-line runs are folded to one and
trailing blank lines dropped (the round-trip rule ignores both). The body is
read in its canonical shape when it is:

    key：value          zero or more metadata lines (full-width colon; the key
    key：value          has no white space and does not start with Markdown syntax)
    摘要：first line    optional; everything from here on is the summary,
    more Markdown       continuation lines, sub-lists, images, blank lines…

and writing ``metadata`` + "摘要：" + ``summary`` back gives the same lines. Any
other body (no "摘要：" marker after text, "摘要" without colon, an ASCII-colon
"key: value", indented "  摘要：", a nested sub-entry…) is kept whole:
``metadata`` is empty, ``summary`` is the body as written and
``verbatim_body`` is True; the dumper then writes the summary lines back as
they are, without adding a "摘要：" marker. Key/value lines after "摘要：" are
part of the summary text.

Head line rule. "- " then an optional "[label] " (only when a link follows),
then "[TEXT](URL)" and anything after it as ``extra_links``. TEXT is split at
its last " | " into title and source (only when the source is not blank).
A head line that does not start with a link is a link-less entry: the whole
line is the title; so is a line whose link has an empty target ("[…]()") or
has text glued to its closing ")", since only the whole line dumps back the
same. A head line that starts like a link but never closes it is an error
(usually a truncated file), and so is a file without any "## " section.

Not representable (never seen in the legacy archive): blank lines between two entries of a
section, and a section heading not followed by a blank line; the dumper always
writes entries back to back and a blank line under each heading.
"""

from __future__ import annotations

import datetime
import re

from ._text import is_generated_start, split_lines, tidy_block
from .document import EntryDoc, HouseFormatError, IssueDoc, SectionDoc
from .dumper import entry_body_lines

_H1 = re.compile(r"^#\s+(?P<name>.+?)\s*\((?P<date>[^()]*)\)(?P<rest>.*)$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TAGLINE = re.compile(r"^\*\*(?P<text>.*)\*\*$")
# Whatever leads the headline: spaces and/or one colon of either width.
_HEADLINE_SEP = re.compile(r"^\s*[：:]?\s*")
_METADATA = re.compile(r"^(?P<key>[^\s：\-*+>#\[!|`<][^\s：]{0,39})：(?P<value>.*)$")
_SUMMARY_MARKER = "摘要："
# Control characters never occur in a text file; they mean binary junk.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def parse(text: str) -> IssueDoc:
    """Parse one house-format file; raise HouseFormatError on bad input."""
    if not isinstance(text, str):
        raise HouseFormatError(f"expected text, got {type(text).__name__}")
    lines = split_lines(text)
    _reject_binary(lines)

    pos = _skip_front_matter(lines)
    pos = _skip_blank(lines, pos)
    if pos >= len(lines):
        raise HouseFormatError("expected an H1 '# NAME (YYYY-MM-DD)', found end of file", pos)
    name, date, separator, headline = _parse_h1(lines[pos], pos + 1)

    end = pos + 1
    while end < len(lines) and not is_generated_start(lines[end]):
        end += 1

    doc = IssueDoc(
        publication_date=date,
        publication_name=name,
        headline=headline,
        headline_separator=separator,
    )
    pos = _skip_blank(lines, pos + 1, end)
    if pos < end and (tagline := _TAGLINE.match(lines[pos].rstrip())):
        doc.tagline = tagline.group("text")
        pos += 1

    first_section = pos
    while first_section < end and not _is_section_heading(lines[first_section]):
        first_section += 1
    doc.preamble = "\n".join(tidy_block(lines[pos:first_section]))
    if first_section >= end:
        # Every issue has sections; a file without one was cut off early.
        raise HouseFormatError("no '## ' section found (truncated file?)", max(end, 1))
    doc.sections = _parse_sections(lines, first_section, end)
    return doc


def _reject_binary(lines: list[str]) -> None:
    for number, line in enumerate(lines, start=1):
        found = _CONTROL.search(line)
        if found:
            code = ord(found.group())
            raise HouseFormatError(f"binary data: control character U+{code:04X}", number)


def _skip_front_matter(lines: list[str]) -> int:
    """Return the index just after the Jekyll front matter (0 when there is none)."""
    start = _skip_blank(lines, 0)
    if start >= len(lines) or lines[start].rstrip() != "---":
        return 0
    for index in range(start + 1, len(lines)):
        if lines[index].rstrip() == "---":
            return index + 1
    raise HouseFormatError("front matter is not closed by '---' (truncated file?)", start + 1)


def _skip_blank(lines: list[str], pos: int, end: int | None = None) -> int:
    stop = len(lines) if end is None else end
    while pos < stop and not lines[pos].strip():
        pos += 1
    return pos


def _parse_h1(line: str, number: int) -> tuple[str, datetime.date, str, str]:
    match = _H1.match(line.rstrip())
    if not match:
        raise HouseFormatError("expected an H1 '# NAME (YYYY-MM-DD)'", number)
    raw_date = match.group("date").strip()
    if not _DATE.match(raw_date):
        raise HouseFormatError(f"H1 date {raw_date!r} is not YYYY-MM-DD", number)
    try:
        date = datetime.date.fromisoformat(raw_date)
    except ValueError as exc:
        raise HouseFormatError(
            f"H1 date {raw_date!r} is not a valid date ({exc})", number
        ) from None
    rest = match.group("rest")
    separator = _HEADLINE_SEP.match(rest).group()
    return match.group("name"), date, separator, rest[len(separator) :]


def _is_section_heading(line: str) -> bool:
    return line.startswith("## ") or line.rstrip() == "##"


def _is_entry_head(line: str) -> bool:
    return line.startswith("- ") or line.rstrip() == "-"


def _parse_sections(lines: list[str], pos: int, end: int) -> list[SectionDoc]:
    sections: list[SectionDoc] = []
    while pos < end:
        # pos is always on a "## " heading here.
        section = SectionDoc(title=lines[pos][2:].strip(), line=pos + 1)
        if not section.title:
            raise HouseFormatError("section heading '## ' has no title", pos + 1)
        stop = pos + 1
        while stop < end and not _is_section_heading(lines[stop]):
            stop += 1
        first_entry = pos + 1
        while first_entry < stop and not _is_entry_head(lines[first_entry]):
            first_entry += 1
        section.note = "\n".join(tidy_block(lines[pos + 1 : first_entry]))
        section.entries = _parse_entries(lines, first_entry, stop)
        sections.append(section)
        pos = stop
    return sections


def _parse_entries(lines: list[str], pos: int, end: int) -> list[EntryDoc]:
    entries: list[EntryDoc] = []
    while pos < end:
        # pos is always on a top-level "- " line here.
        stop = pos + 1
        while stop < end and not _is_entry_head(lines[stop]):
            stop += 1
        entry = _parse_head(lines[pos][2:].rstrip(), pos + 1)
        _parse_body(entry, lines[pos + 1 : stop])
        entries.append(entry)
        pos = stop
    return entries


def _parse_head(head: str, number: int) -> EntryDoc:
    if not head.strip():
        raise HouseFormatError("entry has no title (empty '- ' line)", number)
    label = ""
    link = None
    label_end = _match_brackets(head, 0)
    if label_end is not None and head.startswith(" [", label_end):
        link = _scan_link(head, label_end + 1)
        if link is not None:
            label = head[1 : label_end - 1]
        elif _link_is_open(head, label_end + 1):
            raise HouseFormatError("entry link is not closed (truncated line?)", number)
    if link is None:
        link = _scan_link(head, 0)
    if link is None:
        if _link_is_open(head, 0):
            raise HouseFormatError("entry link is not closed (truncated line?)", number)
        return EntryDoc(title=head, line=number)

    text, url, link_end = link
    extra = head[link_end:]
    if not url.strip() or (extra and not extra.startswith(" ")):
        # A link with an empty target ("[…]()", seen in legacy files) or text
        # glued to the link ("…](url)；") has no field-wise form that dumps back
        # the same; keep the line whole as a link-less entry so nothing is lost.
        return EntryDoc(title=head, line=number)
    title, source = text, ""
    bar = text.rfind(" | ")
    if bar >= 0 and text[bar + 3 :].strip():
        title, source = text[:bar], text[bar + 3 :]
    if not title.strip():
        raise HouseFormatError("entry has no title", number)
    return EntryDoc(
        title=title,
        label=label,
        source=source,
        url=url,
        extra_links=extra[1:],  # the dumper writes back the one space it drops
        line=number,
    )


def _match_brackets(text: str, pos: int) -> int | None:
    """Index just after the "]" closing the "[" at pos, or None."""
    if not text.startswith("[", pos):
        return None
    depth = 0
    index = pos
    while index < len(text):
        char = text[index]
        if char == "\\":
            index += 2  # an escaped bracket does not count
            continue
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
            if depth == 0:
                return index + 1
        index += 1
    return None


def _scan_link(text: str, pos: int) -> tuple[str, str, int] | None:
    """Match "[TEXT](URL)" at pos; return (TEXT, URL, end index) or None."""
    text_end = _match_brackets(text, pos)
    if text_end is None or not text.startswith("(", text_end):
        return None
    depth = 0
    for index in range(text_end, len(text)):
        char = text[index]
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return text[pos + 1 : text_end - 1], text[text_end + 1 : index], index + 1
    return None


def _link_is_open(text: str, pos: int) -> bool:
    """True when a link starts at pos but is cut off before it closes."""
    if not text.startswith("[", pos):
        return False
    text_end = _match_brackets(text, pos)
    if text_end is None:
        return True  # "[" never closed: no legacy entry title does that
    return text.startswith("(", text_end)


def _parse_body(entry: EntryDoc, raw_lines: list[str]) -> None:
    body = _tidy_body(raw_lines)
    metadata: list[tuple[str, str]] = []
    index = 0
    while index < len(body) and not body[index].startswith(_SUMMARY_MARKER):
        match = _METADATA.match(body[index])
        if not match:
            break
        metadata.append((match.group("key"), match.group("value")))
        index += 1
    summary = ""
    if index < len(body) and body[index].startswith(_SUMMARY_MARKER):
        summary = "\n".join([body[index][len(_SUMMARY_MARKER) :], *body[index + 1 :]])
        index = len(body)
    if index == len(body) and entry_body_lines(metadata, summary) == body:
        entry.metadata = metadata
        entry.summary = summary
    else:
        entry.summary = "\n".join(body)
        entry.verbatim_body = True


def _tidy_body(lines: list[str]) -> list[str]:
    """Like tidy_block, but a leading blank line is kept: it is part of the body."""
    out: list[str] = []
    for raw in lines:
        line = raw.rstrip()
        if not line and out and not out[-1]:
            continue
        out.append(line)
    while out and not out[-1]:
        out.pop()
    return out
