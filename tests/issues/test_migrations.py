"""Migrations that rewrite data keep what was there working."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from issues.models import ShareLink

BEFORE_HASHING = [("issues", "0010_public_entry_live_window")]
HASHING = [("issues", "0011_share_link_token_hash")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_share_links_handed_out_before_hashing_keep_working(client, editor):
    old = migrate(BEFORE_HASHING)
    issue = old.get_model("issues", "Issue").objects.create(
        publication_date=datetime.date(2026, 3, 1), headline="待审的一期", created_by_id=editor.pk
    )
    old.get_model("issues", "ShareLink").objects.create(
        issue_id=issue.pk,
        token="a-token-handed-out-earlier",
        expires_at=timezone.now() + datetime.timedelta(days=3),
    )
    migrate(HASHING)

    link = ShareLink.objects.get()
    assert "a-token-handed-out-earlier" not in link.token_hash
    assert client.get("/shared/a-token-handed-out-earlier/").status_code == 200
    assert client.get("/shared/another-token/").status_code == 404


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_migrating_back_from_hashed_share_links_gives_each_a_secret_of_its_own(editor):
    from tests.factories import make_issue

    issue = make_issue(datetime.date(2026, 3, 1), user=editor)
    expires = timezone.now() + datetime.timedelta(days=3)
    ShareLink.objects.create(issue=issue, expires_at=expires)
    ShareLink.objects.create(issue=issue, expires_at=expires)

    old = migrate(BEFORE_HASHING)
    tokens = set(old.get_model("issues", "ShareLink").objects.values_list("token", flat=True))
    migrate(HASHING)

    assert len(tokens) == 2
    assert ShareLink.objects.count() == 2
