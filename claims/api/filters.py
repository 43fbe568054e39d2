"""Query-string filters of the article and claim lists."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django import forms
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
    claim_date_before = filters.DateFilter(field_name="claim_date", lookup_expr="lte")
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
        return queryset.filter(created_at__lt=_start_of(value + timedelta(days=1)))


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


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
