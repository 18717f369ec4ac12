"""The legacy house Markdown format of a digest issue, as pure Python.

parse() reads a legacy file into an IssueDoc, dump() writes one back,
dump_archive_grid() renders the generated "往期回顾" block, and
roundtrip_diff()/content_part() implement the round-trip rule of the
spec (house-format.md). No Django imports: usable from scripts and tests.
"""

from .document import EntryDoc, HouseFormatError, IssueDoc, SectionDoc
from .dumper import dump, dump_archive_grid
from .parser import parse
from .roundtrip import content_part, document_difference, roundtrip_diff

__all__ = [
    "EntryDoc",
    "HouseFormatError",
    "IssueDoc",
    "SectionDoc",
    "content_part",
    "document_difference",
    "dump",
    "dump_archive_grid",
    "parse",
    "roundtrip_diff",
]
