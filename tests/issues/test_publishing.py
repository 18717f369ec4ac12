"""Freezing an approved revision into what readers see (``issues.publishing``)."""

import datetime

import pytest
from django.db import connection

from issues.models import PublicEntry
from tests.factories import make_issue, publish

D = datetime.date


def entry_writes():
    """Rows of PublicEntry inserted and updated so far in this transaction (PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n_tup_ins, n_tup_upd FROM pg_stat_xact_user_tables WHERE relname = %s",
            [PublicEntry._meta.db_table],
        )
        row = cursor.fetchone()
    return row or (0, 0)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's write statistics")
def test_publishing_writes_each_entry_once_and_a_correction_only_ends_the_old_ones(db):
    issue = make_issue(D(2021, 7, 5), sections=(("业界新闻", 3), ("论文", 2)))
    inserted, updated = entry_writes()

    first = publish(issue)
    after_first = entry_writes()
    assert after_first == (inserted + 5, updated)  # searchable and live as written

    second = publish(issue)  # a correction: the first revision's entries stop being live
    assert entry_writes() == (after_first[0] + 5, after_first[1] + 5)

    live = PublicEntry.objects.published().search("示例芯片")
    assert {entry.revision_id for entry in live} == {second.pk}
    ended = PublicEntry.objects.filter(revision=first)
    assert all(entry.live_until == second.go_live_at for entry in ended)
