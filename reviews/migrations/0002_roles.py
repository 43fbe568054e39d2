"""The desk's roles as groups with named permissions. Rights come from these, never from
user names."""

from django.db import migrations

READ = [
    "claims.view_outlet", "claims.view_article", "claims.view_claimant", "claims.view_claim",
    "claims.view_similarclaim", "reviews.view_rating", "reviews.view_evidence",
    "reviews.view_verdict", "reviews.view_transition",
]
REVIEWER = READ + [
    "reviews.take_claim", "reviews.propose_verdict",
    "reviews.add_evidence", "reviews.change_evidence", "reviews.delete_evidence",
    "reviews.add_verdict", "reviews.change_verdict", "claims.change_claim",
]
EDITOR = REVIEWER + [
    "reviews.assign_claim", "reviews.dismiss_claim", "reviews.review_verdict",
    "reviews.reopen_claim", "reviews.edit_any_claim",
    "claims.add_article", "claims.change_article", "claims.add_claim",
    "claims.add_outlet", "claims.change_outlet", "claims.add_claimant",
    "claims.change_claimant", "claims.change_similarclaim",
    "reviews.add_rating", "reviews.change_rating",
]
ROLES = {"Reviewer": REVIEWER, "Editor": EDITOR}


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; create them now so the
    # groups can hold them on a fresh database.
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        for dotted in perms:
            app_label, codename = dotted.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0001_initial"),
        ("claims", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
