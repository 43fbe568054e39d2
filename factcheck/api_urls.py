"""The REST API under /api/v1/: each app's routes, the OpenAPI schema and the docs page.

The apps' url modules are named, not imported: this plumbing knows no app's internals."""

from __future__ import annotations

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from factcheck.api import not_found

urlpatterns = [
    path("", include("claims.api.urls")),
    path("", include("reviews.api.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    # Anything else under /api/v1/ is a 404 in the API's error format (a path with a
    # newline in it too: `.` would not match one).
    re_path(r"^[\s\S]*$", not_found),
]
