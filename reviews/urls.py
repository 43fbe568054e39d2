"""The desk's pages and the public verdict pages (filled in by the pages work)."""

from django.http import Http404
from django.urls import path
from django.views.generic import RedirectView


def public_claim(request, pk):  # replaced by the pages work
    raise Http404


urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False), name="dashboard"),
    path("claims/<int:pk>/", public_claim, name="public-claim"),
]
