"""Template context shared by every page.

``Publication.load()`` is read at most once per request and only when a
template or view actually uses it; views that need it too call
``current_publication(request)`` and share the same row. Reader pages set
``request.publication`` from their catalogue (``issues.catalogue``), which is
read again whenever the settings change, so they need no query at all.
"""

from functools import lru_cache

from django.utils.functional import SimpleLazyObject

from issues.models import Publication
from issues.rendering import render_markdown

_ATTRIBUTE = "publication"


def current_publication(request=None) -> Publication:
    if request is None:
        return Publication.load()
    publication = getattr(request, _ATTRIBUTE, None)
    if publication is None:
        publication = Publication.load()
        setattr(request, _ATTRIBUTE, publication)
    return publication


@lru_cache(maxsize=16)
def _footer_html(footer: str, licence: str):
    # Keyed by the texts themselves, so an edited footer is never served stale.
    return {"footer_html": render_markdown(footer), "licence_html": render_markdown(licence)}


def footer_html(publication: Publication) -> dict:
    return _footer_html(publication.footer, publication.licence)


def publication(request):
    def footer():
        return footer_html(current_publication(request))

    return {
        "publication": SimpleLazyObject(lambda: current_publication(request)),
        "publication_footer": SimpleLazyObject(footer),
    }
