from django.db import migrations, models


def stamp_live_windows(apps, schema_editor):
    """What ``PublicEntryQuerySet.restamp`` does, for every issue already published."""
    Revision = apps.get_model("issues", "Revision")
    PublicEntry = apps.get_model("issues", "PublicEntry")
    approved = Revision.objects.filter(go_live_at__isnull=False, withdrawn_at__isnull=True)
    go_lives = {}
    for pk, issue_id, go_live_at in approved.values_list("pk", "issue_id", "go_live_at"):
        go_lives.setdefault(issue_id, []).append((go_live_at, pk))
    windows = {}
    for revisions in go_lives.values():
        for go_live_at, pk in revisions:
            later = [moment for moment, _pk in revisions if moment > go_live_at]
            windows.setdefault((go_live_at, min(later, default=None)), []).append(pk)
    for (live_from, live_until), pks in windows.items():
        PublicEntry.objects.filter(revision_id__in=pks).update(
            live_from=live_from, live_until=live_until
        )


class Migration(migrations.Migration):
    dependencies = [
        ("issues", "0009_revision_publication_date_search_vector"),
    ]

    operations = [
        migrations.AddField(
            model_name="publicentry",
            name="live_from",
            field=models.DateTimeField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="publicentry",
            name="live_until",
            field=models.DateTimeField(editable=False, null=True),
        ),
        migrations.RunPython(stamp_live_windows, migrations.RunPython.noop),
    ]
