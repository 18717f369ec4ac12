"""Share links keep a hash of their secret instead of the secret.

Links already handed out keep working: their address still carries the
secret, whose hash is what is looked up now. The secrets cannot be brought
back, so migrating back gives every link a new secret: links handed out
before that stop working.
"""

import hashlib
import secrets

from django.db import migrations, models


def hash_tokens(apps, schema_editor):
    ShareLink = apps.get_model("issues", "ShareLink")
    for link in ShareLink.objects.only("pk", "token").iterator():
        link.token_hash = hashlib.sha256(link.token.encode()).hexdigest()
        link.save(update_fields=["token_hash"])


def new_tokens(apps, schema_editor):
    ShareLink = apps.get_model("issues", "ShareLink")
    for link in ShareLink.objects.only("pk").iterator():
        link.token = secrets.token_urlsafe(32)
        link.save(update_fields=["token"])


class Migration(migrations.Migration):
    dependencies = [
        ("issues", "0010_public_entry_live_window"),
    ]

    operations = [
        migrations.AddField(
            model_name="sharelink",
            name="token_hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        # Unconstrained while the data moves, so that migrating back can give
        # each link a secret of its own before the constraint returns.
        migrations.AlterField(
            model_name="sharelink",
            name="token",
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
        migrations.RunPython(hash_tokens, new_tokens),
        migrations.RemoveField(model_name="sharelink", name="token"),
        migrations.AlterField(
            model_name="sharelink",
            name="token_hash",
            field=models.CharField(editable=False, max_length=64, unique=True),
        ),
    ]
