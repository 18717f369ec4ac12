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
"""

from __future__ import annotations

import datetime

from .document import EntryDoc, IssueDoc, SectionDoc

_FRONT_MATTER = ["---", "layout: default", "---"]
_HARD_BREAK = "  "
_SUMMARY_MARKER = "摘要："


def dump(doc: IssueDoc, *, archive: str = "", footer: str = "") -> str:
    """Render the full file; archive and footer are already-rendered Markdown.

    For roundtrip_diff() to recognise them as generated, the archive must
    start with a "## [往期回顾](…)" / "## 往期回顾" heading and the footer with
    a "----" rule.
    """
    out: list[str] = [*_FRONT_MATTER, ""]
    out.append(f"# {doc.publication_name} ({doc.publication_date.isoformat()})")
    out[-1] += doc.headline_separator + doc.headline
    out.append("")
    if doc.tagline:
        out.append(f"**{doc.tagline}**" + _HARD_BREAK)
        if not doc.preamble.startswith("<font>"):
            out.append("")
    if doc.preamble:
        out.extend(_content_lines(doc.preamble))
        out.append("")
    for section in doc.sections:
        out.extend(_section_lines(section))
    for block in (archive, footer):
        if block.strip():
            out.extend(block.strip("\n").split("\n"))
            out.append("")
    return "\n".join(_fold_blank_runs(out)).rstrip("\n") + "\n"


def _section_lines(section: SectionDoc) -> list[str]:
    out = [f"## {section.title}", ""]
    if section.note:
        out.extend(_content_lines(section.note))
        out.append("")
    for entry in section.entries:
        out.extend(_entry_lines(entry))
    out.append("")
    return out


def _entry_lines(entry: EntryDoc) -> list[str]:
    head = "- "
    if entry.label:
        head += f"[{entry.label}] "
    if entry.url:
        text = entry.title + (f" | {entry.source}" if entry.source else "")
        head += f"[{text}]({entry.url})"
    else:
        head += entry.title
    if entry.extra_links:
        head += " " + entry.extra_links
    if entry.verbatim_body:
        body = entry.summary.split("\n") if entry.summary else []
    else:
        body = entry_body_lines(entry.metadata, entry.summary)
    return _content_lines("\n".join([head, *body]))


def entry_body_lines(metadata: list[tuple[str, str]], summary: str) -> list[str]:
    """The body lines under the head line of a canonical (non-verbatim) entry."""
    out = [f"{key}：{value}" for key, value in metadata]
    if summary:
        first, *rest = summary.split("\n")
        out.append(_SUMMARY_MARKER + first)
        out.extend(rest)
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
