"""The claim list's filters, with what reviews adds: the rating of a claim's verdict."""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django_filters import rest_framework as filters

from claims.api.filters import ClaimFilter as BaseClaimFilter
from reviews.models import Verdict


class ClaimFilter(BaseClaimFilter):
    rating = filters.CharFilter(
        method="filter_rating",
        max_length=60,
        help_text="A rating slug: claims whose verdict (for the public: published verdict) has it",
    )

    class Meta(BaseClaimFilter.Meta):
        pass

    def filter_rating(self, queryset, name, value):
        states = [Verdict.State.APPROVED]
        if self._staff():
            states += [Verdict.State.DRAFT, Verdict.State.PROPOSED]
        verdicts = Verdict.objects.filter(
            claim=OuterRef("pk"), rating__slug=value, state__in=states
        )
        return queryset.filter(Exists(verdicts))
