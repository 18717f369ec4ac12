import datetime

from django.contrib.sitemaps.views import sitemap
from django.urls import path, register_converter

from issues import views
from issues.cache import public_page
from issues.feeds import AtomIssuesFeed, LatestIssuesFeed
from issues.sitemaps import sitemaps


class IsoDateConverter:
    """``2021-07-18`` <-> ``datetime.date``; an impossible date (02-30) is a 404."""

    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value):
        return datetime.date.fromisoformat(value)

    def to_url(self, value):
        return value.isoformat() if isinstance(value, datetime.date) else str(value)


register_converter(IsoDateConverter, "isodate")

app_name = "issues"

urlpatterns = [
    # Public pages: the same for every reader, cached until what is published changes.
    path("", public_page(views.HomeView.as_view()), name="home"),
    path("archive/", public_page(views.ArchiveView.as_view()), name="archive"),
    path("issues/<isodate:date>/", public_page(views.IssueDetailView.as_view()), name="detail"),
    path("issues/<isodate:date>.md", public_page(views.issue_file), name="markdown"),
    path("search/", public_page(views.SearchView.as_view(), seconds=600), name="search"),
    path("sources/<path:source>/", public_page(views.SourceView.as_view()), name="source"),
    path("feed/", public_page(LatestIssuesFeed()), name="feed"),
    path("feed/atom/", public_page(AtomIssuesFeed()), name="feed-atom"),
    path("sitemap.xml", public_page(sitemap), {"sitemaps": sitemaps}, name="sitemap"),
    path("robots.txt", public_page(views.robots_txt), name="robots"),
    # Browsers, feed readers and the admin ask for it whatever the page says.
    path("favicon.ico", public_page(views.favicon), name="favicon"),
    # The working copy, for staff and share links: never cached.
    path("preview/<isodate:date>/", views.preview_issue, name="preview"),
    path("shared/<str:token>/", views.shared_issue, name="shared"),
]
