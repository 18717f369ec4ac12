"""Write an IssueDoc back as a house-format Markdown file.

House style: Jekyll front matter, H1, bold tagline, preamble, sections, then
the generated archive and footer blocks handed in by the caller. Every
non-blank content line ends with two spaces (a Markdown hard break, as in the
legacy files) except headings and lines inside fenced code. Blank lines are
always single; the round-trip rule ignores blank-run lengths and trailing
spaces, so only *whether* a blank line stands somewhere has to match the
legacy files:

- a preamble that opens with a "<font>" note sits directly under the tagline
  (every legacy issue with such a note does it); any other preamble is set off
  by a blank line;
- entries of a section follow each other without blank lines;
- every heading, note, preamble and section is surrounded by blank lines.

Lossless by construction: each value is first written in the plain legacy
form and read back with the parser's own functions; when that does not give
the value back exactly, it is written in an escaped form instead (a verbatim
block or an escaped head line, see ``_verbatim``). So legacy content keeps its
legacy form, and anything else still survives dump() + parse().
"""

from __future__ import annotations

import datetime

from ._text import is_generated_start
from ._verbatim import block_lines, escape_text, escape_url, marker_line
from .document import EntryDoc, HouseFormatError, IssueDoc, SectionDoc
from .parser import (
    SUMMARY_MARKER,
    TAGLINE,
    entry_body_lines,
    is_entry_head,
    is_section_heading,
    metadata_pair,
    parse_h1,
    parse_head,
    read_body,
    read_text,
)

_FRONT_MATTER = ["---", "layout: default", "---"]
_HARD_BREAK = "  "


def dump(doc: IssueDoc, *, archive: str = "", footer: str = "") -> str:
    """Render the full file; archive and footer are already-rendered Markdown.

    For roundtrip_diff() to recognise them as generated, the archive must
    start with a "## [往期回顾](…)" / "## 往期回顾" heading and the footer with
    a "----" rule.
    """
    out: list[str] = [*_FRONT_MATTER, "", _h1(doc), ""]
    if doc.tagline:
        out.append(f"**{doc.tagline}**" + _HARD_BREAK)
        if not doc.preamble.startswith("<font>"):
            out.append("")
    if doc.preamble:
        out.extend(_text_lines(doc.preamble, in_section=False, after_tagline=bool(doc.tagline)))
        out.append("")
    for section in doc.sections:
        out.extend(_section_lines(section))
    for block in (archive, footer):
        if block.strip():
            out.extend(block.strip("\n").split("\n"))
            out.append("")
    return "\n".join(_fold_blank_runs(out)).rstrip("\n") + "\n"


def _h1(doc: IssueDoc) -> str:
    start = f"# {doc.publication_name} ({doc.publication_date.isoformat()})"
    line = start + doc.headline_separator + doc.headline
    read = _reads(parse_h1, line, 0)
    if read is None or read[3] != doc.headline:
        # A headline opening with a colon or a space behind a legacy " " or ""
        # separator would lose that character to the separator; the house
        # separator "：" keeps it (the separator is layout, the headline content).
        line = start + "：" + doc.headline
    return line


def _section_lines(section: SectionDoc) -> list[str]:
    title = section.title
    if title.startswith("\\") or is_generated_start(f"## {title}"):
        title = "\\" + title
    out = [f"## {title}", ""]
    if section.note:
        out.extend(_text_lines(section.note, in_section=True))
        out.append("")
    for entry in section.entries:
        out.extend(_entry_lines(entry))
    out.append("")
    return out


def _is_structural(line: str, *, in_section: bool) -> bool:
    """True for a line that would end the block it stands in."""
    return (
        is_section_heading(line) or is_generated_start(line) or (in_section and is_entry_head(line))
    )


def _text_lines(value: str, *, in_section: bool, after_tagline: bool = True) -> list[str]:
    """A preamble or section note: plain when it reads back, else a verbatim block."""
    plain = _content_lines(value)
    if not any(_is_structural(line, in_section=in_section) for line in plain):
        starts_like_tagline = not after_tagline and TAGLINE.match(plain[0].rstrip())
        if not starts_like_tagline and _reads(read_text, plain, 1) == value:
            return plain
    value_lines = value.split("\n")
    return [marker_line("verbatim", len(value_lines)), *block_lines(value_lines)]


def _reads(reader, *args, **kwargs):
    """What the parser reads from a candidate form, or None when it refuses it."""
    try:
        return reader(*args, **kwargs)
    except HouseFormatError:
        return None


def _entry_lines(entry: EntryDoc) -> list[str]:
    head = _head_text(entry)
    read = _reads(parse_head, head.rstrip(), 0)
    keep_whole = bool(read and read.attention)
    return [*_content_lines("- " + head), *_body_lines(entry, keep_whole)]


def _head_text(entry: EntryDoc) -> str:
    head = ""
    if entry.label:
        head += f"[{entry.label}] "
    if entry.url:
        text = entry.title + (f" | {entry.source}" if entry.source else "")
        head += f"[{text}]({entry.url})"
    else:
        head += entry.title
    if entry.extra_links:
        head += " " + entry.extra_links
    read = _reads(parse_head, head.rstrip(), 0)
    # A head that reads as damaged stays plain only for an entry imported as
    # damaged (so that it round-trips byte for byte); anything an editor typed
    # is escaped instead.
    if (
        "\n" not in head
        and read is not None
        and _head_fields(read) == _head_fields(entry)
        and (not read.attention or entry.attention)
    ):
        return head
    head = f"[{escape_text(entry.label)}] " if entry.label else ""
    text = escape_text(entry.title)
    if entry.source:
        text += " | " + escape_text(entry.source)
    head += f"[{text}](<{escape_url(entry.url)}>)"
    if entry.extra_links:
        head += " " + entry.extra_links
    return head


def _head_fields(entry: EntryDoc) -> tuple:
    return (entry.label, entry.title, entry.source, entry.url, entry.extra_links)


def _body_lines(entry: EntryDoc, keep_whole: bool) -> list[str]:
    """The lines under the head line: plain when they read back, else escaped."""
    if entry.verbatim_body:
        plain = entry.summary.split("\n") if entry.summary else []
    else:
        plain = entry_body_lines(entry.metadata, entry.summary)
    plain = _content_lines("\n".join(plain)) if plain else []
    wanted = (entry.metadata, entry.summary, entry.verbatim_body)
    if not any(_is_structural(line, in_section=True) for line in plain):
        if _reads(read_body, plain, 1, keep_whole=keep_whole) == wanted:
            return plain
    if entry.verbatim_body:
        value_lines = entry.summary.split("\n")
        return [marker_line("verbatim", len(value_lines)), *block_lines(value_lines)]
    out: list[str] = []
    meta_lines = [f"{key}：{value}" for key, value in entry.metadata]
    plain_meta = entry.summary and all(
        line == line.rstrip() and metadata_pair(line) == pair
        for line, pair in zip(meta_lines, entry.metadata, strict=True)
    )
    if plain_meta:
        out.extend(line + _HARD_BREAK for line in meta_lines)
    elif meta_lines:
        out.extend([marker_line("metadata", len(meta_lines)), *block_lines(meta_lines)])
    if entry.summary:
        value_lines = entry.summary.split("\n")
        out.extend(
            [SUMMARY_MARKER + marker_line("verbatim", len(value_lines)), *block_lines(value_lines)]
        )
    return out


def _content_lines(markdown: str) -> list[str]:
    """Split Markdown into lines, adding the house hard break to text lines."""
    out: list[str] = []
    in_fence = False
    for raw in markdown.split("\n"):
        line = raw.rstrip()
        is_fence = line.lstrip().startswith(("```", "~~~"))
        if line and not in_fence and not is_fence and not line.startswith("#"):
            line += _HARD_BREAK
        if is_fence:
            in_fence = not in_fence
        out.append(line)
    return out


def _fold_blank_runs(lines: list[str]) -> list[str]:
    out: list[str] = []
    for line in lines:
        if not line and out and not out[-1]:
            continue
        out.append(line)
    return out


def dump_archive_grid(cells: list[tuple[datetime.date, str | None]], heading_url: str = "") -> str:
    """Render the "往期回顾" block: a heading and the 4-column archive grid.

    The layout (digits row per year, newest first, four to a row, padding)
    is ``issues.archive.archive_rows``, shared with the web pages; the newest
    year's digits row is the table header. A cell whose link is None is
    shown unlinked (the issue's own cell on its own page).
    """
    from issues.archive import archive_rows

    heading = f"## [往期回顾]({heading_url})" if heading_url else "## 往期回顾"
    if not cells:
        return heading + "\n"
    links = dict(cells)
    lines: list[str] = []
    for row in archive_rows(links):
        if row.kind == "year":
            lines.append(_grid_row([cell.text for cell in row.cells]))
            if len(lines) == 1:
                lines.append("|" + ":---:|" * len(row.cells))
        else:
            lines.append(
                _grid_row(
                    [
                        _grid_cell(cell.date, links[cell.date]) if cell.date else ""
                        for cell in row.cells
                    ]
                )
            )
    return "\n".join([heading, "", *lines]) + "\n"


def _grid_cell(date: datetime.date, link: str | None) -> str:
    return f"[{date.isoformat()}]({link})" if link else date.isoformat()


def _grid_row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"
