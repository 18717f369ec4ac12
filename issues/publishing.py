"""Freezes an approved revision into what readers see.

Called by the workflow when a revision is approved, and by ``rerender`` when
the sanitiser or templates change: the issue's HTML is rendered once here and
stored, and its entries are copied into ``PublicEntry`` for search and source
pages, each with the window in which readers see it (``restamp``). The read
path renders nothing.

The revision also keeps the date of its own content (``publication_date``):
readers find and link an issue by that date, never by the working copy's, so
changing the date of a published issue reaches readers only through review.
``frozen_at`` records the moment, so cached pages (``issues.cache``) change
with it.
"""

from django.conf import settings
from django.contrib.postgres.search import SearchVector
from django.db import connections, transaction
from django.db.models import Value
from django.utils import timezone, translation

from curation.normalize import normalize_url
from issues.models import PublicEntry, Revision
from issues.rendering import presented_entries, render_issue_body
from issues.search import search_text


@transaction.atomic
def freeze_revision(revision: Revision) -> Revision:
    doc = revision.document()
    # Stored HTML is shown to every reader, so it is rendered in the site's
    # language, not in the approving reviewer's browser language.
    with translation.override(settings.LANGUAGE_CODE):
        revision.body_html = render_issue_body(doc)
    revision.publication_date = doc.publication_date
    revision.frozen_at = timezone.now()
    revision.save(update_fields=["body_html", "publication_date", "frozen_at"])
    revision.public_entries.all().delete()
    # Each entry is written once, with its search vector and live window: a
    # second and third version of every row would be dead weight that every
    # search wades through until a vacuum.
    live_from, live_until = PublicEntry.objects.live_windows([revision.issue_id]).get(
        revision.pk, (None, None)
    )
    postgresql = connections[PublicEntry.objects.db].vendor == "postgresql"
    rows = []
    position = 0
    for section in presented_entries(doc):
        for entry in section["entries"]:
            source = entry["doc"]
            text = search_text(source.label, source.title, source.source, source.summary)
            rows.append(
                PublicEntry(
                    revision=revision,
                    publication_date=doc.publication_date,
                    section_title=section["title"],
                    position=position,
                    anchor=entry["anchor"],
                    label=source.label,
                    title=source.title,
                    source=source.source,
                    url=source.url,
                    normalized_url=normalize_url(source.url),
                    summary=source.summary,
                    search_text=text,
                    # Computed here, once, rather than in every search.
                    search_vector=(
                        SearchVector(Value(text), config="simple") if postgresql else None
                    ),
                    live_from=live_from,
                    live_until=live_until,
                )
            )
            position += 1
    PublicEntry.objects.bulk_create(rows)
    # The revision this one replaces stops being live when this one goes live.
    PublicEntry.objects.restamp([revision.issue_id])
    return revision
