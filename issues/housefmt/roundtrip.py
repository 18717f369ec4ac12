"""The round-trip rule: which part of a file must survive import + export.

From the H1 line down to (not including) the generated archive/footer part,
compared line by line after stripping trailing white space from every line
and folding runs of blank lines to one.
"""

from __future__ import annotations

import difflib

from ._text import is_generated_start, split_lines, tidy_block

_MAX_DIFF_LINES = 60


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
