"""Paths and readers for the hand-written house-format fixtures."""

from __future__ import annotations

from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "housefmt"
GOOD_FIXTURES = sorted(FIXTURES.glob("*.md"))


def read_fixture(name: str) -> str:
    # Bad fixtures may hold bytes that are not UTF-8; decode them the way an
    # upload handler would, so that parse() sees the junk as text.
    return (FIXTURES / name).read_bytes().decode("utf-8", errors="replace")


def without_lines(doc):
    """The document with source line numbers zeroed, for comparing a re-parse."""
    for section in doc.sections:
        section.line = 0
        for item in section.entries:
            item.line = 0
    return doc
