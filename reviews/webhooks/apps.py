from django.apps import AppConfig
from django.db.models.signals import post_migrate


def ensure_roles(**kwargs) -> None:
    """Give the Editor group the webhook rights after every migrate and flush (see
    reviews.apps.ensure_roles: a flush empties the groups' permissions)."""
    from importlib import import_module

    from django.contrib.auth.models import Group, Permission

    roles = import_module("reviews.webhooks.migrations.0002_roles").ROLES
    using = kwargs.get("using", "default")
    for name, codenames in roles.items():
        group, _ = Group.objects.using(using).get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="webhooks", codename__in=codenames)
        )


class WebhooksConfig(AppConfig):
    name = "reviews.webhooks"
    label = "webhooks"
    verbose_name = "Webhooks"

    def ready(self) -> None:
        from claims.signals import claims_created
        from reviews.webhooks import events

        claims_created.connect(events.on_claims_created, dispatch_uid="webhooks.claims_created")
        post_migrate.connect(ensure_roles, sender=self, dispatch_uid="webhooks.ensure_roles")
