"""sitemap.xml: the home page, the archive and every published issue."""

import datetime
import xml.etree.ElementTree as ET

from django.utils import timezone

from tests.factories import make_issue, publish

NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
D = datetime.date


def locations(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    return {url.findtext(f"{NS}loc"): url.findtext(f"{NS}lastmod") for url in root}


def test_sitemap_lists_home_archive_and_published_issues(client, db):
    publish(make_issue(D(2021, 7, 5)), at=timezone.now() - datetime.timedelta(days=1))
    assert set(locations(client)) == {
        "http://testserver/",
        "http://testserver/archive/",
        "http://testserver/issues/2021-07-05/",
    }


def test_sitemap_leaves_out_drafts_and_scheduled_issues(client, db):
    make_issue(D(2021, 7, 19))
    publish(make_issue(D(2021, 8, 2)), at=timezone.now() + datetime.timedelta(days=1))
    assert set(locations(client)) == {"http://testserver/", "http://testserver/archive/"}


def test_an_issues_lastmod_is_when_its_live_revision_went_live(client, db):
    issue = make_issue(D(2021, 7, 5))
    publish(issue, at=timezone.now() - datetime.timedelta(days=30))
    publish(issue, at=timezone.now() - datetime.timedelta(days=1))
    lastmod = locations(client)["http://testserver/issues/2021-07-05/"]
    # The sitemap gives the day in the site's time zone.
    assert lastmod == timezone.localdate(timezone.now() - datetime.timedelta(days=1)).isoformat()
