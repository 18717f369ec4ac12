"""The round-trip rule: which part of a file must survive import + export.

From the H1 line down to (not including) the generated archive/footer part,
compared line by line after stripping trailing white space from every line
and folding runs of blank lines to one.
"""

from __future__ import annotations

import difflib

from ._text import is_generated_start, split_lines, tidy_block
from .document import IssueDoc

_MAX_DIFF_LINES = 60
_ISSUE_FIELDS = ("publication_date", "headline", "headline_separator", "preamble")
_SECTION_FIELDS = ("title", "note")
_ENTRY_FIELDS = (
    "label",
    "title",
    "source",
    "url",
    "extra_links",
    "metadata",
    "summary",
    "verbatim_body",
    "attention",
)


def content_part(text: str) -> str:
    """The comparable part of a house-format file, in normal form.

    Never raises: text without an H1 is compared from its first line.
    """
    lines = split_lines(text)
    start = next((i for i, line in enumerate(lines) if line.startswith("# ")), 0)
    end = start + 1
    while end < len(lines) and not is_generated_start(lines[end]):
        end += 1
    return "\n".join(tidy_block(lines[start:end])) + "\n"


def roundtrip_diff(original: str, exported: str) -> list[str]:
    """[] when both files agree under the round-trip rule, else a short unified diff."""
    before = content_part(original).splitlines()
    after = content_part(exported).splitlines()
    if before == after:
        return []
    diff = list(difflib.unified_diff(before, after, "original", "exported", n=1, lineterm=""))
    if len(diff) > _MAX_DIFF_LINES:
        omitted = len(diff) - _MAX_DIFF_LINES
        diff = [*diff[:_MAX_DIFF_LINES], f"... ({omitted} more diff lines)"]
    return diff


def document_difference(before: IssueDoc, after: IssueDoc) -> str | None:
    """The first field that differs between two documents, in words; None when none does.

    Compares what an issue holds (headline, preamble, sections, entries field
    by field), not the publication-wide name and tagline or source line numbers.
    """
    for name in _ISSUE_FIELDS:
        if getattr(before, name) != getattr(after, name):
            return _field(name, getattr(before, name), getattr(after, name))
    if len(before.sections) != len(after.sections):
        return f"{len(before.sections)} sections became {len(after.sections)}"
    for number, (old, new) in enumerate(zip(before.sections, after.sections, strict=True), start=1):
        where = f"section {number} ({_short(old.title)})"
        for name in _SECTION_FIELDS:
            if getattr(old, name) != getattr(new, name):
                return f"{where}: " + _field(name, getattr(old, name), getattr(new, name))
        if len(old.entries) != len(new.entries):
            return f"{where}: {len(old.entries)} entries became {len(new.entries)}"
        for index, (old_entry, new_entry) in enumerate(
            zip(old.entries, new.entries, strict=True), start=1
        ):
            for name in _ENTRY_FIELDS:
                if getattr(old_entry, name) != getattr(new_entry, name):
                    line = f" (line {old_entry.line})" if old_entry.line else ""
                    return f"{where}, entry {index}{line}: " + _field(
                        name, getattr(old_entry, name), getattr(new_entry, name)
                    )
    return None


def _field(name, old, new) -> str:
    return f"{name} {_short(old)} became {_short(new)}"


def _short(value, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
