"""The in-memory form of one digest issue in the legacy house Markdown format.

Plain dataclasses, no behaviour: the parser fills them, the dumper reads them,
and the CMS maps them onto its models.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field


@dataclass
class EntryDoc:
    # Link text before " | " (may contain **emphasis**), or the whole line for
    # a link-less entry.
    title: str
    # Optional leading "[1812.00332] " bracket prefix, without the brackets.
    label: str = ""
    # After the LAST " | " inside the link text, verbatim.
    source: str = ""
    # Link target; "" for a link-less entry.
    url: str = ""
    # Rest of the head line after the link, Markdown, verbatim
    # (e.g. "[[原文]](https://…) [[slide]](…)"); the dumper puts one space before it.
    extra_links: str = ""
    # "key：value" lines between the head line and "摘要：".
    metadata: list[tuple[str, str]] = field(default_factory=list)
    # Markdown after "摘要：" incl. continuation lines, indented sub-lists and
    # images; no trailing spaces on any line. When verbatim_body is set it is
    # instead the whole body under the head line (see parser module docstring).
    summary: str = ""
    # 1-based line number of the head line in the source, for error messages.
    line: int = 0
    # True when the legacy body did not have the "metadata lines, then 摘要："
    # shape; metadata is then empty and summary holds the body as written, so
    # that the dumper can give it back without inventing a "摘要：" marker.
    verbatim_body: bool = False
    # Why the entry was kept as written ("" for a sound entry): its head line
    # could not be split into fields, so ``title`` is the whole head line and
    # the body is kept whole. Set by the parser, cleared by an editor's repair.
    attention: str = ""


@dataclass
class SectionDoc:
    title: str
    # Markdown before the first entry (e.g. "> 注：……").
    note: str = ""
    entries: list[EntryDoc] = field(default_factory=list)
    line: int = 0


@dataclass
class IssueDoc:
    publication_date: datetime.date
    # e.g. "嵌入式AI简报", as found in the H1.
    publication_name: str
    headline: str = ""
    # What stood between ")" and the headline in the H1: "：", " ", "" (no
    # headline at all) or "：" with an empty headline in a few legacy files.
    # The dumper writes it back as is, so set it to "" for an issue without a
    # headline unless the trailing "：" is wanted.
    headline_separator: str = "："
    # The bold line's inner text, without the ** (the publication tagline).
    tagline: str = ""
    # Markdown between the tagline and the first "## " section.
    preamble: str = ""
    sections: list[SectionDoc] = field(default_factory=list)


class HouseFormatError(ValueError):
    """A file that cannot be read as a house-format issue.

    ``line`` is 1-based (or None when no single line is to blame) and
    ``message`` is one line of text; ``str()`` gives "line 12: message".
    """

    def __init__(self, message: str, line: int | None = None) -> None:
        self.message = message
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        if self.line is None:
            return self.message
        return f"line {self.line}: {self.message}"
