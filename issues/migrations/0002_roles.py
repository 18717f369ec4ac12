"""Creates the two editorial roles as groups, with the model permissions they need."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_PERMISSIONS = [
    "add_issue", "change_issue", "view_issue",
    "add_section", "change_section", "delete_section", "view_section",
    "add_entry", "change_entry", "delete_entry", "view_entry",
    "view_revision", "view_issueevent", "view_publication",
]
REVIEWER_PERMISSIONS = EDITOR_PERMISSIONS + [
    "add_sharelink", "change_sharelink", "view_sharelink", "change_publication",
]


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations ran; the groups
    # need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in (("editor", EDITOR_PERMISSIONS), ("reviewer", REVIEWER_PERMISSIONS)):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(
            Permission.objects.filter(content_type__app_label="issues", codename__in=codenames)
        )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["editor", "reviewer"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("issues", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
