"""Editors register webhooks and read their delivery logs (their own; see services)."""

from django.db import migrations

ROLES = {
    "Editor": [
        "view_webhook",
        "add_webhook",
        "change_webhook",
        "delete_webhook",
        "view_delivery",
        "view_attempt",
    ]
}


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations (see reviews 0002_roles).
    app_config = apps.get_app_config("webhooks")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="webhooks", codename__in=codenames)
        )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    perms = Permission.objects.filter(content_type__app_label="webhooks")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=ROLES):
        group.permissions.remove(*perms)


class Migration(migrations.Migration):
    dependencies = [("webhooks", "0001_initial"), ("reviews", "0002_roles")]

    operations = [migrations.RunPython(grant, revoke)]
