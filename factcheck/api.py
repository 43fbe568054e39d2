"""What every API endpoint shares: the one error format (domain refusals carry their own
status and code: factcheck.errors), cursor pagination and ordering,
the permission rule for desk-only endpoints, and the If-Match/ETag helpers.

DRF loads the classes named in settings while it imports its generic views, so this
module must not import them (nor drf_spectacular.openapi); the schema generator lives in
factcheck/api_schema.py."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.urls import Resolver404, resolve
from django.views.decorators.csrf import csrf_exempt
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions, serializers, status
from rest_framework.filters import OrderingFilter
from rest_framework.pagination import CursorPagination
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import set_rollback

from factcheck.api_permissions import ApiPermission, Public, SignedIn
from factcheck.errors import DomainError

__all__ = ["ApiPermission", "Public", "SignedIn"]  # re-exported: views import them here

# -- the error format ---------------------------------------------------------------------


class ErrorBodySerializer(serializers.Serializer):
    code = serializers.CharField(help_text="A stable, machine-readable name of the error")
    message = serializers.CharField(help_text="What went wrong, for a person")
    fields = serializers.DictField(
        child=serializers.JSONField(),
        help_text="Per-field problems (field name to a list of messages); empty if none",
    )
    current_version = serializers.IntegerField(
        required=False, help_text="412 only: the claim's current version"
    )


class ErrorSerializer(serializers.Serializer):
    """Every 4xx response: {"error": {"code", "message", "fields"}}."""

    error = ErrorBodySerializer()


def error_body(
    code: str, message: str, fields: dict | None = None, **extra: Any
) -> dict[str, dict[str, Any]]:
    return {"error": {"code": code, "message": message, "fields": fields or {}, **extra}}


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "stale_version"
    default_detail = "The claim has changed since you loaded it."

    def __init__(self, detail: str | None = None, *, current_version: int | None):
        super().__init__(detail)
        self.current_version = current_version


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = "The request conflicts with the current state."


def _flatten(detail: Any) -> Any:
    if isinstance(detail, dict):
        return {str(key): _flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_flatten(item) for item in detail]
    return str(detail)


def _first_message(detail: Any) -> str | None:
    if isinstance(detail, dict):
        for value in detail.values():
            found = _first_message(value)
            if found:
                return found
        return None
    if isinstance(detail, list):
        for item in detail:
            found = _first_message(item)
            if found:
                return found
        return None
    return str(detail)


def _validation_error(exc: exceptions.ValidationError) -> Response:
    detail = exc.detail
    if isinstance(detail, dict):
        fields = _flatten(detail)
        general = fields.pop("non_field_errors", None)
        message = _first_message(general) if general else None
        if message is None:
            first = _first_message(fields)
            message = f"Invalid input: {first}" if first else "Invalid input."
        return Response(error_body("invalid", message, fields), status=400)
    message = _first_message(detail) or "Invalid input."
    return Response(error_body("invalid", message), status=400)


def _domain_error(exc: Exception) -> Response | None:
    # Every refusal of the domain says its own status and code (factcheck.errors).
    if isinstance(exc, DomainError):
        body = error_body(exc.code, exc.message, exc.fields, **exc.extra())
        return Response(body, status=exc.http_status)
    return None


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF's exception handler, answering every 4xx in our one format."""
    response = _domain_error(exc)
    if response is not None:
        set_rollback()
        return response
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        return None  # a real server error: let it surface as a 500 and be logged
    set_rollback()
    if isinstance(exc, exceptions.ValidationError):
        return _validation_error(exc)
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None) is not None:
        headers["Retry-After"] = str(max(1, round(exc.wait)))
    detail = exc.detail
    codes = exc.get_codes()
    code = codes if isinstance(codes, str) else exc.default_code
    message = _first_message(detail) or str(exc.default_detail)
    extra = {}
    if isinstance(exc, PreconditionFailed):
        extra["current_version"] = exc.current_version
    return Response(error_body(code, message, **extra), status=exc.status_code, headers=headers)


@csrf_exempt  # it changes nothing; a CSRF refusal would answer an unknown POST in HTML
def not_found(request, *args, **kwargs) -> JsonResponse:
    """Unknown paths under /api/v1/ answer in the API's format, not Django's HTML page."""
    message = f"There is no API endpoint at {request.path}."
    if not request.path.endswith("/"):
        try:
            match = resolve(request.path + "/")
        except Resolver404:
            match = None
        if match is not None and match.func is not not_found:
            message += f" Did you mean {request.path}/ (with the trailing slash)?"
    return JsonResponse(error_body("not_found", message), status=404)


# -- pagination and permissions -----------------------------------------------------------


class Cursor(CursorPagination):
    """Cursor pagination for every list: stable under inserts, constant cost at any depth."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100
    ordering = "-id"

    def paginate_queryset(self, queryset, request, view=None):
        # A cursor is opaque to clients; a forged one whose position does not fit the
        # ordering field is as invalid as one that does not decode.
        try:
            return super().paginate_queryset(queryset, request, view)
        except (ValueError, TypeError, DjangoValidationError):
            raise exceptions.NotFound(self.invalid_cursor_message) from None


class FilterBackend(DjangoFilterBackend):
    """django-filter, skipped when the request names none of the view's filters: building
    a FilterSet and its form costs more than the database work of a small page."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None or not any(
            name in request.query_params for name in filterset_class.base_filters
        ):
            return queryset
        return super().filter_queryset(request, queryset, view)


class OrderingWithTiebreak(OrderingFilter):
    """Orders by the requested field, then by id, so cursor pages never skip equal rows.

    Views list their `ordering_fields` explicitly: only non-null columns, which a cursor
    can compare.
    """

    def remove_invalid_fields(self, queryset, fields, view, request):
        # DRF drops what it does not know and orders by the default: a client asking for
        # an order it does not get should be told, not handed another order.
        valid = [name for name, _ in self.get_valid_fields(queryset, view, {"request": request})]
        unknown = [term for term in fields if term.removeprefix("-") not in valid]
        if unknown:
            raise exceptions.ValidationError(
                {
                    self.ordering_param: [
                        f"Cannot order by {', '.join(repr(t) for t in unknown)}: use one of "
                        f"{', '.join(valid)} (a leading - reverses the order)."
                    ]
                }
            )
        return fields

    def get_schema_operation_parameters(self, view):
        # The documented values are exactly those accepted.
        fields = getattr(view, "ordering_fields", None) or []
        if not fields:
            return []
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": "Order by this field (a leading - reverses the order; "
                "several, comma-separated, order by each in turn).",
                "schema": {
                    "type": "string",
                    "enum": [value for name in fields for value in (name, f"-{name}")],
                },
            }
        ]

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view)
        if not ordering:
            return ordering
        ordering = list(ordering)
        if ordering[-1].lstrip("-") not in ("id", "pk"):
            ordering.append("-id" if ordering[0].startswith("-") else "id")
        return ordering


class DeskPermission(ApiPermission):
    """Reads need the model's view permission; writes its add, change or delete permission.

    Views say which model with `permission_model = "app_label.model"`. What a user may do
    to a particular object is the services' business; which objects exist for them is the
    queryset's.
    """

    actions = {
        "GET": "view",
        "HEAD": "view",
        "OPTIONS": "view",
        "POST": "add",
        "PUT": "change",
        "PATCH": "change",
        "DELETE": "delete",
    }

    def allows(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        app_label, model = view.permission_model.split(".")
        write_perm = getattr(view, "write_permission", None)
        if request.method not in ("GET", "HEAD", "OPTIONS") and write_perm:
            return user.has_perm(write_perm)
        return user.has_perm(f"{app_label}.{self.actions.get(request.method, 'change')}_{model}")


# -- conditional requests on claims -------------------------------------------------------


def claim_etag(claim) -> str:
    """A strong validator from the claim's id and version: every write bumps the version."""
    return f'"claim-{claim.pk}-v{claim.version}"'


_TAG = re.compile(r'^(?:W/)?"claim-(\d+)-v(\d+)"$')


def expected_version(request, claim) -> int | None:
    """The version an If-Match header promises, or None without one.

    A tag that cannot be for this claim fails at once with 412; a version is handed to the
    service, which compares it under the row lock so a concurrent write cannot slip in.
    """
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        return None
    for tag in (part.strip() for part in header.split(",")):
        match = _TAG.match(tag)
        if match and int(match.group(1)) == claim.pk:
            return int(match.group(2))
    raise PreconditionFailed(
        f"If-Match {header!r} does not match this claim's current ETag {claim_etag(claim)}.",
        current_version=claim.version,
    )


IF_MATCH = OpenApiParameter(
    name="If-Match",
    location=OpenApiParameter.HEADER,
    required=False,
    type=str,
    description="The ETag of the claim you edited from; a stale one gets 412.",
)
ETAG_HEADER = OpenApiParameter(
    name="ETag",
    location=OpenApiParameter.HEADER,
    type=str,
    response=[200],
    description="The claim's current version as an entity tag; send it back in If-Match.",
)


class LDJSONRenderer(JSONRenderer):
    """schema.org JSON-LD for clients that ask for it; the bytes are the same JSON."""

    media_type = "application/ld+json"
    format = "jsonld"


ERROR_DESCRIPTIONS = {
    "400": "Invalid input: see error.fields",
    "401": "Not signed in, or the token is wrong",
    "403": "Signed in, but without the right to do this",
    "404": "No such object (or not one you may see), or an invalid cursor",
    "406": "The Accept header asks for a format the API does not serve",
    "409": "The claim's workflow state does not allow this",
    "412": "If-Match names an older version of the claim",
    "415": "The body is not JSON",
    "429": "Too many requests: wait Retry-After seconds",
}
