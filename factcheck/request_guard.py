"""Refuses, for the whole site, a request with a NUL character in its path, query string
or form fields: PostgreSQL cannot store or compare one, so a query built from it fails
with a server error (the admin's `?status__exact=%00` did). JSON bodies are checked by
the API's parser (factcheck.api_input.JSONParser)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse

from factcheck.api import error_body

NUL = "\x00"
FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def _where_nul(request: HttpRequest) -> str | None:
    if NUL in request.path or NUL in request.path_info:
        return "path"
    for name, values in request.GET.lists():
        if NUL in name or any(NUL in value for value in values):
            return "query string"
    # The API parses no forms (415); reading one here would hide that from it.
    if (
        request.method == "POST"
        and request.content_type in FORMS
        and not request.path.startswith("/api/")
    ):
        for name, values in request.POST.lists():
            if NUL in name or any(NUL in value for value in values):
                return "form"
    return None


class RefuseNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        where = _where_nul(request)
        if where is None:
            return self.get_response(request)
        message = f"The request's {where} contains a NUL character (%00), which nothing accepts."
        if request.path.startswith("/api/"):
            return JsonResponse(error_body("invalid", message), status=400)
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
