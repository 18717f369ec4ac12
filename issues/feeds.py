"""RSS 2.0 and Atom feeds of the latest published issues, with full content.

Dates: an item's ``pubDate`` (Atom ``published``) is the issue's *first*
publication, the earliest ``go_live_at`` among its approved revisions that
have gone live, so a correction never makes feed readers announce an old
issue as new. Atom's ``updated`` is the ``go_live_at`` of the live revision,
i.e. when the version readers now see (a correction included) went live.
"""

import copy

from django.contrib.syndication.views import Feed
from django.db.models import Min, OuterRef, Subquery
from django.db.models.fields.json import KT
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from issues.context_processors import current_publication
from issues.models import Revision
from issues.views import issue_title

LATEST = 20


class LatestIssuesFeed(Feed):
    def __call__(self, request, *args, **kwargs):
        # The instance is shared by all requests (it lives in the URLconf).
        feed = copy.copy(self)
        feed.request = request
        return Feed.__call__(feed, request, *args, **kwargs)

    def title(self):
        return current_publication(self.request).name

    def description(self):
        return current_publication(self.request).tagline

    def link(self):
        return reverse("issues:home")

    def feed_url(self):
        return reverse("issues:feed")

    def items(self):
        now = timezone.now()
        first_live = (
            Revision.objects.approved()
            .filter(issue=OuterRef("issue"), go_live_at__lte=now)
            .values("issue")
            .annotate(first=Min("go_live_at"))
            .values("first")
        )
        return (
            Revision.objects.live(now)
            .select_related("issue")
            .defer("data")
            .annotate(
                first_live_at=Subquery(first_live),
                headline=KT("data__headline"),
                headline_separator=KT("data__headline_separator"),
                publication_name=KT("data__publication_name"),
            )
            .order_by("-issue__publication_date")[:LATEST]
        )

    def item_title(self, item):
        return issue_title(_TitleParts(item))

    def item_description(self, item):
        # Links inside the stored HTML are site-relative (anchors, source pages).
        site = self.request.build_absolute_uri("/")
        page = self.request.build_absolute_uri(self.item_link(item))
        return item.body_html.replace('href="/', f'href="{site}').replace(
            'href="#', f'href="{page}#'
        )

    def item_link(self, item):
        return reverse("issues:detail", args=[item.issue.publication_date])

    def item_pubdate(self, item):
        return item.first_live_at or item.go_live_at

    def item_updateddate(self, item):
        return item.go_live_at


class AtomIssuesFeed(LatestIssuesFeed):
    feed_type = Atom1Feed

    def subtitle(self):
        return self.description()

    def feed_url(self):
        return reverse("issues:feed-atom")


class _TitleParts:
    """Just enough of an IssueDoc for ``issue_title`` without loading ``data``."""

    def __init__(self, item):
        self.publication_name = item.publication_name or ""
        self.publication_date = item.issue.publication_date
        self.headline = item.headline or ""
        self.headline_separator = item.headline_separator or ""
