"""RSS 2.0 and Atom feeds of the latest published issues, with full content.

Dates: an item's ``pubDate`` (Atom ``published``) is the issue's *first*
publication, the earliest ``go_live_at`` among its approved revisions that
have gone live, so a correction never makes feed readers announce an old
issue as new. Atom's ``updated`` is the ``go_live_at`` of the live revision,
i.e. when the version readers now see (a correction included) went live.

Everything else comes from the live revision too (its date, title and stored
HTML), never from the working copy. The request reaches the items through the
framework's own hook, ``get_object()``: the feed object lives in the URLconf
and is shared by every request, so it keeps no state of its own.
"""

import datetime
import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from django.contrib.syndication.views import Feed
from django.db.models import Min, OuterRef, Subquery
from django.db.models.fields.json import KT
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from issues.context_processors import current_publication
from issues.models import Publication, Revision
from issues.rendering import format_issue_title

LATEST = 20

# Stored issue HTML is serialised by the sanitiser and by Django templates:
# every attribute is double-quoted and its value escaped, so this finds each
# link target exactly.
_link_attribute = re.compile(r'(\s(?:href|src)=")([^"]*)(")')


# A path on this site that urljoin would only prefix with the origin: no
# query or fragment, no "//" host, no dot segment.
_plain_site_path = re.compile(r"/(?![/.])(?:[^?#/]|/(?!\.))*\Z")


def absolute_links(html: str, page_url: str) -> str:
    """``html`` with every link and image address resolved against ``page_url``.

    Feed readers show an item's content out of its page, where site-relative
    (``/sources/…``) and in-page (``#e-1``) addresses would lead nowhere.
    Absolute addresses are left as written, and the site's own (a path or a
    fragment) are joined without parsing each: ``urljoin`` on each of the
    feed's ~2,000 links was half of rendering it.
    """

    page = urlsplit(page_url)._replace(fragment="")
    origin, page_url = f"{page.scheme}://{page.netloc}", page.geturl()

    def resolved(match):
        address = match.group(2)
        if address.startswith(("https://", "http://")):
            return match.group(0)
        if address.startswith("#") and len(address) > 1:
            address = page_url + address
        elif _plain_site_path.match(address):
            address = origin + address
        else:  # what urljoin rewrites: "//host", dot segments, an empty "#" or "?"...
            address = urljoin(page_url, address)
        return match.group(1) + address + match.group(3)

    return _link_attribute.sub(resolved, html)


@dataclass
class FeedRequest:
    """What one request's feed needs from the request: the site address and settings."""

    site_url: str
    publication: Publication
    now: datetime.datetime


class LatestIssuesFeed(Feed):
    def get_object(self, request, *args, **kwargs):
        return FeedRequest(
            site_url=request.build_absolute_uri("/"),
            publication=current_publication(request),
            now=timezone.now(),
        )

    def title(self, obj):
        return obj.publication.name

    def description(self, obj):
        return obj.publication.tagline

    def link(self):
        return reverse("issues:home")

    def feed_url(self):
        return reverse("issues:feed")

    def items(self, obj):
        first_live = (
            Revision.objects.approved()
            .filter(issue=OuterRef("issue"), go_live_at__lte=obj.now)
            .values("issue")
            .annotate(first=Min("go_live_at"))
            .values("first")
        )
        items = list(
            Revision.objects.live(obj.now)
            .defer("data")
            .annotate(
                first_live_at=Subquery(first_live),
                headline=KT("data__headline"),
                headline_separator=KT("data__headline_separator"),
                publication_name=KT("data__publication_name"),
            )
            .order_by("-publication_date")[:LATEST]
        )
        for item in items:
            item.page_url = urljoin(obj.site_url, self.item_link(item))
        return items

    def item_title(self, item):
        return format_issue_title(
            item.publication_name or "",
            item.publication_date,
            item.headline or "",
            item.headline_separator or "",
        )

    def item_description(self, item):
        return absolute_links(item.body_html, item.page_url)

    def item_link(self, item):
        return reverse("issues:detail", args=[item.publication_date])

    def item_pubdate(self, item):
        return item.first_live_at or item.go_live_at

    def item_updateddate(self, item):
        return item.go_live_at


class AtomIssuesFeed(LatestIssuesFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj):
        return self.description(obj)

    def feed_url(self):
        return reverse("issues:feed-atom")
