"""Links already in the archive get their key when the key field arrives."""

import importlib

from django.apps import apps

from issues.models import Entry, PublicEntry
from tests.factories import make_issue, publish

backfill = importlib.import_module("issues.migrations.0007_entry_normalized_url")


def test_the_migration_gives_existing_links_their_key(editor):
    issue = make_issue(user=editor, sections=(("论文", 2),))
    Entry.objects.filter(pk=Entry.objects.first().pk).update(
        url="https://arxiv.org/pdf/2401.01234v3.pdf"
    )
    publish(issue)
    Entry.objects.update(normalized_url="")
    PublicEntry.objects.update(normalized_url="")

    backfill.fill_normalized_urls(apps, None)

    keys = set(Entry.objects.values_list("normalized_url", flat=True))
    assert "arxiv.org/abs/2401.01234" in keys and "" not in keys
    assert set(PublicEntry.objects.values_list("normalized_url", flat=True)) == keys
