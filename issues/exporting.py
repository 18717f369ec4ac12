"""An issue as a complete house-format Markdown file.

The content comes from a document (a live revision's for readers, the working
copy's for the team's exports); the generated parts — the archive grid of
published issues and the footer — come from the database at export time, so
they never hold a broken or missing link.
"""

from issues.housefmt import IssueDoc, dump, dump_archive_grid
from issues.models import Publication, Revision
from issues.rendering import with_entry_count


def archive_markdown(publication, current_date=None, *, now=None) -> str:
    """The "往期回顾" grid: every published issue, linked to its Markdown file.

    Links are relative (``2026-11-10.md``), so they work both in a folder of
    exported files and under ``/issues/<date>.md`` on the site.
    """
    dates = Revision.objects.published_dates(now)
    cells = [(date, None if date == current_date else f"{date.isoformat()}.md") for date in dates]
    return dump_archive_grid(cells, heading_url=publication.archive_url)


def footer_markdown(publication) -> str:
    parts = [part.strip() for part in (publication.footer, publication.licence) if part.strip()]
    if not parts:
        return ""
    return "----\n\n" + "\n\n----\n\n".join(parts) + "\n"


def issue_markdown(doc: IssueDoc, *, now=None) -> str:
    publication = Publication.load()
    return dump(
        with_entry_count(doc),
        archive=archive_markdown(publication, doc.publication_date, now=now),
        footer=footer_markdown(publication),
    )
