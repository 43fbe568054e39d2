"""The desk's start page: my work, the queue, what waits for me, what went out, and the
claims by state. Each section shows its first rows and its total, and links into the
paged claim list (reviews.desk.list_views) with the section's filters, so no list stops
at the dashboard."""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from claims.models import Claim
from claims.selectors import search_claims, visible_claims
from reviews.desk.forms import SearchForm
from reviews.desk.lists import awaiting_approval_by
from reviews.desk.views import _list_claims, _published_rating_prefetch, desk_required
from reviews.selectors import mark_sent_back

Status = Claim.Status

# How many rows the dashboard's search shows, and each of its sections: the rest are in
# the paged claim list its "All N" link opens.
LIST_LIMIT = 25
SECTION_ROWS = 10
# "My claims": what is assigned to me and still open.
MY_STATES = (Status.IN_REVIEW, Status.PROPOSED)


def _search(user, query: str, status: str):
    # The API's search (claims.selectors.search_claims): the same claims for the same words.
    claims = search_claims(_list_claims(user), query)
    if status:
        claims = claims.filter(status=status)
    return claims


def _list_link(**params) -> str:
    """The claim list (reviews.desk.list_views) with these url filters: where a dashboard
    section's "all N" goes, so no list stops at the dashboard's first rows."""
    pairs = [
        (k, v)
        for k, values in params.items()
        for v in (values if isinstance(values, list) else [values])
        if v
    ]
    return reverse("desk-claims") + (f"?{urlencode(pairs)}" if pairs else "")


def _dashboard_totals(user, *, approver: bool) -> dict[str, int]:
    """Every count the dashboard shows. The claims by state come from one GROUP BY (an
    index-only scan); the sections' totals each read an index of their own rows only (the
    queue has a partial index), so none of them walks every claim's row."""
    claims = visible_claims(user)
    by_status = dict(
        claims.order_by().values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    totals = {f"status_{value}": by_status.get(value, 0) for value in Status.values}
    totals["mine"] = claims.filter(assignee=user, status__in=MY_STATES).count()
    totals["queue"] = claims.filter(status=Status.NEW, assignee__isnull=True).count()
    if approver:
        totals["awaiting"] = claims.filter(awaiting_approval_by(user)).count()
    return totals


# -- dashboard --------------------------------------------------------------------------


@require_GET
@desk_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The desk's start page: my work, the queue, what waits for me, what went out. Each
    section shows its first rows and its total, linked to the paged claim list."""
    user = request.user
    approver = user.has_perm("reviews.review_verdict")
    totals = _dashboard_totals(user, approver=approver)
    state_counts = [
        (value, label, totals[f"status_{value}"], _list_link(status=value))
        for value, label in Status.choices
    ]

    search = SearchForm(request.GET or None)
    status_filter = request.GET.get("status", "")
    if status_filter not in Status.values:
        status_filter = ""
    query = search.cleaned_data["q"].strip() if search.is_valid() else ""
    searching = bool(query or status_filter)
    results, results_total = [], 0
    if searching:
        found = _search(user, query, status_filter)
        results_total = found.count()
        results = mark_sent_back(
            list(
                found.prefetch_related(_published_rating_prefetch()).order_by("-updated_at", "-id")[
                    :LIST_LIMIT
                ]
            )
        )

    # One short query per state (an index range scan each), not one sorted by state:
    # someone with thousands of claims in review would have them all read and sorted.
    my_groups = [
        (
            label,
            list(
                _list_claims(user)
                .filter(assignee=user, status=value)
                .order_by("-updated_at", "-id")[:SECTION_ROWS]
            ),
        )
        for value, label in Status.choices
        if value in MY_STATES
    ]
    shown_mine = sum(len(claims) for _, claims in my_groups)
    # "Sent back" on my rows (one query, only when some are in review).
    mark_sent_back([c for _, claims in my_groups for c in claims])

    queue = list(
        _list_claims(user)
        .filter(status=Status.NEW, assignee__isnull=True)
        .order_by("-checkworthiness", "-created_at", "-id")[:SECTION_ROWS]
    )

    awaiting = None
    if approver:
        awaiting = list(
            _list_claims(user)
            .filter(awaiting_approval_by(user))
            .order_by("updated_at", "id")[:SECTION_ROWS]
        )

    published = list(
        _list_claims(user)
        .filter(status=Status.PUBLISHED)
        .prefetch_related(_published_rating_prefetch())
        .order_by("-updated_at", "-id")[:SECTION_ROWS]
    )

    return render(
        request,
        "reviews/dashboard.html",
        {
            "state_counts": state_counts,
            "totals": totals,
            "search": search if search.is_bound else SearchForm(),
            "searching": searching,
            "query": query,
            "status_filter": status_filter,
            "results": results,
            "results_total": results_total,
            "results_link": _list_link(q=query, status=status_filter),
            # The same filters as the API's claim list, for the export links.
            "export_query": urlencode(
                {k: v for k, v in (("search", query), ("status", status_filter)) if v}
            ),
            "my_groups": my_groups,
            "mine_count": totals["mine"],
            "shown_mine": shown_mine,
            "mine_link": _list_link(assignee="me", status=list(MY_STATES), sort="-changed"),
            "queue": queue,
            "queue_link": _list_link(status=Status.NEW, assignee="nobody", sort="-worth"),
            "awaiting": awaiting,
            "awaiting_link": _list_link(status=Status.PROPOSED, awaiting="on", sort="changed"),
            "published": published,
            "published_link": _list_link(status=Status.PUBLISHED, sort="-changed"),
        },
    )
