"""The desk's pages and the public verdict pages (filled in by the pages work)."""

from django.urls import path
from django.views.generic import RedirectView

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False), name="dashboard"),
]
