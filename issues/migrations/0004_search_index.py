"""A GIN index for full-text search of published entries, on PostgreSQL only.

``PublicEntryQuerySet.search()`` matches ``to_tsvector('simple', search_text)``
exactly as indexed here. Other databases (SQLite in development) use substring
matching and get no index.
"""

from django.db import migrations

INDEX = "issues_publicentry_search_gin"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON issues_publicentry "
        "USING gin (to_tsvector('simple'::regconfig, search_text))"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ("issues", "0003_entry_verbatim_body"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
