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
same.

Damaged entries. A head line that starts like a link but never closes it
(an unclosed "[" or "(", a line broken inside the link) or whose link has no
title cannot be split into fields. The entry is kept as written: the whole
head line is the title, the body is kept whole (``verbatim_body``) and
``attention`` says what is wrong, so that the file still round-trips and an
editor can repair the entry.

Escaped forms. Values the plain form would misread are written by the dumper
in the escaped forms of ``_verbatim`` (verbatim blocks, head lines with an
``(<URL>)`` target); they never occur in legacy files.

Errors (HouseFormatError) are kept for files that are not an issue at all: no
H1 or date, binary junk, no "## " section, an empty "- " line, a broken
verbatim block.

Not representable (never seen in the legacy archive): blank lines between two entries of a
section, and a section heading not followed by a blank line; the dumper always
writes entries back to back and a blank line under each heading.
"""

from __future__ import annotations

import datetime
import re

from ._text import is_generated_start, split_lines, tidy_block
from ._verbatim import is_marker, marker, read_block, unescape
from .document import EntryDoc, HouseFormatError, IssueDoc, SectionDoc

_H1 = re.compile(r"^#\s+(?P<name>.+?)\s*\((?P<date>[^()]*)\)(?P<rest>.*)$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TAGLINE = re.compile(r"^\*\*(?P<text>.*)\*\*$")
# Whatever leads the headline: spaces and/or one colon of either width.
_HEADLINE_SEP = re.compile(r"^\s*[：:]?\s*")
_METADATA = re.compile(r"^(?P<key>[^\s：\-*+>#\[!|`<][^\s：]{0,39})：(?P<value>.*)$")
SUMMARY_MARKER = "摘要："
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
    name, date, separator, headline = parse_h1(lines[pos], pos + 1)

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
    if pos < end and (tagline := TAGLINE.match(lines[pos].rstrip())):
        doc.tagline = tagline.group("text")
        pos += 1

    first_section = pos
    while first_section < end and not is_section_heading(lines[first_section]):
        first_section += 1
    doc.preamble = read_text(lines[pos:first_section], pos + 1)
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


def parse_h1(line: str, number: int) -> tuple[str, datetime.date, str, str]:
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


def is_section_heading(line: str) -> bool:
    return line.startswith("## ") or line.rstrip() == "##"


def is_entry_head(line: str) -> bool:
    return line.startswith("- ") or line.rstrip() == "-"


def read_text(region: list[str], number: int) -> str:
    """A preamble or section note from its lines; ``number`` is region[0]'s line."""
    first = _skip_blank(region, 0)
    if first < len(region) and (count := marker(region[first])) is not None:
        value, after = read_block(region, first + 1, count, number + first + 1)
        _expect_blank(region, after, number)
        return "\n".join(value)
    return "\n".join(tidy_block(region))


def _expect_blank(region: list[str], pos: int, number: int) -> None:
    for index in range(pos, len(region)):
        if region[index].strip():
            raise HouseFormatError("text after a verbatim block", number + index)


def _parse_sections(lines: list[str], pos: int, end: int) -> list[SectionDoc]:
    sections: list[SectionDoc] = []
    while pos < end:
        # pos is always on a "## " heading here.
        title = lines[pos][2:].strip()
        # A leading backslash escapes a title that would read as something else
        # ("往期回顾" starts the generated part); see the dumper.
        section = SectionDoc(title=title.removeprefix("\\"), line=pos + 1)
        if not section.title:
            raise HouseFormatError("section heading '## ' has no title", pos + 1)
        stop = pos + 1
        while stop < end and not is_section_heading(lines[stop]):
            stop += 1
        first_entry = pos + 1
        while first_entry < stop and not is_entry_head(lines[first_entry]):
            first_entry += 1
        section.note = read_text(lines[pos + 1 : first_entry], pos + 2)
        section.entries = _parse_entries(lines, first_entry, stop)
        sections.append(section)
        pos = stop
    return sections


def _parse_entries(lines: list[str], pos: int, end: int) -> list[EntryDoc]:
    entries: list[EntryDoc] = []
    while pos < end:
        # pos is always on a top-level "- " line here.
        stop = pos + 1
        while stop < end and not is_entry_head(lines[stop]):
            stop += 1
        entry = parse_head(lines[pos][2:].rstrip(), pos + 1)
        entry.metadata, entry.summary, entry.verbatim_body = read_body(
            lines[pos + 1 : stop], pos + 2, keep_whole=bool(entry.attention)
        )
        entries.append(entry)
        pos = stop
    return entries


def parse_head(head: str, number: int) -> EntryDoc:
    """The fields of an entry head line (without its "- ")."""
    if not head.strip():
        raise HouseFormatError("entry has no title (empty '- ' line)", number)
    label = ""
    link = None
    label_end = _match_brackets(head, 0)
    if label_end is not None and head.startswith(" [", label_end):
        link = _scan_link(head, label_end + 1)
        if link is not None:
            label = head[1 : label_end - 1]
        elif reason := _open_link(head, label_end + 1):
            return _damaged(head, reason, number)
    if link is None:
        link = _scan_link(head, 0)
    if link is None:
        if reason := _open_link(head, 0):
            return _damaged(head, reason, number)
        return EntryDoc(title=head, line=number)

    text, url, link_end, escaped = link
    extra = head[link_end:]
    if extra and not extra.startswith(" "):
        if escaped:
            return _damaged(head, "text glued to the link's closing ')'", number)
        # Text glued to the link ("…](url)；") has no field-wise form that dumps
        # back the same; keep the line whole as a link-less entry.
        return EntryDoc(title=head, line=number)
    if escaped:
        title, source = text, ""
        bar = text.rfind(" | ")  # escaped values hold no bare "|": this is the separator
        if bar >= 0:
            title, source = text[:bar], text[bar + 3 :]
        title, source, label = unescape(title), unescape(source), unescape(label)
    elif not url.strip():
        # "[…]()", seen in legacy files: only the whole line dumps back the same.
        return EntryDoc(title=head, line=number)
    else:
        title, source = text, ""
        bar = text.rfind(" | ")
        if bar >= 0 and text[bar + 3 :].strip():
            title, source = text[:bar], text[bar + 3 :]
    if not title.strip():
        return _damaged(head, "the link has no title", number)
    return EntryDoc(
        title=title,
        label=label,
        source=source,
        url=url,
        extra_links=extra[1:],  # the dumper writes back the one space it drops
        line=number,
    )


def _damaged(head: str, reason: str, number: int) -> EntryDoc:
    return EntryDoc(title=head, attention=reason, line=number)


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


def _scan_link(text: str, pos: int) -> tuple[str, str, int, bool] | None:
    """Match "[TEXT](URL)" or "[TEXT](<URL>)" at pos.

    Returns (TEXT, URL, end index, escaped) or None; an escaped link's URL is
    returned unescaped, its TEXT as written.
    """
    text_end = _match_brackets(text, pos)
    if text_end is None or not text.startswith("(", text_end):
        return None
    link_text = text[pos + 1 : text_end - 1]
    if text.startswith("(<", text_end):
        index = text_end + 2
        while index < len(text):
            if text[index] == "\\":
                index += 2
                continue
            if text.startswith(">)", index):
                return link_text, unescape(text[text_end + 2 : index]), index + 2, True
            index += 1
        return None
    depth = 0
    for index in range(text_end, len(text)):
        char = text[index]
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return link_text, text[text_end + 1 : index], index + 1, False
    return None


def _open_link(text: str, pos: int) -> str:
    """What is unclosed when a link starts at pos but is cut off, else ""."""
    if not text.startswith("[", pos):
        return ""
    text_end = _match_brackets(text, pos)
    if text_end is None:
        return "'[' is never closed"  # no legacy entry title does that
    if text.startswith("(", text_end):
        return "the link has no closing ')'"
    return ""


def read_body(
    raw_lines: list[str], number: int, *, keep_whole: bool = False
) -> tuple[list[tuple[str, str]], str, bool]:
    """(metadata, summary, verbatim_body) of the lines under a head line.

    ``number`` is the 1-based line of raw_lines[0]; ``keep_whole`` keeps a
    plain body as written (the body of a damaged entry).
    """
    if raw_lines and (count := marker(raw_lines[0])) is not None:
        value, after = read_block(raw_lines, 1, count, number + 1)
        _expect_blank(raw_lines, after, number)
        return [], "\n".join(value), True
    if _is_escaped_body(raw_lines):
        return _read_escaped_body(raw_lines, number)
    body = _tidy_body(raw_lines)
    if keep_whole:
        return [], "\n".join(body), bool(body)
    metadata: list[tuple[str, str]] = []
    index = 0
    while index < len(body) and (pair := metadata_pair(body[index])):
        metadata.append(pair)
        index += 1
    summary = ""
    if index < len(body) and body[index].startswith(SUMMARY_MARKER):
        summary = "\n".join([body[index][len(SUMMARY_MARKER) :], *body[index + 1 :]])
        index = len(body)
    if index == len(body) and entry_body_lines(metadata, summary) == body:
        return metadata, summary, False
    return [], "\n".join(body), True


def _is_escaped_body(raw_lines: list[str]) -> bool:
    if raw_lines and marker(raw_lines[0], "metadata") is not None:
        return True
    return any(
        line.startswith(SUMMARY_MARKER) and is_marker(line[len(SUMMARY_MARKER) :])
        for line in raw_lines
    )


def _read_escaped_body(raw_lines, number):
    metadata: list[tuple[str, str]] = []
    index = 0
    if (count := marker(raw_lines[0], "metadata")) is not None:
        pairs, index = read_block(raw_lines, 1, count, number + 1)
        for offset, line in enumerate(pairs):
            key, colon, value = line.partition("：")
            if not colon:
                raise HouseFormatError("metadata line has no '：'", number + 1 + offset)
            metadata.append((key, value))
    else:
        while index < len(raw_lines) and (pair := metadata_pair(raw_lines[index])):
            metadata.append(pair)
            index += 1
    summary = ""
    if index < len(raw_lines) and raw_lines[index].startswith(SUMMARY_MARKER):
        count = marker(raw_lines[index][len(SUMMARY_MARKER) :])
        if count is None:
            raise HouseFormatError("expected '摘要：<!-- verbatim N -->'", number + index)
        value, index = read_block(raw_lines, index + 1, count, number + index + 1)
        summary = "\n".join(value)
    _expect_blank(raw_lines, index, number)
    return metadata, summary, False


def metadata_pair(line: str) -> tuple[str, str] | None:
    """(key, value) of a plain "key：value" body line, else None."""
    if line.startswith(SUMMARY_MARKER):
        return None
    match = _METADATA.match(line.rstrip())
    return (match.group("key"), match.group("value")) if match else None


def entry_body_lines(metadata: list[tuple[str, str]], summary: str) -> list[str]:
    """The plain body lines under the head line of a canonical (non-verbatim) entry."""
    out = [f"{key}：{value}" for key, value in metadata]
    if summary:
        first, *rest = summary.split("\n")
        out.append(SUMMARY_MARKER + first)
        out.extend(rest)
    return out


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
