"""Reads about reviews: one function per question, used by the API, the desk and the admin
alike. Which claims a user may see is claims.selectors.visible_claims; every read here
starts from it."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from claims.models import Claim
from claims.selectors import visible_claims
from reviews.models import Transition, Verdict


def published_verdicts_prefetch() -> Prefetch:
    """The approved and superseded verdicts (with ratings and people), oldest first."""
    return Prefetch(
        "verdicts",
        queryset=Verdict.objects.filter(
            state__in=[Verdict.State.APPROVED, Verdict.State.SUPERSEDED]
        )
        .select_related("rating", "author", "approver")
        .order_by("approved_at", "id"),
        to_attr="public_verdicts",
    )


def claims_for_claimreview(user) -> QuerySet[Claim]:
    """Published claims with everything ClaimReview needs, in a fixed number of queries."""
    return (
        visible_claims(user)
        .filter(status=Claim.Status.PUBLISHED)
        .select_related("article", "article__outlet", "claimant")
        .prefetch_related(published_verdicts_prefetch())
    )


def claim_history(claim: Claim) -> QuerySet[Transition]:
    return claim.transitions.select_related("actor", "assignee", "verdict").order_by(
        "created_at", "id"
    )
