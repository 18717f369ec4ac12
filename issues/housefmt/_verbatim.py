"""The escaped forms the dumper falls back to when the plain house form would misread a value.

Two of them, both absent from every legacy file, so legacy files parse as before:

* a *verbatim block*: a marker line ``<!-- verbatim N -->`` (or, for metadata,
  ``<!-- metadata N -->``) followed by exactly N lines, each the value's line
  indented by four spaces. Indented lines never start an entry, a section or the
  generated part, and the count keeps blank-line runs, leading and trailing
  blank lines and trailing spaces exactly. After ``摘要：`` the marker stands on
  the same line (``摘要：<!-- verbatim 3 -->``);
* an *escaped head line*: the link target in angle brackets, ``[TEXT](<URL>)``
  (``(<>)`` for an entry without a link), with ``\\``, ``[``, ``]`` and ``|``
  backslash-escaped in the label, title and source and ``\\``, ``<``, ``>`` in
  the URL.
"""

from __future__ import annotations

import re

from .document import HouseFormatError

INDENT = "    "
_MARKER = re.compile(r"^<!-- (?P<kind>verbatim|metadata) (?P<count>\d{1,6}) -->$")
_ESCAPED = re.compile(r"\\(.)", re.DOTALL)


def marker(line: str, kind: str = "verbatim") -> int | None:
    """The line count announced by a block marker of ``kind``, or None."""
    found = _MARKER.match(line.rstrip())
    if found and found.group("kind") == kind:
        return int(found.group("count"))
    return None


def is_marker(line: str) -> bool:
    return bool(_MARKER.match(line.rstrip()))


def marker_line(kind: str, count: int) -> str:
    return f"<!-- {kind} {count} -->"


def block_lines(value_lines: list[str]) -> list[str]:
    # A blank value line is written as the bare indent, so that the dumper's
    # blank-run folding cannot shorten the block.
    return [INDENT + line for line in value_lines]


def read_block(lines: list[str], start: int, count: int, number: int) -> tuple[list[str], int]:
    """The ``count`` value lines from ``lines[start:]``; ``number`` is start's 1-based line."""
    if start + count > len(lines):
        raise HouseFormatError(
            f"verbatim block announces {count} lines but the entry ends after {len(lines) - start}",
            number,
        )
    out = []
    for offset in range(count):
        line = lines[start + offset]
        if line.startswith(INDENT):
            out.append(line[len(INDENT) :])
        elif not line.strip():
            out.append("")  # a blank line whose indent an editor stripped
        else:
            raise HouseFormatError(
                "line inside a verbatim block is not indented by four spaces", number + offset
            )
    return out, start + count


def escape_text(text: str) -> str:
    return re.sub(r"([\\\[\]|])", r"\\\1", text)


def escape_url(url: str) -> str:
    return re.sub(r"([\\<>])", r"\\\1", url)


def unescape(text: str) -> str:
    return _ESCAPED.sub(r"\1", text)
