"""Reviewers add claims too: the passage the extractor missed, selected on the article's
page (issue 14). Editors already could."""

from django.db import migrations

# Full names (app.codename): ensure_roles (reviews/apps.py) reads them after a flush too.
ROLES = {"Reviewer": ["claims.add_claim"]}
CODENAMES = [perm.split(".")[1] for perms in ROLES.values() for perm in perms]


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations (see 0002_roles).
    app_config = apps.get_app_config("claims")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        codenames = [perm.split(".")[1] for perm in perms]
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="claims", codename__in=codenames)
        )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    perms = Permission.objects.filter(content_type__app_label="claims", codename__in=CODENAMES)
    for group in apps.get_model("auth", "Group").objects.filter(name__in=ROLES):
        group.permissions.remove(*perms)


class Migration(migrations.Migration):
    dependencies = [("reviews", "0009_inbox"), ("claims", "0011_article_intake")]

    operations = [migrations.RunPython(grant, revoke)]
