"""The REST API's routes under /api/v1/, its OpenAPI schema and the docs page."""

from __future__ import annotations

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from claims.api import ArticleViewSet
from factcheck.api import not_found
from reviews import api

router = SimpleRouter()
router.register("articles", ArticleViewSet, basename="api-article")
router.register("claims", api.ClaimViewSet, basename="api-claim")

claim = "claims/<int:claim_id>/"
urlpatterns = [
    *router.urls,
    path(f"{claim}evidence/", api.EvidenceListView.as_view(), name="api-evidence-list"),
    path(
        f"{claim}evidence/<int:pk>/",
        api.EvidenceDetailView.as_view(),
        name="api-evidence-detail",
    ),
    path(f"{claim}verdicts/", api.VerdictListView.as_view(), name="api-verdict-list"),
    path(f"{claim}transitions/", api.TransitionView.as_view(), name="api-transitions"),
    path(f"{claim}similar/", api.SimilarView.as_view(), name="api-similar"),
    path(f"{claim}claimreview/", api.ClaimReviewView.as_view(), name="api-claim-claimreview"),
    path("claimreview/", api.ClaimReviewFeedView.as_view(), name="api-claimreview-feed"),
    path("queue/", api.QueueView.as_view(), name="api-queue"),
    path("ratings/", api.RatingListView.as_view(), name="api-rating-list"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    # Anything else under /api/v1/ is a 404 in the API's error format.
    re_path(r"^.*$", not_found),
]
