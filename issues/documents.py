"""Moves an issue between the database and its house-format document.

The document (``issues.housefmt.IssueDoc``) is the one shape an issue's content
takes outside the ORM: revisions store it as JSON, the importer writes it, the
exporter and the renderer read it.
"""

import dataclasses
import datetime

from django.db import transaction

from issues.housefmt import EntryDoc, IssueDoc, SectionDoc
from issues.models import Entry, Issue, Publication, Section


def document_from_issue(issue: Issue) -> IssueDoc:
    """The working copy of ``issue`` as a document (2 queries)."""
    sections = []
    for section in issue.sections.prefetch_related("entries"):
        entries = [
            EntryDoc(
                title=entry.title,
                label=entry.label,
                source=entry.source,
                url=entry.url,
                extra_links=entry.extra_links,
                metadata=entry.metadata_pairs(),
                summary=entry.summary,
                verbatim_body=entry.verbatim_body,
                attention=entry.attention,
            )
            for entry in section.entries.all()
        ]
        sections.append(SectionDoc(title=section.title, note=section.note, entries=entries))
    publication = Publication.load()
    return IssueDoc(
        publication_date=issue.publication_date,
        publication_name=publication.name,
        headline=issue.headline,
        headline_separator=issue.headline_separator,
        tagline=publication.tagline,
        preamble=issue.preamble,
        sections=sections,
    )


def document_to_data(doc: IssueDoc) -> dict:
    data = dataclasses.asdict(doc)
    data["publication_date"] = doc.publication_date.isoformat()
    return data


def document_from_data(data: dict) -> IssueDoc:
    known_issue = {f.name for f in dataclasses.fields(IssueDoc)}
    known_section = {f.name for f in dataclasses.fields(SectionDoc)}
    known_entry = {f.name for f in dataclasses.fields(EntryDoc)}
    sections = []
    for section in data.get("sections", []):
        entries = [
            EntryDoc(
                **{
                    **{k: v for k, v in entry.items() if k in known_entry},
                    "metadata": [tuple(pair) for pair in entry.get("metadata", [])],
                }
            )
            for entry in section.get("entries", [])
        ]
        sections.append(
            SectionDoc(
                **{
                    **{k: v for k, v in section.items() if k in known_section},
                    "entries": entries,
                }
            )
        )
    fields = {k: v for k, v in data.items() if k in known_issue}
    fields["publication_date"] = datetime.date.fromisoformat(data["publication_date"])
    fields["sections"] = sections
    return IssueDoc(**fields)


def metadata_text(pairs) -> str:
    return "\n".join(f"{key}：{value}" for key, value in pairs)


def entry_from_doc(entry_doc, **fields) -> Entry:
    """An unsaved ``Entry`` holding ``entry_doc``'s fields (plus ``fields``)."""
    return Entry(
        label=entry_doc.label,
        title=entry_doc.title,
        source=entry_doc.source,
        url=entry_doc.url,
        extra_links=entry_doc.extra_links,
        metadata=metadata_text(entry_doc.metadata),
        summary=entry_doc.summary,
        verbatim_body=entry_doc.verbatim_body,
        attention=entry_doc.attention,
        **fields,
    )


@transaction.atomic
def write_document(doc: IssueDoc, issue: Issue, *, user=None) -> Issue:
    """Replace ``issue``'s content with ``doc`` (sections and entries included).

    Validates every row before writing any, so bad content raises
    ``ValidationError`` and leaves the database as it was. This is the one
    write path outside the admin's change form, so it bumps the version: a
    page loaded before an import or a restore cannot save over it.
    """
    issue.publication_date = doc.publication_date
    issue.headline = doc.headline
    issue.headline_separator = doc.headline_separator
    issue.preamble = doc.preamble
    if user is not None:
        issue.updated_by = user
        if issue.pk is None:
            issue.created_by = user
    issue.full_clean()
    if issue.pk is not None:
        issue.bump_version()
    issue.save()
    issue.sections.all().delete()
    for section_position, section_doc in enumerate(doc.sections):
        section = Section(
            issue=issue, title=section_doc.title, note=section_doc.note, position=section_position
        )
        section.full_clean(exclude=["issue"])
        section.save()
        entries = []
        for entry_position, entry_doc in enumerate(section_doc.entries):
            entry = entry_from_doc(entry_doc, section=section, position=entry_position)
            entry.full_clean(exclude=["section"])
            entries.append(entry)
        Entry.objects.bulk_create(entries)
    return issue
