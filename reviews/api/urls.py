"""The reviews app's routes under /api/v1/, /api/v1/claims/ among them (the claims app's
claim endpoints extended with verdicts and workflow actions)."""

from __future__ import annotations

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from reviews.api import exchange, matching, views

router = SimpleRouter()
router.register("claims", views.ClaimViewSet, basename="api-claim")

claim = "claims/<int:claim_id>/"
urlpatterns = [
    *router.urls,
    path(f"{claim}evidence/", views.EvidenceListView.as_view(), name="api-evidence-list"),
    path(
        f"{claim}evidence/<int:pk>/",
        views.EvidenceDetailView.as_view(),
        name="api-evidence-detail",
    ),
    path(f"{claim}verdicts/", views.VerdictListView.as_view(), name="api-verdict-list"),
    path(f"{claim}transitions/", views.TransitionView.as_view(), name="api-transitions"),
    path(
        f"{claim}already-checked/",
        matching.AlreadyCheckedView.as_view(),
        name="api-already-checked",
    ),
    path(f"{claim}claimreview/", views.ClaimReviewView.as_view(), name="api-claim-claimreview"),
    path("claimreview/", exchange.ClaimReviewFeedView.as_view(), name="api-claimreview-feed"),
    path(
        "external-factchecks/",
        exchange.ExternalFactCheckListView.as_view(),
        name="api-external-list",
    ),
    path(
        "external-factchecks/import/",
        exchange.ExternalFactCheckImportView.as_view(),
        name="api-external-import",
    ),
    path(
        "external-factchecks/import-url/",
        exchange.ExternalFactCheckImportUrlView.as_view(),
        name="api-external-import-url",
    ),
    path(
        "exports/<str:kind>.<str:fmt>",
        exchange.ExportView.as_view(),
        name="api-export",
    ),
    path("webhooks/", include("reviews.webhooks.api.urls")),
    path("queue/", views.QueueView.as_view(), name="api-queue"),
    path("ratings/", views.RatingListView.as_view(), name="api-rating-list"),
]
