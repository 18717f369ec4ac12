"""Readers see an issue at the date it was approved with, never the working copy's.

An editor's change of a published issue's date is a correction like any other:
it reaches readers only once a reviewer approves it, and then the old address
leads to the new one.
"""

import datetime

import pytest
from django.utils import timezone

from issues import workflow
from issues.models import Status
from tests.factories import make_issue, make_issue_in_state, publish

D = datetime.date
OLD, NEW = D(2021, 7, 18), D(2021, 7, 25)


@pytest.fixture
def published(db, editor):
    issue = make_issue(OLD, headline="端侧新芯片", user=editor, status=Status.PUBLISHED)
    publish(issue, at=timezone.now() - datetime.timedelta(days=1))
    return issue


def move_working_copy(issue, date, editor):
    """What the admin does when an editor changes the date and saves."""
    issue.publication_date = date
    issue.updated_by = editor
    issue.save()
    return workflow.record_save(issue, editor)


def test_changing_the_date_of_a_published_issue_does_not_move_it_for_readers(
    client, published, editor
):
    move_working_copy(published, NEW, editor)

    page = client.get(f"/issues/{OLD}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "端侧新芯片" in html
    assert f'<link rel="canonical" href="http://testserver/issues/{OLD}/">' in html
    assert f'content="http://testserver/issues/{OLD}/"' in html  # og:url
    assert client.get(f"/issues/{NEW}/").status_code == 404
    assert client.get(f"/issues/{OLD}.md").status_code == 200
    assert client.get(f"/issues/{NEW}.md").status_code == 404
    for url in ("/feed/", "/feed/atom/", "/sitemap.xml", "/archive/"):
        body = client.get(url).content.decode()
        assert f"/issues/{OLD}/" in body, url
        assert str(NEW) not in body, url


def test_a_far_future_working_copy_date_does_not_make_an_old_issue_the_latest(
    client, published, editor
):
    newer = make_issue(D(2022, 1, 2), headline="真正的最新一期")
    publish(newer, at=timezone.now() - datetime.timedelta(hours=1))
    move_working_copy(published, D(2199, 1, 1), editor)

    home = client.get("/").content.decode()
    assert "真正的最新一期" in home
    assert "2199" not in home
    assert "2199" not in client.get("/feed/").content.decode()


def test_the_new_date_reaches_readers_once_approved_and_the_old_url_redirects(
    client, published, editor, reviewer
):
    move_working_copy(published, NEW, editor)
    workflow.submit_for_review(published, editor)
    workflow.approve(published, reviewer)

    old = client.get(f"/issues/{OLD}/")
    assert old.status_code == 301
    assert old["Location"] == f"/issues/{NEW}/"
    old_markdown = client.get(f"/issues/{OLD}.md")
    assert old_markdown.status_code == 301
    assert old_markdown["Location"] == f"/issues/{NEW}.md"

    html = client.get(f"/issues/{NEW}/").content.decode()
    assert f'<link rel="canonical" href="http://testserver/issues/{NEW}/">' in html
    assert f"http://testserver/issues/{NEW}/" in client.get("/feed/").content.decode()
    sitemap = client.get("/sitemap.xml").content.decode()
    assert f"/issues/{NEW}/" in sitemap and f"/issues/{OLD}/" not in sitemap
    assert f"({NEW})" in client.get("/").content.decode()


def test_a_date_nobody_ever_published_is_still_a_404(client, published, editor):
    make_issue_in_state(Status.DRAFT, author=editor, publication_date=D(2021, 8, 1))
    assert client.get("/issues/2021-08-01/").status_code == 404


def test_a_withdrawn_issue_does_not_redirect_from_its_old_date(client, published, editor, reviewer):
    move_working_copy(published, NEW, editor)
    workflow.submit_for_review(published, editor)
    workflow.approve(published, reviewer)
    workflow.unpublish(published, reviewer, "撤回")
    assert client.get(f"/issues/{OLD}/").status_code == 404
    assert client.get(f"/issues/{NEW}/").status_code == 404
