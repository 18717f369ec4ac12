"""Editors and reviewers both collect links and use the inbox."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

INBOX_PERMISSIONS = ["add_inboxitem", "change_inboxitem", "view_inboxitem"]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="curation", codename__in=INBOX_PERMISSIONS
    )
    for group in Group.objects.filter(name__in=["editor", "reviewer"]):
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    permissions = Permission.objects.filter(
        content_type__app_label="curation", codename__in=INBOX_PERMISSIONS
    )
    for group in Group.objects.filter(name__in=["editor", "reviewer"]):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("curation", "0001_initial"),
        ("issues", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
