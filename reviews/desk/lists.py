"""The desk's paged lists: the filters and sort a desk asks for, read from the url (so a
view can be bookmarked and shared), applied to the one claim search the API also answers
(claims.selectors.search_claims), and cut into numbered pages with their total.

A filter the url gets wrong (a date that is not one, a person who does not exist) is
dropped with a message naming it; the list still answers with the rest.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)
from django.http import QueryDict
from django.utils.functional import cached_property

from claims.models import Article, Claim, Outlet, SimilarClaim
from claims.selectors import claims_for_list, search_articles, search_claims
from reviews.models import Rating, Verdict

Status = Claim.Status

PAGE_SIZES = (25, 50, 100)
DEFAULT_PAGE_SIZE = 25

# sort key in the url -> (label, ORDER BY). Ties break on id so pages never overlap.
CLAIM_SORTS: dict[str, tuple[str, tuple]] = {
    "-changed": ("Last change, newest first", (F("updated_at").desc(), F("id").desc())),
    "changed": ("Last change, oldest first", (F("updated_at").asc(), F("id").asc())),
    "-worth": (
        "Check-worthiness, highest first",
        (F("checkworthiness").desc(nulls_last=True), F("id").desc()),
    ),
    "worth": (
        "Check-worthiness, lowest first",
        (F("checkworthiness").asc(nulls_last=True), F("id").asc()),
    ),
    "-date": (
        "Article date, newest first",
        (F("article_published").desc(nulls_last=True), F("id").desc()),
    ),
    "date": (
        "Article date, oldest first",
        (F("article_published").asc(nulls_last=True), F("id").asc()),
    ),
}
DEFAULT_CLAIM_SORT = "-changed"

ASSIGNEE_ME = "me"
ASSIGNEE_NOBODY = "nobody"


class ListForm(forms.Form):
    """Shared by every paged list: page number and page size."""

    page = forms.IntegerField(min_value=1, required=False)
    size = forms.TypedChoiceField(
        label="Per page",
        choices=[(n, str(n)) for n in PAGE_SIZES],
        coerce=int,
        required=False,
        empty_value=DEFAULT_PAGE_SIZE,
    )

    def __init__(self, data: QueryDict, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(data, *args, **kwargs)

    def problems(self) -> list[str]:
        """One line per filter the url got wrong, naming it by its label."""
        return [
            f"{self.fields[name].label if name in self.fields else 'Filters'}: "
            f"{' '.join(errors)} (ignored)"
            for name, errors in self.errors.items()
        ]

    def value(self, name: str):
        """The cleaned value, or the empty value when the url's was not valid."""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        if name in self.errors:
            return self.fields[name].to_python(None) if name != "size" else DEFAULT_PAGE_SIZE
        return self.cleaned_data.get(name)


class ClaimListForm(ListForm):
    q = forms.CharField(
        label="Search",
        required=False,
        max_length=500,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "words, \u201ca phrase\u201d or #123"}
        ),
    )
    status = forms.MultipleChoiceField(
        label="Status",
        choices=Status.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    assignee = forms.CharField(
        label="Assignee",
        required=False,
        max_length=150,
        help_text="me, nobody, or a username",
        widget=forms.TextInput(attrs={"list": "assignee-options", "autocomplete": "off"}),
    )
    outlet = forms.ModelChoiceField(
        label="Outlet", queryset=Outlet.objects.none(), required=False, empty_label="Any outlet"
    )
    claimant = forms.CharField(label="Claimant", required=False, max_length=200)
    date_from = forms.DateField(
        label="Article date from", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="Article date to", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    rating = forms.ModelChoiceField(
        label="Rating",
        queryset=Rating.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label="Any rating",
    )
    worth = forms.IntegerField(
        label="Check-worthiness at least (%)", min_value=0, max_value=100, required=False
    )
    conflicting = forms.BooleanField(label="Has conflicting links", required=False)
    awaiting = forms.BooleanField(label="Awaiting my approval", required=False)
    sort = forms.ChoiceField(
        label="Sort",
        choices=[(key, label) for key, (label, _) in CLAIM_SORTS.items()],
        required=False,
    )

    def __init__(self, data: QueryDict, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        # Fresh querysets per request; the choices are short lists of names.
        self.fields["outlet"].queryset = Outlet.objects.order_by("name")
        self.fields["rating"].queryset = Rating.objects.order_by("position", "id")

    def clean_assignee(self):
        value = self.cleaned_data["assignee"].strip()
        if value.lower() in ("", ASSIGNEE_ME, ASSIGNEE_NOBODY):
            return value.lower()
        user = get_user_model().objects.filter(username__iexact=value).first()
        if user is None:
            raise forms.ValidationError(f"nobody on the desk is called \u201c{value}\u201d")
        return user

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "is before the start date")
        return cleaned


def _published_rating_prefetch() -> Prefetch:
    return Prefetch(
        "verdicts",
        queryset=Verdict.objects.filter(state=Verdict.State.APPROVED).select_related("rating"),
        to_attr="approved_verdicts",
    )


def conflicting_links() -> Exists:
    """A claim with a link, not rejected, to a claim elsewhere whose figures differ."""
    links = SimilarClaim.objects.filter(
        Q(from_claim=OuterRef("pk")) | Q(to_claim=OuterRef("pk")), conflicting=True
    ).exclude(decision=SimilarClaim.Decision.REJECTED)
    return Exists(links)


def awaiting_approval_by(user) -> Q:
    """Proposed claims whose proposal is not `user`'s own (four eyes): what waits for them."""
    # NOT IN an uncorrelated subquery, not NOT EXISTS: PostgreSQL hashes the person's few
    # proposals once, where a correlated subplan, costed per row, makes the dashboard's
    # one-pass count look expensive enough to be JIT-compiled (400 ms at 100,000 claims).
    theirs = Verdict.objects.filter(state=Verdict.State.PROPOSED, proposed_by=user)
    return Q(status=Status.PROPOSED) & ~Q(pk__in=theirs.values("claim_id"))


def filter_claims(form: ClaimListForm, *, user) -> QuerySet[Claim]:
    """The claims the list's url asks for, in its order, with what each row shows."""
    claims = claims_for_list(user)
    value = form.value
    if value("q"):
        claims = search_claims(claims, value("q"))
    if value("status"):
        claims = claims.filter(status__in=value("status"))
    assignee = value("assignee")
    if assignee == ASSIGNEE_ME:
        claims = claims.filter(assignee=user)
    elif assignee == ASSIGNEE_NOBODY:
        claims = claims.filter(assignee__isnull=True)
    elif assignee:
        claims = claims.filter(assignee=assignee)
    if value("outlet"):
        claims = claims.filter(article__outlet=value("outlet"))
    if value("claimant"):
        claims = claims.filter(claimant__name__icontains=value("claimant").strip())
    claims = _within_dates(claims, value)
    if value("rating"):
        claims = claims.filter(
            Exists(
                Verdict.objects.filter(
                    claim=OuterRef("pk"), state=Verdict.State.APPROVED, rating=value("rating")
                )
            )
        )
    if value("worth") is not None:
        claims = claims.filter(checkworthiness__gte=value("worth") / 100)
    if value("conflicting"):
        claims = claims.filter(conflicting_links())
    if value("awaiting"):
        claims = claims.filter(awaiting_approval_by(user))
    sort = value("sort") or DEFAULT_CLAIM_SORT
    order = CLAIM_SORTS[sort][1]
    if sort in ("-changed", "changed") and _narrow_date_range(value):
        order = _CHANGED_SORTED_IN_FULL[sort]
    return claims.order_by(*order).prefetch_related(_published_rating_prefetch())


# A date range under the sort by last change. PostgreSQL walks the index on updated_at
# until a page of the range turns up, expecting the range's claims spread evenly over it;
# but a claim's last change goes with its article's date (last year's claims were changed
# last year), so for a range in the past the walk reads most of the table: 2.6 s for a
# month of 27,457 claims at 1,000,000. When the planner's estimate of the range (from the
# date's statistics: one EXPLAIN) is small, the list sorts the range's claims instead, by
# `updated_at + 0`: the same order, which no index serves (84 ms for that month). A wide
# range keeps the walk, which then finds its page at once.
NARROW_DATE_RANGE = 50_000
_CHANGED_SORTED_IN_FULL = {
    sort: (
        getattr(ExpressionWrapper(F("updated_at") + timedelta(0), DateTimeField()), way)(),
        getattr(F("id"), way)(),
    )
    for sort, way in (("-changed", "desc"), ("changed", "asc"))
}


def _within_dates(claims: QuerySet[Claim], value) -> QuerySet[Claim]:
    """The claims whose article's date is in the url's range (the copy on the claim)."""
    if value("date_from"):
        claims = claims.filter(article_published__gte=value("date_from"))
    if value("date_to"):
        claims = claims.filter(article_published__lte=value("date_to"))
    return claims


def _narrow_date_range(value) -> bool:
    if connection.vendor != "postgresql" or not (value("date_from") or value("date_to")):
        return False
    (plan,) = json.loads(_within_dates(Claim.objects.all(), value).explain(format="json"))
    return plan["Plan"]["Plan Rows"] < NARROW_DATE_RANGE


class BoundedPaginator(Paginator):
    """Counts at most `limit` rows: past them the total is "more than `limit`" and the
    pages stop there. An exact count reads every matching row (a million claims for the
    unfiltered list), and nobody pages to the ten-thousandth row: they filter or sort."""

    def __init__(self, object_list, per_page, *, limit: int):
        super().__init__(object_list, per_page)
        self.limit = limit

    @cached_property
    def counted(self) -> int:
        # COUNT(*) over a LIMIT subquery, without the list's ORDER BY: it stops at the
        # limit's row whatever the order.
        return self.object_list.order_by()[: self.limit + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self.counted, self.limit)

    @property
    def more(self) -> bool:
        return self.counted > self.limit


@dataclass
class Paged:
    """A page of a list with what its navigation needs."""

    page: Page
    total: int
    size: int
    page_range: list
    first_index: int
    last_index: int
    more: bool = False  # rows past `total` exist, not counted

    @property
    def rows(self) -> list:
        return list(self.page.object_list)

    @property
    def total_number(self) -> str:
        return f"{self.total:,}"

    @property
    def total_text(self) -> str:
        return f"more than {self.total_number}" if self.more else self.total_number


def paginate(queryset: QuerySet, form: ListForm) -> Paged:
    """Cut `queryset` into numbered pages (one bounded COUNT and one page query; see
    BoundedPaginator, FACTCHECK_LIST_COUNT_LIMIT). A page past the end shows the last
    page, not an error: a bookmark outlives its rows."""
    size = form.value("size") or DEFAULT_PAGE_SIZE
    paginator = BoundedPaginator(queryset, size, limit=settings.FACTCHECK_LIST_COUNT_LIMIT)
    page = paginator.get_page(form.value("page") or 1)
    page.object_list = list(page.object_list)
    return Paged(
        page=page,
        total=paginator.count,
        size=size,
        page_range=list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)),
        first_index=page.start_index(),
        last_index=page.end_index(),
        more=paginator.more,
    )


# -- articles -----------------------------------------------------------------------------

ARTICLE_SORTS: dict[str, tuple[str, tuple]] = {
    "-date": (
        "Date, newest first",
        (F("published").desc(nulls_last=True), F("created_at").desc(), F("id").desc()),
    ),
    "date": (
        "Date, oldest first",
        (F("published").asc(nulls_last=True), F("created_at").asc(), F("id").asc()),
    ),
    "-added": ("Added, newest first", (F("created_at").desc(), F("id").desc())),
}


class ArticleListForm(ListForm):
    q = forms.CharField(
        label="Search",
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "words in title or text"}),
    )
    outlet = forms.ModelChoiceField(
        label="Outlet", queryset=Outlet.objects.none(), required=False, empty_label="Any outlet"
    )
    date_from = forms.DateField(
        label="Date from", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="Date to", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    sort = forms.ChoiceField(
        label="Sort",
        choices=[(key, label) for key, (label, _) in ARTICLE_SORTS.items()],
        required=False,
    )

    def __init__(self, data: QueryDict, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.fields["outlet"].queryset = Outlet.objects.order_by("name")


def filter_articles(form: ArticleListForm) -> QuerySet[Article]:
    articles = Article.objects.select_related("outlet").defer("body", "byline", "content_hash")
    value = form.value
    if value("q"):
        articles = search_articles(articles, value("q"))
    if value("outlet"):
        articles = articles.filter(outlet=value("outlet"))
    if value("date_from"):
        articles = articles.filter(published__gte=value("date_from"))
    if value("date_to"):
        articles = articles.filter(published__lte=value("date_to"))
    sort = value("sort") or "-date"
    return articles.annotate(
        claim_count=Count("claims"),
        open_count=Count("claims", filter=Q(claims__status__in=[Status.NEW, Status.IN_REVIEW])),
    ).order_by(*ARTICLE_SORTS[sort][1])


def active_filters(form: ListForm, *, skip: tuple[str, ...] = ("page", "size", "sort")) -> bool:
    """Does the url narrow the list at all (for the "clear filters" link)?"""
    return any(
        form.value(name) not in (None, "", [], False) for name in form.fields if name not in skip
    )
