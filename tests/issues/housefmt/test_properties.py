"""Property: whatever a document holds, dumping and parsing it gives it back.

Example counts keep the suite fast (about 15 s here); set
``DIGEST_HYPOTHESIS_SCALE=20`` to run twenty times as many when hunting.
"""

import datetime

from hypothesis import given
from hypothesis import strategies as st

from issues.housefmt import IssueDoc, SectionDoc, dump, parse, roundtrip_diff

from ._fixtures import without_lines
from .strategies import entries, issue_documents, markdown, property_settings


def _shell(**fields):
    return IssueDoc(
        publication_date=datetime.date(2024, 5, 6),
        publication_name="嵌入式AI简报",
        **fields,
    )


@property_settings(300)
@given(issue_documents())
def test_dump_then_parse_gives_the_document_back(doc):
    assert without_lines(parse(dump(doc))) == doc


@property_settings(1000)
@given(entries())
def test_every_entry_field_survives_dump_and_parse(entry):
    doc = _shell(sections=[SectionDoc(title="论文", entries=[entry])])
    assert without_lines(parse(dump(doc))).sections[0].entries == [entry]


@property_settings(1000)
@given(markdown, markdown)
def test_preamble_and_section_note_survive_dump_and_parse(preamble, note):
    doc = _shell(preamble=preamble, sections=[SectionDoc(title="业界新闻", note=note)])
    again = parse(dump(doc))
    assert (again.preamble, again.sections[0].note) == (preamble, note)


_HEAD_FRAGMENTS = [
    "[",
    "]",
    "(",
    ")",
    "](",
    " | ",
    "https://example.com/a",
    "标题",
    " ",
    "[[原文]]",
    "**",
    "\\",
    "<",
    ">",
    "2105.00001",
    "：",
    "🤖",
]
_BODY_LINES = [
    "摘要：一段摘要",
    "代码：https://example.com/code",
    "继续的一行",
    "    1. 子列表",
    "  - 缩进的列表",
    "![图](https://example.com/a.png)",
    "key: value",
    "",
    "> 引用",
]
legacy_heads = (
    st.lists(st.sampled_from(_HEAD_FRAGMENTS), min_size=1, max_size=8)
    .map("".join)
    .map(str.strip)
    .filter(bool)
)
legacy_bodies = st.lists(st.sampled_from(_BODY_LINES), max_size=4).filter(
    lambda lines: not lines or lines[-1]
)


@property_settings(500)
@given(st.lists(st.tuples(legacy_heads, legacy_bodies), min_size=1, max_size=4))
def test_any_legacy_entry_round_trips_under_the_rule_damaged_or_not(entries):
    lines = ["# 嵌入式AI简报 (2019-05-01)：标题", "", "## 业界新闻", ""]
    for head, body in entries:
        lines.extend([f"- {head}  ", *(f"{line}  " if line else "" for line in body)])
    text = "\n".join(lines) + "\n"
    doc = parse(text)
    assert roundtrip_diff(text, dump(doc)) == []
    assert without_lines(parse(dump(doc))) == without_lines(doc)
