"""The API's permission base classes, in a module of their own: DRF imports the default
permission named in settings while it defines APIView, so this module imports no view
(factcheck.api does, through its filters)."""

from __future__ import annotations

from rest_framework import exceptions
from rest_framework.permissions import BasePermission


class ApiPermission(BasePermission):
    """The base of every API permission: a method the endpoint does not serve is a 405
    (with its `Allow` header) before anyone is asked who they are or what they may do.

    Subclasses say who may call the endpoint in `allows`.
    """

    def has_permission(self, request, view) -> bool:
        if request.method.upper() not in view.allowed_methods:
            raise exceptions.MethodNotAllowed(request.method)
        return self.allows(request, view)

    def allows(self, request, view) -> bool:
        return True


class Public(ApiPermission):
    """Anyone, signed in or not (what they see is the queryset's business)."""


class SignedIn(ApiPermission):
    """Any signed-in user: the default of every endpoint that names no permission."""

    def allows(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated)
