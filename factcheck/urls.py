"""URLs: the admin, the REST API under /api/v1/, log in/out, /healthz, and the desk's pages."""

from django.contrib import admin
from django.urls import include, path, re_path

from factcheck.api import not_found
from factcheck.outbox.views import healthz

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("api/v1/", include("factcheck.api_urls")),
    # Any other path under /api/, whatever its characters (newlines too: [\s\S], not .),
    # answers in the API's JSON error format, never Django's HTML 404 page.
    re_path(r"^api/[\s\S]*$", not_found),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("reviews.desk.urls")),
]
