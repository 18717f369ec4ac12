import datetime

from django.contrib.sitemaps.views import sitemap
from django.urls import path, register_converter

from issues import views
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
    path("", views.HomeView.as_view(), name="home"),
    path("archive/", views.ArchiveView.as_view(), name="archive"),
    path("issues/<isodate:date>/", views.IssueDetailView.as_view(), name="detail"),
    path("issues/<isodate:date>.md", views.issue_markdown, name="markdown"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("sources/<path:source>/", views.SourceView.as_view(), name="source"),
    path("feed/", LatestIssuesFeed(), name="feed"),
    path("feed/atom/", AtomIssuesFeed(), name="feed-atom"),
    path("preview/<isodate:date>/", views.preview_issue, name="preview"),
    path("shared/<str:token>/", views.shared_issue, name="shared"),
    path("sitemap.xml", sitemap, {"sitemaps": sitemaps}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots"),
]
