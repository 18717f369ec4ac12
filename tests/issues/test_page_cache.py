"""Public pages are cached, and no reader ever gets a page older than what is published.

Each test first fetches the pages (so they sit in the cache), changes what is
published the way the team does (``issues.workflow``, the settings), and then
expects the new content at once. Every test runs twice: with the state read
from the database on each request (a cache private to each process) and with
the shared-cache generation token (Redis in production). A change "completes"
when its transaction commits, so changes run inside ``committed()``.
"""

import datetime
import gzip
from unittest import mock

import brotli
import pytest
from django.core.signals import request_started
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from issues import workflow
from issues.models import Issue, Publication, Status
from tests.factories import make_issue, make_issue_in_state, publish
from tests.wsgi_client import WSGIClient

D = datetime.date
REDIS = "redis://127.0.0.1:6379/15"


def redis_is_running():
    import redis

    try:
        return redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


def use_redis_with_pushed_generations(settings):
    """Production's arrangement: Redis, and the generation pushed to this process."""
    import time

    from django.core.cache import cache

    from issues.generations import listener

    if not redis_is_running():
        pytest.skip("needs Redis at 127.0.0.1:6379")
    settings.CACHES = {
        "default": {
            "BACKEND": "digest.redis_cache.RedisCache",
            "LOCATION": REDIS,
            "KEY_PREFIX": "digest-tests",
        }
    }
    settings.DIGEST_PAGE_CACHE_PUSH = True
    cache.clear()
    listener.current()  # starts this process's listener
    for _ in range(200):
        if listener.current() is not None:
            return
        time.sleep(0.01)
    pytest.fail("the generation listener did not subscribe")


PAGES = ["/", "/archive/", "/feed/", "/feed/atom/", "/sitemap.xml", "/search/?q=示例"]


@pytest.fixture(params=["database", "shared", "redis"], autouse=True)
def cache_mode(request, settings):
    from issues import cache, catalogue

    settings.DIGEST_PAGE_CACHE_SHARED = request.param in ("shared", "redis")
    if request.param == "redis":
        use_redis_with_pushed_generations(settings)
    cache.forget()
    catalogue.forget()
    return "shared" if request.param == "redis" else request.param


@pytest.fixture
def client(request):
    """Readers. In production's arrangement, through the WSGI application gunicorn serves."""
    if request.node.callspec.params["cache_mode"] == "redis":
        return WSGIClient()
    return Client()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """The change inside commits when the block ends (on_commit callbacks run)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def published(db, editor):
    issue = make_issue(D(2021, 7, 18), headline="第一版标题", user=editor, status=Status.PUBLISHED)
    publish(issue, at=timezone.now() - datetime.timedelta(days=1))
    return issue


def fetch_all(client, issue_date):
    pages = [*PAGES, f"/issues/{issue_date}/", f"/issues/{issue_date}.md"]
    return {url: client.get(url).content.decode() for url in pages}


def in_review(editor, **kwargs):
    return make_issue_in_state(Status.IN_REVIEW, author=editor, **kwargs)


def test_a_cached_page_is_served_without_rendering_it_again(client, published, cache_mode):
    client.get("/issues/2021-07-18/")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/issues/2021-07-18/")
    assert response.status_code == 200
    assert "第一版标题" in response.content.decode()
    # The publication state from the database, or nothing with a shared cache.
    assert len(queries) == (1 if cache_mode == "database" else 0)


def test_without_a_shared_cache_a_change_no_signal_announced_is_still_seen(
    client, published, cache_mode
):
    """Per-process caches cannot hear each other: each request asks the database."""
    if cache_mode != "database":
        pytest.skip("the shared cache hears of changes through model signals")
    from issues.models import Revision

    client.get("/archive/")
    Revision.objects.filter(issue=published).update(withdrawn_at=timezone.now())
    assert "2021-07-18" not in client.get("/archive/").content.decode()


@pytest.mark.parametrize("url", ["/", "/issues/2021-07-18/", "/archive/", "/search/?q=示例"])
def test_a_public_page_runs_at_most_four_queries_when_not_cached(client, published, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert len(queries) <= 4


def test_approval_reaches_readers_at_once(client, published, editor, reviewer, committed):
    fetch_all(client, "2021-07-18")
    new = in_review(editor, publication_date=D(2021, 8, 1), headline="刚批准的一期")
    with committed():
        workflow.approve(new, reviewer)
    for url, html in fetch_all(client, "2021-08-01").items():
        assert "2021-08-01" in html, url
    assert "刚批准的一期" in client.get("/").content.decode()


def test_a_scheduled_issue_appears_when_its_time_comes_without_any_job(
    client, published, editor, reviewer, committed
):
    go_live = timezone.now() + datetime.timedelta(hours=2)
    new = in_review(editor, publication_date=D(2021, 8, 1), headline="排期的一期")
    with committed():
        workflow.approve(new, reviewer, publish_at=go_live)
    before = fetch_all(client, "2021-07-18")
    assert all("排期的一期" not in html for html in before.values())

    later = go_live + datetime.timedelta(seconds=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        after = fetch_all(client, "2021-08-01")
    for url in PAGES:
        assert "2021-08-01" in after[url], url
    assert "排期的一期" in after["/"]


def test_cached_pages_never_outlive_the_next_go_live_moment(published, editor, reviewer):
    from issues.cache import current_state

    go_live = timezone.now() + datetime.timedelta(minutes=10)
    workflow.approve(
        in_review(editor, publication_date=D(2021, 8, 1)), reviewer, publish_at=go_live
    )
    now = timezone.now()
    assert current_state(now).timeout(now) <= 10 * 60 + 1


def test_unpublishing_removes_the_issue_from_every_page_at_once(
    client, published, reviewer, committed
):
    fetch_all(client, "2021-07-18")
    with committed():
        workflow.unpublish(published, reviewer, "内容有误")
    assert client.get("/issues/2021-07-18/").status_code == 404
    assert client.get("/issues/2021-07-18.md").status_code == 404
    for url in PAGES:
        assert "第一版标题" not in client.get(url).content.decode(), url
        assert "2021-07-18" not in client.get(url).content.decode(), url


def test_an_approved_correction_replaces_the_page_at_once(
    client, published, editor, reviewer, committed
):
    fetch_all(client, "2021-07-18")
    with committed():
        published.headline = "更正后的标题"
        published.updated_by = editor
        published.save()
        workflow.record_save(published, editor)
    # Before approval readers keep the approved version, cached or not.
    assert "第一版标题" in client.get("/issues/2021-07-18/").content.decode()
    with committed():
        workflow.submit_for_review(published, editor)
    with committed():
        workflow.approve(published, reviewer)
    for url, html in fetch_all(client, "2021-07-18").items():
        if url.startswith("/search/") or url == "/sitemap.xml" or url == "/archive/":
            continue  # these pages show no headline
        assert "更正后的标题" in html, url
        assert "第一版标题" not in html, url


def test_a_publication_settings_change_reaches_every_page_at_once(client, published, committed):
    fetch_all(client, "2021-07-18")
    publication = Publication.load()
    publication.name = "新刊名"
    publication.footer = "新的页脚文字"
    with committed():
        publication.save()
    for url, html in fetch_all(client, "2021-07-18").items():
        if url.endswith(".md") or url == "/sitemap.xml":
            continue
        assert "新刊名" in html or "新的页脚文字" in html, url
    assert "新的页脚文字" in client.get("/archive/").content.decode()


def test_each_language_gets_its_own_page(client, published):
    chinese = client.get("/archive/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    english = client.get("/archive/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="zh-hans"' in chinese
    assert 'lang="en"' in english
    client.cookies["django_language"] = "en"
    assert 'lang="en"' in client.get("/archive/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()


def test_deleting_a_published_issue_removes_it_at_once(client, published, committed):
    fetch_all(client, "2021-07-18")
    with committed():
        Issue.objects.filter(pk=published.pk).delete()
    assert client.get("/issues/2021-07-18/").status_code == 404
    assert "2021-07-18" not in client.get("/archive/").content.decode()


def test_staff_pages_are_never_cached(client, published, superuser):
    client.force_login(superuser)
    first = client.get("/preview/2021-07-18/")
    published.headline = "草稿里的新标题"
    published.save()
    second = client.get("/preview/2021-07-18/")
    assert "草稿里的新标题" in second.content.decode()
    assert "草稿里的新标题" not in first.content.decode()
    assert "ETag" not in second


# --- HTTP caching -----------------------------------------------------------------------------


def clock(seconds):
    """Readers and the team a few seconds from now."""
    return mock.patch(
        "django.utils.timezone.now", return_value=START + datetime.timedelta(seconds=seconds)
    )


START = timezone.now()


@pytest.mark.parametrize("url", ["/", "/issues/2021-07-18/", "/feed/", "/sitemap.xml"])
def test_public_pages_carry_validators_and_answer_304(client, published, url):
    with clock(3600):
        response = client.get(url)
        assert response.status_code == 200
        assert response["ETag"]
        assert response["Last-Modified"]
        assert "public" in response["Cache-Control"]
        assert "max-age=0" in response["Cache-Control"]
        assert client.get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
        since = response["Last-Modified"]
        assert client.get(url, HTTP_IF_MODIFIED_SINCE=since).status_code == 304


def test_a_validator_from_before_a_change_gets_the_new_page(client, published, reviewer, committed):
    with clock(3600):
        first = client.get("/archive/")
    with clock(3601), committed():
        workflow.unpublish(published, reviewer, "撤回")
    with clock(3602):
        assert client.get("/archive/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200
        since = first["Last-Modified"]
        assert client.get("/archive/", HTTP_IF_MODIFIED_SINCE=since).status_code == 200


def test_last_modified_is_not_claimed_for_a_second_that_is_not_over(client, published):
    """Otherwise a change later in that second would leave clients with the old page."""
    frozen = published.revisions.approved().get().frozen_at
    with mock.patch("django.utils.timezone.now", return_value=frozen.replace(microsecond=999999)):
        response = client.get("/archive/")
    assert response["ETag"]
    assert "Last-Modified" not in response


def test_last_modified_is_claimed_once_that_second_is_over(client, published):
    frozen = published.revisions.approved().get().frozen_at
    with mock.patch("django.utils.timezone.now", return_value=frozen.replace(microsecond=999999)):
        client.get("/archive/")
    later = frozen.replace(microsecond=0) + datetime.timedelta(seconds=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert client.get("/archive/")["Last-Modified"]


def test_s_maxage_is_configurable_for_operators_who_purge(client, published, settings):
    settings.DIGEST_CACHE_S_MAXAGE = 300
    assert "s-maxage=300" in client.get("/")["Cache-Control"]


@pytest.mark.parametrize("url", ["/", "/issues/2021-07-18/", "/issues/2021-07-18.md", "/feed/"])
def test_head_works_wherever_get_does(client, published, url):
    client.get(url)  # cached
    for _ in range(2):
        response = client.head(url)
        assert response.status_code == 200
        assert response.content == b""
        assert response["ETag"]


def test_pages_are_compressed_for_clients_that_accept_it(client, published):
    plain = client.get("/issues/2021-07-18/")
    zipped = client.get("/issues/2021-07-18/", HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert zipped["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.content) == plain.content
    squeezed = client.get("/issues/2021-07-18/", HTTP_ACCEPT_ENCODING="gzip, br")
    assert squeezed["Content-Encoding"] == "br"
    assert brotli.decompress(squeezed.content) == plain.content
    assert "Content-Encoding" not in plain
    assert "Accept-Encoding" in zipped["Vary"]
    assert zipped["ETag"] != plain["ETag"]


def test_an_encoding_refused_with_q_zero_is_not_used(client, published):
    response = client.get("/archive/", HTTP_ACCEPT_ENCODING="br;q=0, gzip;q=0")
    assert "Content-Encoding" not in response


def test_pages_with_a_csrf_token_are_neither_cached_nor_compressed(client, db):
    response = client.get("/admin/login/", HTTP_ACCEPT_ENCODING="gzip, br")
    assert "Content-Encoding" not in response
    assert "ETag" not in response


# --- Repeated requests, answered before Django ------------------------------------------------


def requests_django_handled():
    handled = []
    request_started.connect(
        lambda **kwargs: handled.append(kwargs["environ"]["PATH_INFO"]),
        weak=False,
        dispatch_uid="count-requests",
    )
    return handled


@pytest.fixture
def wsgi_client(cache_mode):
    if cache_mode == "database":
        pytest.skip("without a shared cache every request asks the database for the state")
    yield WSGIClient()
    request_started.disconnect(dispatch_uid="count-requests")


def test_a_repeated_request_is_answered_before_django(wsgi_client, published):
    handled = requests_django_handled()
    with clock(3600):
        first = wsgi_client.get("/issues/2021-07-18/")
        assert len(handled) == 1
        again = wsgi_client.get("/issues/2021-07-18/")
    assert len(handled) == 1
    assert again.status_code == 200
    assert again.content == first.content
    assert again.items() == first.items()


@pytest.mark.parametrize(
    "change",
    [
        {"HTTP_HOST": "localhost"},
        {"HTTP_ACCEPT_LANGUAGE": "en"},
        {"HTTP_ACCEPT_ENCODING": "gzip"},
        {"QUERY_STRING": "page=1"},
        {"wsgi.url_scheme": "https"},
        {"REQUEST_METHOD": "HEAD"},
    ],
)
def test_only_an_identical_request_gets_a_repeated_reply(wsgi_client, published, settings, change):
    settings.ALLOWED_HOSTS = ["testserver", "localhost"]
    handled = requests_django_handled()
    with clock(3600):
        wsgi_client.get("/archive/")
        wsgi_client.generic("GET", "/archive/", **change)
    assert len(handled) == 2


def test_a_repeated_request_follows_the_language_cookie(wsgi_client, published):
    with clock(3600):
        assert 'lang="zh-hans"' in wsgi_client.get("/archive/").content.decode()
        wsgi_client.cookies["django_language"] = "en"
        assert 'lang="en"' in wsgi_client.get("/archive/").content.decode()


def test_conditional_requests_are_answered_by_django(wsgi_client, published):
    handled = requests_django_handled()
    with clock(3600):
        etag = wsgi_client.get("/archive/")["ETag"]
        assert wsgi_client.get("/archive/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert len(handled) == 2


def test_a_repeated_request_gets_a_scheduled_issue_once_its_time_comes(
    wsgi_client, published, editor, reviewer, committed
):
    go_live = START + datetime.timedelta(hours=2)
    new = in_review(editor, publication_date=D(2021, 8, 1), headline="排期的一期")
    with committed():
        workflow.approve(new, reviewer, publish_at=go_live)
    with clock(3600):
        assert "排期的一期" not in wsgi_client.get("/").content.decode()
        assert "排期的一期" not in wsgi_client.get("/").content.decode()
    with clock(2 * 3600 + 1):
        assert "排期的一期" in wsgi_client.get("/").content.decode()


def test_pages_with_a_cookie_or_for_staff_are_never_repeated(wsgi_client, published, superuser):
    wsgi_client.force_login(superuser)
    handled = requests_django_handled()
    with clock(3600):
        wsgi_client.get("/admin/")
        wsgi_client.get("/admin/")
        wsgi_client.get("/preview/2021-07-18/")
        wsgi_client.get("/preview/2021-07-18/")
    assert len(handled) == 4
