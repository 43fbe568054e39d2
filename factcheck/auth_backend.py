"""Django's model backend, with a user's permissions read in one query instead of two,
and the API's token authentication, which reads them with the token."""

from __future__ import annotations

import functools
import json

from django.contrib.auth import backends
from django.contrib.auth.models import Group, Permission, User
from django.db.models import F, Q, QuerySet, Subquery, TextField, Value
from django.db.models.expressions import OuterRef
from django.db.models.functions import Concat
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions


def permission_names(user) -> QuerySet:
    """The names ("app_label.codename", as `perm`) of the permissions a user holds, its own and its
    groups', one a row (a name held both ways comes twice). `user` is the user's id, or an
    expression naming it as seen from the subqueries of the user's own and group
    permissions (`OuterRef(OuterRef("user_id"))` under a query of tokens)."""
    own = User.user_permissions.through.objects.filter(user_id=user)
    grouped = Group.permissions.through.objects.filter(group__user=user)
    return (
        Permission.objects.filter(
            Q(pk__in=own.values("permission_id")) | Q(pk__in=grouped.values("permission_id"))
        )
        .order_by()
        .values(perm=Concat(F("content_type__app_label"), Value("."), F("codename")))
    )


class ModelBackend(backends.ModelBackend):
    """A user's own permissions and their groups' in one query (Django asks for each in
    its own): every API request reads them (who may see unpublished claims, the
    permission classes), so the second was a round trip to the database a request."""

    def get_all_permissions(self, user_obj, obj=None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if user_obj.is_superuser:
                perms = Permission.objects.values_list("content_type__app_label", "codename")
                names = {f"{app_label}.{name}" for app_label, name in perms.order_by()}
            else:
                names = {row["perm"] for row in permission_names(user_obj.pk)}
            user_obj._perm_cache = names
        return user_obj._perm_cache


class _Names(Subquery):
    """Every `perm` a subquery reads, as one value of the outer row: an array on
    PostgreSQL, a JSON array on SQLite."""

    template = "ARRAY(%(subquery)s)"
    output_field = TextField()

    def as_sqlite(self, compiler, connection, **extra):
        template = "(SELECT json_group_array(perm) FROM (%(subquery)s))"
        return self.as_sql(compiler, connection, template=template, **extra)


@functools.cache
def _token_users_permissions() -> _Names:
    """The names of the permissions of a token's user, under a query of tokens: built once
    (building it was half a millisecond a request)."""
    return _Names(permission_names(OuterRef(OuterRef("user_id"))))


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication, reading the user's permissions (ModelBackend's
    `_perm_cache`) in the query of the token and its user: a client of the API signs in
    with a token on every request, and every request asks what the user may do (who may
    see unpublished claims, the permission classes, a claim's actions), so reading them
    apart was a round trip to the database a request. A superuser's (every permission)
    are left to the backend."""

    def authenticate_credentials(self, key):
        tokens = self.get_model().objects.select_related("user")
        tokens = tokens.annotate(permission_names=_token_users_permissions())
        try:
            token = tokens.get(key=key)
        except self.get_model().DoesNotExist:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        user = token.user
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        if not user.is_superuser:
            names = token.permission_names
            user._perm_cache = set(json.loads(names) if isinstance(names, str) else names)
        return user, token
