"""Reads that join or prefetch, and who may see what. Lists and detail pages both start
from `visible_claims`, so a list never shows what a detail page would refuse."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, QuerySet

from claims.models import Claim
from reviews.models import Transition, Verdict


def is_staff_member(user) -> bool:
    """Reviewers and editors (anyone who may read unpublished work)."""
    return bool(
        user and user.is_authenticated and user.is_active and user.has_perm("claims.view_claim")
    )


def visible_claims(user: AnonymousUser | object) -> QuerySet[Claim]:
    """Every claim for the desk; published claims only for everyone else."""
    claims = Claim.objects.all()
    if not is_staff_member(user):
        claims = claims.filter(status=Claim.Status.PUBLISHED)
    return claims


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
