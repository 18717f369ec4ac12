"""Unpublished content never reaches readers, on any public URL."""

import datetime

import pytest
from django.utils import timezone

from issues.documents import document_from_issue, document_to_data
from issues.models import Revision, Status
from tests.factories import make_issue, publish

D = datetime.date
PUBLIC_URLS = [
    "/",
    "/archive/",
    "/feed/",
    "/feed/atom/",
    "/sitemap.xml",
    "/search/?q=机密",
    "/search/?q=示例",
    "/sources/示例媒体/",
    "/sources/{secret}/",
]


def set_first_title(issue, secret):
    entry = issue.sections.first().entries.first()
    entry.title = f"{secret} 机密条目"
    entry.source = secret
    entry.save()


def assert_nowhere(client, secret, extra_urls=()):
    for url in [*PUBLIC_URLS, *extra_urls]:
        response = client.get(url.format(secret=secret))
        assert secret not in response.content.decode(), url
    # Searching for it finds nothing (the page repeats the query itself).
    assert 'class="result"' not in client.get("/search/", {"q": secret}).content.decode()


@pytest.fixture
def published(db):
    issue = make_issue(D(2021, 7, 5))
    publish(issue, at=timezone.now() - datetime.timedelta(days=1))
    return issue


def test_a_draft_issue_is_nowhere(client, published):
    draft = make_issue(D(2021, 7, 19), headline="DRAFTHEADLINE")
    set_first_title(draft, "DRAFTSECRETA")
    assert_nowhere(client, "DRAFTSECRETA", ["/issues/2021-07-05/"])
    assert_nowhere(client, "2021-07-19")
    assert client.get("/issues/2021-07-19/").status_code == 404
    assert client.get("/issues/2021-07-19.md").status_code == 404


def test_a_scheduled_issue_stays_hidden_until_its_time(client, published):
    scheduled = make_issue(D(2021, 7, 19))
    set_first_title(scheduled, "SCHEDULEDSECRET")
    publish(scheduled, at=timezone.now() + datetime.timedelta(days=1))
    assert_nowhere(client, "SCHEDULEDSECRET", ["/issues/2021-07-05/"])
    assert_nowhere(client, "2021-07-19")
    assert client.get("/issues/2021-07-19/").status_code == 404
    assert client.get("/issues/2021-07-19.md").status_code == 404


def test_a_scheduled_issue_appears_once_its_time_has_come(client, published):
    scheduled = make_issue(D(2021, 7, 19))
    publish(scheduled, at=timezone.now() + datetime.timedelta(days=1))
    Revision.objects.filter(issue=scheduled).update(
        go_live_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert client.get("/issues/2021-07-19/").status_code == 200


def test_a_draft_correction_of_a_published_issue_does_not_leak(client, published):
    set_first_title(published, "CORRECTIONSECRET")
    published.headline = "CORRECTIONHEADLINE"
    published.save()
    # Saving records an unapproved snapshot; approving a future one schedules it.
    Revision.objects.create(
        issue=published,
        status=Status.DRAFT,
        data=document_to_data(document_from_issue(published)),
    )
    publish(published, at=timezone.now() + datetime.timedelta(days=3))
    for secret in ("CORRECTIONSECRET", "CORRECTIONHEADLINE"):
        assert_nowhere(client, secret, ["/issues/2021-07-05/"])
    pytest.importorskip("issues.exporting")
    assert "CORRECTIONSECRET" not in client.get("/issues/2021-07-05.md").content.decode()


def test_a_withdrawn_issue_disappears_everywhere(client, published):
    set_first_title(published, "WITHDRAWNSECRET")
    publish(published, at=timezone.now() - datetime.timedelta(hours=1))
    Revision.objects.filter(issue=published).update(withdrawn_at=timezone.now())
    assert_nowhere(client, "WITHDRAWNSECRET")
    assert_nowhere(client, "2021-07-05")
    assert client.get("/issues/2021-07-05/").status_code == 404
