"""Django's model backend, with a user's permissions read in one query instead of two."""

from __future__ import annotations

from django.contrib.auth import backends
from django.contrib.auth.models import Group, Permission, User
from django.db.models import Q


class ModelBackend(backends.ModelBackend):
    """A user's own permissions and their groups' in one query (Django asks for each in
    its own): every API request reads them (who may see unpublished claims, the
    permission classes), so the second was a round trip to the database a request."""

    def get_all_permissions(self, user_obj, obj=None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if user_obj.is_superuser:
                perms = Permission.objects.all()
            else:
                own = User.user_permissions.through.objects.filter(user_id=user_obj.pk)
                grouped = Group.permissions.through.objects.filter(group__user=user_obj.pk)
                perms = Permission.objects.filter(
                    Q(pk__in=own.values("permission_id"))
                    | Q(pk__in=grouped.values("permission_id"))
                )
            perms = perms.values_list("content_type__app_label", "codename").order_by()
            user_obj._perm_cache = {f"{app_label}.{name}" for app_label, name in perms}
        return user_obj._perm_cache
