"""Who may read and import other publishers' fact checks and edit the rating mapping."""

from django.db import migrations

READ = ["view_externalfactcheck", "view_ratingmapping"]
EDIT = [
    "add_externalfactcheck",
    "change_externalfactcheck",
    "add_ratingmapping",
    "change_ratingmapping",
    "delete_ratingmapping",
]
ROLES = {"Reviewer": READ, "Editor": READ + EDIT}


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations (see 0002_roles).
    app_config = apps.get_app_config("reviews")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="reviews", codename__in=codenames)
        )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    perms = Permission.objects.filter(
        content_type__app_label="reviews", codename__in=READ + EDIT
    )
    for group in apps.get_model("auth", "Group").objects.filter(name__in=ROLES):
        group.permissions.remove(*perms)


class Migration(migrations.Migration):
    dependencies = [("reviews", "0005_exchange"), ("reviews", "0002_roles")]

    operations = [migrations.RunPython(grant, revoke)]
