"""The catalogue (``issues.catalogue``) is never stale, with or without the page cache.

Reader pages take the published dates, the revision of each date and the
settings from a copy each process keeps per publication state. The page
cache's invalidation cases are run again here with the page cache off, so
that every page is rendered from the catalogue, in both ways of reading the
state (the database on each request, or the shared generation token).
"""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import make_issue, publish
from tests.issues.test_page_cache import (  # noqa: F401 - fixtures and the cases run again
    committed,
    published,
    test_a_publication_settings_change_reaches_every_page_at_once,
    test_a_scheduled_issue_appears_when_its_time_comes_without_any_job,
    test_an_approved_correction_replaces_the_page_at_once,
    test_approval_reaches_readers_at_once,
    test_deleting_a_published_issue_removes_it_at_once,
    test_unpublishing_removes_the_issue_from_every_page_at_once,
    test_without_a_shared_cache_a_change_no_signal_announced_is_still_seen,
)

D = datetime.date


@pytest.fixture(params=["database", "shared"], autouse=True)
def cache_mode(request, settings):
    settings.DIGEST_PAGE_CACHE = False
    settings.DIGEST_PAGE_CACHE_SHARED = request.param == "shared"
    return request.param


@pytest.mark.parametrize("url", ["/", "/issues/2020-01-06/", "/archive/"])
def test_issue_pages_read_only_the_state_and_the_revision_once_the_catalogue_is_read(
    client, db, url, cache_mode
):
    for n in range(12):
        publish(
            make_issue(D(2020, 1, 6) + datetime.timedelta(days=14 * n)),
            at=timezone.now() - datetime.timedelta(days=1),
        )
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    # The state (none with the shared token), and the issue's revision.
    expected = 0 if cache_mode == "shared" else 1
    if url != "/archive/":
        expected += 1
    assert len(queries) == expected, [query["sql"] for query in queries.captured_queries]


def test_the_grid_of_an_old_issue_shows_its_own_year_among_the_recent_ones(client, db):
    for date in (D(2015, 3, 1), D(2024, 5, 5), D(2025, 6, 1), D(2026, 1, 4)):
        publish(make_issue(date), at=timezone.now() - datetime.timedelta(days=1))
    html = client.get("/issues/2015-03-01/").content.decode()
    grid = html[html.index('class="archive-grid"') :]
    assert [year for year in ("2026", "2025", "2024", "2015") if f'id="y{year}"' in grid] == [
        "2026",
        "2025",
        "2015",
    ]
    assert '<td class="archive-current" aria-current="page"><span>2015-03-01</span></td>' in grid


def test_issue_pages_of_one_year_each_mark_only_their_own_cell(client, db):
    dates = [D(2024, 5, 5), D(2024, 5, 19), D(2024, 6, 2)]
    for date in dates:
        publish(make_issue(date), at=timezone.now() - datetime.timedelta(days=1))
    for date in [*dates, dates[0]]:  # the first again, after its neighbours'
        html = client.get(f"/issues/{date}/").content.decode()
        grid = html[html.index('class="archive-grid"') :]
        marked = re.findall(r'aria-current="page"><span>([\d-]+)</span>', grid)
        assert marked == [date.isoformat()]
        others = [other.isoformat() for other in dates if other != date]
        assert all(f'<a href="/issues/{other}/">{other}</a>' in grid for other in others)


def test_an_issue_deleted_after_the_catalogue_was_read_is_not_found_rather_than_an_error(db):
    from issues.catalogue import current_catalogue
    from issues.models import Revision

    issue = make_issue(D(2020, 1, 6), headline="将被删除的一期")
    publish(issue, at=timezone.now() - datetime.timedelta(days=1))
    catalogue = current_catalogue(timezone.now())
    assert "将被删除的一期" in catalogue.live_issue(D(2020, 1, 6)).title

    # Another process deletes it after this one read the catalogue.
    Revision.objects.filter(issue=issue).delete()

    assert catalogue.live_issue(D(2020, 1, 6)) is None


def header_of(html):
    return html[html.index('<header class="site-header"') : html.index("</header>")]


def test_the_page_chrome_is_in_each_readers_language_and_marks_the_page_shown(client, db):
    from django.utils import translation

    publish(make_issue(D(2020, 1, 6)), at=timezone.now() - datetime.timedelta(days=1))
    with translation.override("en"):
        latest_in_english = translation.gettext("最新一期")
    assert latest_in_english != "最新一期"

    home_chinese = header_of(client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode())
    home_english = header_of(client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode())
    archive = header_of(client.get("/archive/", HTTP_ACCEPT_LANGUAGE="en").content.decode())

    assert "最新一期" in home_chinese
    assert latest_in_english in home_english
    assert 'href="/" aria-current="page"' in home_english
    assert 'href="/archive/" aria-current="page"' in archive
    assert 'href="/" aria-current="page"' not in archive
