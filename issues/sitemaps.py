from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from issues.models import Revision


class IssueSitemap(Sitemap):
    """One URL per published issue, last modified when its live revision went live."""

    changefreq = "monthly"
    priority = 0.8

    def items(self):
        return (
            Revision.objects.live()
            .select_related("issue")
            .only("go_live_at", "issue", "issue__publication_date")
            .order_by("-issue__publication_date")
        )

    def location(self, item):
        return reverse("issues:detail", args=[item.issue.publication_date])

    def lastmod(self, item):
        return item.go_live_at


class StaticViewSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.5

    def items(self):
        return ["issues:home", "issues:archive"]

    def location(self, item):
        return reverse(item)


sitemaps = {"issues": IssueSitemap, "pages": StaticViewSitemap}
