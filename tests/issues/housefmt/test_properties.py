"""Property: whatever a document holds, dumping and parsing it gives it back.

Example counts keep the suite fast (about 15 s here); set
``DIGEST_HYPOTHESIS_SCALE=20`` to run twenty times as many when hunting.
"""

import datetime

from hypothesis import given

from issues.housefmt import IssueDoc, SectionDoc, dump, parse

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
