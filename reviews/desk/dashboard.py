"""The desk's start page: my work, the queue, what waits for me, what went out, and the
claims by state. Each section shows its first rows and its total, and links into the
paged claim list (reviews.desk.list_views) with the section's filters, so no list stops
at the dashboard."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from django.db import DatabaseError
from django.db.models import CharField, Count, Value, prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from claims.models import Claim
from claims.selectors import claims_by_status_rows, claims_for_list, search_claims, visible_claims
from claims.services import fold_status_counts
from reviews.desk.forms import SearchForm
from reviews.desk.lists import awaiting_approval_by
from reviews.desk.views import _published_rating_prefetch, desk_required
from reviews.selectors import mark_sent_back

log = logging.getLogger(__name__)

Status = Claim.Status

# How many rows the dashboard's search shows, and each of its sections: the rest are in
# the paged claim list its "All N" link opens.
LIST_LIMIT = 25
SECTION_ROWS = 10
# "My claims": what is assigned to me and still open.
MY_STATES = (Status.IN_REVIEW, Status.PROPOSED)
# More claims-by-state rows than this, and the page folds them (claims.services.counts).
FOLD_AT = 10_000


def _search(rows, query: str, status: str):
    # The API's search (claims.selectors.search_claims): the same claims for the same words.
    claims = search_claims(rows, query)
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
    """Every count the dashboard shows, in one query (a UNION ALL). The claims by state
    are the few rows of claims_by_status_rows (kept by triggers, not counted); the
    sections' totals each read an index of their own rows only (the queue has a partial
    index), so none of them walks every claim's row."""
    # The desk's user sees every claim: the claims by state count them all.
    claims = visible_claims(user)
    sections = {
        "mine": claims.filter(assignee=user, status__in=MY_STATES),
        "queue": claims.filter(status=Status.NEW, assignee__isnull=True),
    }
    if approver:
        sections["awaiting"] = claims.filter(awaiting_approval_by(user))
    counted = [
        found.order_by()
        .values(key=Value(key, output_field=CharField()))
        .annotate(n=Count("pk"), rows=Value(0))
        .values_list("key", "n", "rows")
        for key, found in sections.items()
    ]
    totals = {f"status_{value}": 0 for value in Status.values}
    folded_rows = 0
    for key, n, rows in claims_by_status_rows().union(*counted, all=True):
        if key in sections:
            totals[key] = int(n)
        else:
            totals[f"status_{key}"] = int(n or 0)
            folded_rows += rows
    if folded_rows > FOLD_AT:
        _fold_status_counts()
    return totals


def _fold_status_counts() -> None:
    # The beat's sweep folds the rows every few minutes; where none runs (the embedded
    # default without `finish_undone --every`) the page does, rarely: the counts it shows
    # are already read and exact, so a fold that fails (SQLite busy) costs nothing.
    try:
        fold_status_counts()
    except DatabaseError:
        log.warning("dashboard: folding the status counts failed", exc_info=True)


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
    # What each row shows (claims_for_list: no article bodies, no password hashes).
    rows = claims_for_list(user).defer("checkworthiness_reasons")
    results, results_total = [], 0
    if searching:
        found = _search(rows, query, status_filter)
        results_total = found.count()
        results = list(found.order_by("-updated_at", "-id")[:LIST_LIMIT])

    # One short query per state (an index range scan each), not one sorted by state:
    # someone with thousands of claims in review would have them all read and sorted.
    my_groups = [
        (
            label,
            list(
                rows.filter(assignee=user, status=value).order_by("-updated_at", "-id")[
                    :SECTION_ROWS
                ]
            ),
        )
        for value, label in Status.choices
        if value in MY_STATES
    ]
    shown_mine = sum(len(claims) for _, claims in my_groups)
    queue = list(
        rows.filter(status=Status.NEW, assignee__isnull=True).order_by(
            "-checkworthiness", "-created_at", "-id"
        )[:SECTION_ROWS]
    )
    awaiting = None
    if approver:
        awaiting = list(
            rows.filter(awaiting_approval_by(user)).order_by("updated_at", "id")[:SECTION_ROWS]
        )
    published = list(
        rows.filter(status=Status.PUBLISHED).order_by("-updated_at", "-id")[:SECTION_ROWS]
    )

    # Every row's published rating (a claim reopened for a correction keeps its chip) in
    # one query, and "Sent back" on the rows in review in one more (none when no row is):
    # every row carries both, so the row template never looks up a missing attribute.
    shown = [
        *results,
        *(c for _, claims in my_groups for c in claims),
        *queue,
        *(awaiting or []),
        *published,
    ]
    prefetch_related_objects(shown, _published_rating_prefetch())
    mark_sent_back(shown)

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
