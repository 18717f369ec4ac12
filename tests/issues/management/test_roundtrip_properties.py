"""Property: import_markdown of an export_markdown file gives the same rows."""

from io import StringIO

from django.core.management import call_command
from hypothesis import HealthCheck, given

from issues.documents import write_document
from issues.models import Entry, Issue, Section
from tests.issues.housefmt.strategies import issue_documents, property_settings

ISSUE_FIELDS = ("publication_date", "headline", "headline_separator", "preamble")
SECTION_FIELDS = ("position", "title", "note")
ENTRY_FIELDS = (
    "section__position",
    "position",
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


def rows(date):
    issue = Issue.objects.filter(publication_date=date).values(*ISSUE_FIELDS).get()
    sections = list(
        Section.objects.filter(issue__publication_date=date)
        .order_by("position")
        .values_list(*SECTION_FIELDS)
    )
    entries = list(
        Entry.objects.filter(section__issue__publication_date=date)
        .order_by("section__position", "position")
        .values_list(*ENTRY_FIELDS)
    )
    return issue, sections, entries


# The database is shared by all examples of one test run: each starts by
# clearing it, so the function-scoped fixtures are safe to reuse.
@property_settings(60, suppress=[HealthCheck.function_scoped_fixture])
@given(doc=issue_documents())
def test_export_then_import_gives_the_same_rows(db, tmp_path, doc):
    Issue.objects.all().delete()
    write_document(doc, Issue())
    before = rows(doc.publication_date)
    exported = StringIO()
    call_command("export_markdown", "--working-copy", str(doc.publication_date), stdout=exported)
    path = tmp_path / "issue.md"
    path.write_text(exported.getvalue(), encoding="utf-8")

    call_command(
        "import_markdown", "--replace", "--drafts", str(path), stdout=StringIO(), stderr=StringIO()
    )

    assert rows(doc.publication_date) == before
