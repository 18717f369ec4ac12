"""Line handling shared by the parser, the dumper and the round-trip check."""

from __future__ import annotations

import re

# The archive block is hand-made in legacy files: "## [往期回顾](url)" or
# "## 往期回顾", with any amount of trailing junk.
_ARCHIVE_HEADING = re.compile(r"^##\s+\[?往期回顾")
# The footer always starts with a "----" rule (QR code, editor, licence).
# Three dashes are not enough: "---" is the front matter fence.
_FOOTER_RULE = re.compile(r"^-{4,}\s*$")


def split_lines(text: str) -> list[str]:
    """Split on LF, CRLF or CR only.

    str.splitlines() would also split on form feeds, U+2028 and friends,
    which would shift line numbers against what an editor shows.
    """
    text = text.removeprefix("\ufeff")
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def is_generated_start(line: str) -> bool:
    """True for the first line of the archive/footer part the CMS regenerates."""
    return bool(_ARCHIVE_HEADING.match(line) or _FOOTER_RULE.match(line))


def tidy_block(lines: list[str]) -> list[str]:
    """Strip trailing white space, fold blank runs to one, trim blank ends.

    This is exactly the freedom the round-trip rule gives, so stored Markdown
    is kept in this one normal form.
    """
    out: list[str] = []
    for raw in lines:
        line = raw.rstrip()
        if not line and (not out or not out[-1]):
            continue
        out.append(line)
    while out and not out[-1]:
        out.pop()
    return out
