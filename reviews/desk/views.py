"""The desk's article pages and the access rule of every desk page (the dashboard is
reviews.desk.dashboard, the claim page reviews.desk.claim_views, the public verdict page
reviews.desk.public).

Views parse input, call reviews.services, and show a refusal's message on the page; they
never set a claim's status themselves. Every list here is read with its joins and
prefetches up front, so a page's query count does not grow with the claims it shows.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from claims.models import Article, Claim
from claims.selectors import is_staff_member, visible_claims
from reviews.desk.highlight import highlight
from reviews.models import Transition, Verdict
from reviews.selectors import mark_sent_back

Status = Claim.Status
Action = Transition.Action


def desk_required(view):
    """Anonymous users go to the login page; signed-in users without a desk role get 403."""

    @login_required
    def wrapped(request: HttpRequest, *args, **kwargs):
        if not is_staff_member(request.user):
            raise PermissionDenied("You have no role on the desk.")
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


# -- shared reads -----------------------------------------------------------------------


def _list_claims(user):
    """Claims as the dashboard and article lists show them (status, people, article)."""
    return visible_claims(user).select_related("article", "article__outlet", "claimant", "assignee")


def _published_rating_prefetch() -> Prefetch:
    return Prefetch(
        "verdicts",
        queryset=Verdict.objects.filter(state=Verdict.State.APPROVED).select_related("rating"),
        to_attr="approved_verdicts",
    )


# -- articles ---------------------------------------------------------------------------


@require_GET
@desk_required
def article_list(request: HttpRequest) -> HttpResponse:
    articles = (
        Article.objects.select_related("outlet")
        .annotate(
            claim_count=Count("claims"),
            open_count=Count("claims", filter=Q(claims__status__in=[Status.NEW, Status.IN_REVIEW])),
        )
        .order_by("-published", "-created_at", "-id")
    )
    return render(request, "reviews/article_list.html", {"articles": articles})


@require_GET
@desk_required
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_article(request, pk)


def render_article(
    request: HttpRequest, pk: int, *, selection_form=None, problem: str = "", status: int = 200
) -> HttpResponse:
    """The article text with every claim highlighted by status, each a link; for those
    who may add claims, the form that makes a selected passage one (shown again, bound,
    after a refusal)."""
    from reviews.desk.intake_views import SelectionForm

    article = get_object_or_404(Article.objects.select_related("outlet"), pk=pk)
    claims = list(
        _list_claims(request.user)
        .filter(article=article)
        .prefetch_related(_published_rating_prefetch())
        .order_by("span_start", "id")
    )
    may_add = request.user.has_perm("claims.add_claim")
    return render(
        request,
        "reviews/article_detail.html",
        {
            "article": article,
            "claims": mark_sent_back(claims),
            "body": highlight(article.body, claims),
            "statuses": Status.choices,
            "selection_form": (selection_form or SelectionForm()) if may_add else None,
            "problem": problem,
        },
        status=status,
    )
