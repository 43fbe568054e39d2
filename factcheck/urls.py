"""URLs: the admin, the REST API under /api/v1/, log in/out, /healthz, and the desk's pages."""

from django.contrib import admin
from django.urls import include, path

from factcheck.outbox.views import healthz

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("api/v1/", include("factcheck.api_urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("reviews.desk.urls")),
]
