"""Staff preview of a working copy and secret share links."""

import datetime
from http import HTTPStatus

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from issues.models import ShareLink
from tests.factories import make_issue, make_user, publish

D = datetime.date


@pytest.fixture
def draft(db):
    issue = make_issue(D(2021, 7, 19), headline="PREVIEWHEADLINE")
    entry = issue.sections.first().entries.first()
    entry.title = "尚未发布的条目PREVIEW"
    entry.save()
    return issue


def assert_private(response):
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode()
    assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_editor_sees_the_working_copy_with_a_banner(client, editor, draft):
    client.force_login(editor)
    response = client.get("/preview/2021-07-19/")
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "预览 — 未发布" in html
    assert "尚未发布的条目PREVIEW" in html and "PREVIEWHEADLINE" in html
    assert_private(response)


def test_preview_shows_the_working_copy_not_the_published_version(client, editor, draft):
    publish(draft)
    draft.headline = "CORRECTED"
    draft.save()
    client.force_login(editor)
    assert "CORRECTED" in client.get("/preview/2021-07-19/").content.decode()
    assert "CORRECTED" not in client.get("/issues/2021-07-19/").content.decode()


def test_anonymous_gets_404_for_a_preview(client, draft):
    assert client.get("/preview/2021-07-19/").status_code == HTTPStatus.NOT_FOUND


def test_staff_without_view_permission_gets_404_not_403(client, draft):
    client.force_login(make_user("nobody"))
    assert client.get("/preview/2021-07-19/").status_code == HTTPStatus.NOT_FOUND


def test_non_staff_user_with_the_permission_gets_404(client, draft):
    user = make_user("reader")
    user.is_staff = False
    user.save()
    user.user_permissions.add(Permission.objects.get(codename="view_issue"))
    client.force_login(user)
    assert client.get("/preview/2021-07-19/").status_code == HTTPStatus.NOT_FOUND


def test_preview_of_a_date_without_an_issue_is_404(client, editor, db):
    client.force_login(editor)
    assert client.get("/preview/2030-01-01/").status_code == HTTPStatus.NOT_FOUND


def share(issue, **fields):
    fields.setdefault("expires_at", timezone.now() + datetime.timedelta(days=7))
    return ShareLink.objects.create(issue=issue, **fields)


def test_a_valid_share_link_shows_that_issues_working_copy(client, draft):
    link = share(draft)
    response = client.get(link.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    assert "尚未发布的条目PREVIEW" in response.content.decode()
    assert_private(response)


def test_an_expired_share_link_is_404(client, draft):
    link = share(draft, expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get(link.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND


def test_a_revoked_share_link_is_404(client, draft):
    link = share(draft, revoked_at=timezone.now())
    assert client.get(link.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND


def test_the_database_keeps_no_share_link_secret(draft):
    link = share(draft)
    stored = ShareLink.objects.filter(pk=link.pk).values().get()
    assert link.token not in repr(stored)
    assert ShareLink.objects.for_token(link.token).get() == link


def test_an_unknown_share_token_is_404(client, draft):
    share(draft)
    assert client.get("/shared/not-a-real-token/").status_code == HTTPStatus.NOT_FOUND
