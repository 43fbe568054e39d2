"""Query-string filters of the article and claim lists."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta

from django import forms
from django.db import connection
from django.db.models import F, Max
from django.utils import timezone
from django_filters import rest_framework as filters

from claims.models import Article, Claim, Outlet
from claims.selectors import is_staff_member, search_articles, search_claims

MAX_ID = 2**63 - 1


class IdFilter(filters.Filter):
    field_class = forms.IntegerField


class ClaimFilter(filters.FilterSet):
    """The claim list's filters (reviews.api adds the rating of a claim's verdict)."""

    # distinct=False: one status per claim, nothing to de-duplicate; DISTINCT would make
    # PostgreSQL read and sort every matching claim before it can return a page.
    status = filters.MultipleChoiceFilter(choices=Claim.Status.choices, distinct=False)
    article = IdFilter(field_name="article_id", min_value=1, max_value=MAX_ID)
    outlet = IdFilter(field_name="article__outlet_id", min_value=1, max_value=MAX_ID)
    claimant = IdFilter(field_name="claimant_id", min_value=1, max_value=MAX_ID)
    assignee = IdFilter(method="filter_assignee", min_value=1, max_value=MAX_ID)
    created_after = filters.DateFilter(method="filter_created_after")
    created_before = filters.DateFilter(method="filter_created_before")
    claim_date_after = filters.DateFilter(field_name="claim_date", lookup_expr="gte")
    claim_date_before = filters.DateFilter(method="filter_claim_date_before")
    search = filters.CharFilter(
        method="filter_search",
        max_length=500,
        help_text="Words in the claim or its article (PostgreSQL full-text; elsewhere each "
        "word as a substring); `#123` alone is claim 123 and nothing else",
    )

    class Meta:
        model = Claim
        fields: list[str] = []

    def _staff(self) -> bool:
        return self.request is not None and is_staff_member(self.request.user)

    def filter_assignee(self, queryset, name, value):
        # Assignments are the desk's business: the public filter matches nothing.
        return queryset.filter(assignee_id=value) if self._staff() else queryset.none()

    def filter_search(self, queryset, name, value):
        return search_claims(queryset, value)

    # A day as a range of instants in the current time zone, not `created_at::date`:
    # a range can use the indexes on created_at, a function of the column cannot.
    def filter_created_after(self, queryset, name, value):
        return queryset.filter(created_at__gte=_start_of(value))

    def filter_created_before(self, queryset, name, value):
        if value >= date.max:  # the day after it is not a date: no upper bound
            return queryset
        end = _start_of(value + timedelta(days=1))
        within = Claim.objects.filter(created_at__lt=end)
        after = self.form.cleaned_data.get("created_after")
        if after:
            within = within.filter(created_at__gte=_start_of(after))
        return self._newest_first(queryset.filter(created_at__lt=end), within)

    def filter_claim_date_before(self, queryset, name, value):
        within = Claim.objects.filter(claim_date__lte=value)
        after = self.form.cleaned_data.get("claim_date_after")
        if after:
            within = within.filter(claim_date__gte=after)
        return self._newest_first(queryset.filter(claim_date__lte=value), within)

    def _newest_first(self, queryset, within):
        """`queryset`, a subset of the date range `within`, under the default order."""
        if connection.vendor != "postgresql" or self.request is None:
            return queryset
        if self.request.query_params.get("ordering", "-id") != "-id":
            return queryset  # other orders have their own indexes, or find the range at once
        return _from_the_newest_of(queryset, within)


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


# A date range with an end (`created_before`, `claim_date_before`) under the default order,
# newest id first. PostgreSQL walks the primary key from the newest claim until a page of
# matches turns up, expecting them spread evenly over the ids; but ids go with creation
# time, and a claim's date with its article's, so for a day in the past the walk reads
# every claim created since (1.0 s warm, 4.4 s cold for the 168,142 claims created before
# June 2024 at 1,000,000; 204 ms for the 28,507 claims dated March 2025). No matching
# claim has an id above the newest id in the range: that bound, read from the index on
# (created_at, id) or (claim_date, id) alone, starts the walk where the matches are,
# whatever the ids' order (5 ms and a page of 0.2 ms for that March). Reading it costs an
# index entry per claim of the range, a quarter of what the walk pays per claim it passes,
# so a range the planner expects to hold most claims keeps the plain walk, which then
# passes few.
WALK_ALONE_SHARE = 0.8


def _range_share(within) -> float:
    """The planner's estimate of the share of all claims in `within`: one EXPLAIN of both."""
    every = Claim.objects.order_by().values("pk")
    (plan,) = json.loads(
        within.order_by().values("pk").union(every, all=True).explain(format="json")
    )
    matching, total = (part["Plan Rows"] for part in plan["Plan"]["Plans"])
    return matching / max(total, 1)


def _from_the_newest_of(queryset, within):
    """`queryset` (a subset of `within`) walked from the newest id in `within` down."""
    if _range_share(within) > WALK_ALONE_SHARE:
        return queryset
    # id + 0: the largest id read from the range's index entries, not by the walk again.
    newest = within.aggregate(newest=Max(F("id") + 0))["newest"]
    return queryset.none() if newest is None else queryset.filter(pk__lte=newest)


class ArticleFilter(filters.FilterSet):
    outlet = filters.ModelChoiceFilter(queryset=Outlet.objects.all())
    published_after = filters.DateFilter(field_name="published", lookup_expr="gte")
    published_before = filters.DateFilter(field_name="published", lookup_expr="lte")
    search = filters.CharFilter(
        method="filter_search",
        help_text="Words in the title or body (PostgreSQL full-text search; elsewhere each "
        "word as a substring)",
    )

    class Meta:
        model = Article
        fields = ["outlet", "published_after", "published_before", "search"]

    def filter_search(self, queryset, name, value):
        return search_articles(queryset, value)
