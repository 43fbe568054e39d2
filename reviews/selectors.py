"""Reads about reviews: one function per question, used by the API, the desk and the admin
alike. Which claims a user may see is claims.selectors.visible_claims; every read here
starts from it."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery

from claims.models import Claim
from claims.selectors import visible_claims
from reviews.models import Transition, Verdict


def published_verdicts_prefetch() -> Prefetch:
    """The approved and superseded verdicts (with ratings and people), oldest first."""
    return Prefetch(
        "verdicts",
        queryset=Verdict.objects.filter(
            state__in=[Verdict.State.APPROVED, Verdict.State.SUPERSEDED, Verdict.State.WITHDRAWN]
        )
        .select_related("rating", "author", "approver")
        .order_by("approved_at", "id"),
        to_attr="public_verdicts",
    )


def claims_for_claimreview(user) -> QuerySet[Claim]:
    """Claims with a public page (see visible_claims) with everything ClaimReview needs,
    in a fixed number of queries."""
    return (
        visible_claims(user)
        .filter(is_public=True)
        .select_related("article", "article__outlet", "claimant")
        .prefetch_related(published_verdicts_prefetch())
    )


def claim_history(claim: Claim) -> QuerySet[Transition]:
    return claim.transitions.select_related("actor", "assignee", "verdict").order_by(
        "created_at", "id"
    )


def _may_propose() -> Q:
    perm = Permission.objects.filter(content_type__app_label="reviews", codename="propose_verdict")
    return Q(is_superuser=True) | Q(groups__permissions__in=perm) | Q(user_permissions__in=perm)


def assignable_members() -> QuerySet:
    """The people a claim may be assigned to: active, and allowed to propose verdicts (by a
    role, a permission of their own, or as superusers), by name. One query. The admin's
    and the desk's choice of assignee and `services.assign`'s check all ask this."""
    return (
        get_user_model()
        .objects.filter(_may_propose(), is_active=True)
        .distinct()
        .order_by("username")
    )


def is_assignable(user) -> bool:
    """May a claim be assigned to this user? (One of `assignable_members`.)"""
    return bool(
        user is not None
        and getattr(user, "pk", None) is not None
        and assignable_members().filter(pk=user.pk).exists()
    )


def published_fact_checks(user) -> QuerySet[Claim]:
    """The public index: claims whose verdict stands published (not withdrawn, and still
    public while reopened for a correction), newest publication first, each with its
    approved verdict and rating prefetched. Search it with claims.selectors.search_claims."""
    approved = Verdict.objects.filter(claim=OuterRef("pk"), state=Verdict.State.APPROVED)
    return (
        visible_claims(user)
        .filter(is_public=True)
        .annotate(published_at=Subquery(approved.values("approved_at")[:1]))
        .filter(published_at__isnull=False)
        .select_related("article", "article__outlet", "claimant")
        .defer("article__body", "article__content_hash", "checkworthiness_reasons")
        .prefetch_related(
            Prefetch(
                "verdicts",
                queryset=Verdict.objects.filter(state=Verdict.State.APPROVED).select_related(
                    "rating"
                ),
                to_attr="approved_verdicts",
            )
        )
        .order_by("-published_at", "-id")
    )


def with_published_rating(claims: QuerySet[Claim], rating) -> QuerySet[Claim]:
    """Claims whose standing published verdict carries `rating`."""
    return claims.filter(
        Exists(
            Verdict.objects.filter(
                claim=OuterRef("pk"), state=Verdict.State.APPROVED, rating=rating
            )
        )
    )
