"""The claims app's routes under /api/v1/. /api/v1/claims/ itself is routed by reviews.api,
which serves the claim with its verdict and workflow actions."""

from __future__ import annotations

from django.urls import path
from rest_framework.routers import SimpleRouter

from claims.api.submissions import SubmissionView
from claims.api.views import ArticleViewSet, SimilarView

router = SimpleRouter()
router.register("articles", ArticleViewSet, basename="api-article")

urlpatterns = [
    *router.urls,
    path("submissions/", SubmissionView.as_view(), name="api-submissions"),
    path("claims/<int:claim_id>/similar/", SimilarView.as_view(), name="api-similar"),
]
