from importlib import import_module

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def ensure_roles(**kwargs) -> None:
    """Keep the Reviewer and Editor groups whole after every migrate and flush.

    The data migration creates them on a new database; a flush (as between transactional
    tests, or `manage.py flush`) empties the tables and re-emits post_migrate, which
    brings the permissions back but not the groups. This puts the groups back too, from
    the same definition the migration uses.
    """
    from django.contrib.auth.models import Group, Permission

    roles = {
        name: list(perms)
        for name, perms in import_module("reviews.migrations.0002_roles").ROLES.items()
    }
    # Rights added by later migrations (codenames of the reviews app).
    for later in ("0006_exchange_roles",):
        for name, codenames in import_module(f"reviews.migrations.{later}").ROLES.items():
            roles[name] += [f"reviews.{code}" for code in codenames]
    # Rights of other apps, by their full names.
    for later in ("0010_reviewers_add_claims",):
        for name, perms in import_module(f"reviews.migrations.{later}").ROLES.items():
            roles[name] += perms
    for name, perms in roles.items():
        group, _ = Group.objects.using(kwargs.get("using", "default")).get_or_create(name=name)
        wanted = [p.split(".") for p in perms]
        found = Permission.objects.filter(
            content_type__app_label__in={app for app, _ in wanted},
            codename__in={code for _, code in wanted},
        )
        group.permissions.add(
            *[
                p
                for p in found.select_related("content_type")
                if [p.content_type.app_label, p.codename] in wanted
            ]
        )


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Reviews and verdicts"

    def ready(self) -> None:
        from claims.signals import claims_created
        from reviews.external_matching import on_claims_created

        post_migrate.connect(ensure_roles, sender=self, dispatch_uid="reviews.ensure_roles")
        # New claims are matched to other publishers' fact checks (reviews.external_matching).
        claims_created.connect(on_claims_created, dispatch_uid="reviews.match_external")
