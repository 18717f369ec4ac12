from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from issues.models import Revision


class IssueSitemap(Sitemap):
    """Each published issue at its live revision's date, modified when that went live."""

    changefreq = "monthly"
    priority = 0.8

    def items(self):
        return (
            Revision.objects.live()
            .only("go_live_at", "publication_date")
            .order_by("-publication_date")
        )

    def location(self, item):
        return reverse("issues:detail", args=[item.publication_date])

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
