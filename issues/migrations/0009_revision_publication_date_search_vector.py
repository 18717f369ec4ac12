"""The published layer carries everything readers see; search reads a stored vector.

* ``Revision.publication_date``: the date of the approved content, so an edit of
  the working copy's date cannot move a published issue without review. Filled
  here from each approved revision's document.
* ``Revision.frozen_at``: when readers' view of a revision last changed, for the
  page cache's publication state.
* ``PublicEntry.search_vector``: ``to_tsvector('simple', search_text)`` stored and
  GIN-indexed on PostgreSQL, replacing the expression index of 0004, so that
  ranking never recomputes the vector.
"""

import datetime

import django.contrib.postgres.search
from django.db import migrations, models

OLD_INDEX = "issues_publicentry_search_gin"
INDEX = "publicentry_search_vector_gin"


def fill_revisions(apps, schema_editor):
    Revision = apps.get_model("issues", "Revision")
    approved = Revision.objects.filter(go_live_at__isnull=False)
    for revision in approved.only("pk", "data", "go_live_at", "created_at").iterator():
        date = datetime.date.fromisoformat(revision.data["publication_date"])
        Revision.objects.filter(pk=revision.pk).update(
            publication_date=date, frozen_at=max(revision.created_at, revision.go_live_at)
        )


def create_vector_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "UPDATE issues_publicentry SET search_vector = to_tsvector('simple'::regconfig, search_text)"
    )
    schema_editor.execute(f"DROP INDEX IF EXISTS {OLD_INDEX}")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON issues_publicentry USING gin (search_vector)"
    )


def drop_vector_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {OLD_INDEX} ON issues_publicentry "
        "USING gin (to_tsvector('simple'::regconfig, search_text))"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("issues", "0008_entry_attention"),
    ]

    operations = [
        migrations.AddField(
            model_name="publicentry",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="revision",
            name="frozen_at",
            field=models.DateTimeField(blank=True, db_index=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="revision",
            name="publication_date",
            field=models.DateField(blank=True, db_index=True, editable=False, null=True),
        ),
        migrations.AlterField(
            model_name="revision",
            name="go_live_at",
            field=models.DateTimeField(
                blank=True, db_index=True, null=True, verbose_name="发布时间"
            ),
        ),
        migrations.AlterField(
            model_name="revision",
            name="withdrawn_at",
            field=models.DateTimeField(
                blank=True, db_index=True, null=True, verbose_name="撤回时间"
            ),
        ),
        migrations.AddIndex(
            model_name="publicentry",
            index=models.Index(
                models.OrderBy(models.F("publication_date"), descending=True),
                models.F("position"),
                name="publicentry_newest_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="publicentry",
            index=models.Index(
                models.F("source"),
                models.OrderBy(models.F("publication_date"), descending=True),
                models.F("position"),
                name="publicentry_source_newest_idx",
            ),
        ),
        migrations.RunPython(fill_revisions, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(create_vector_index, drop_vector_index, elidable=False),
    ]
