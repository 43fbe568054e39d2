"""Reads about claims and articles: one function per question, used by the API, the desk
and the admin alike. Lists and detail pages both start from `visible_claims`, so a list
never shows what a detail page would refuse."""

from __future__ import annotations

import json
import re
import time

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import BooleanField, Count, F, Q, QuerySet, Sum
from django.db.models.expressions import Expression, RawSQL

from claims.models import Article, Claim, ClaimStatusCount, SimilarClaim


def is_staff_member(user) -> bool:
    """Reviewers and editors (anyone who may read unpublished work)."""
    return bool(
        user and user.is_authenticated and user.is_active and user.has_perm("claims.view_claim")
    )


def visible_claims(user: AnonymousUser | object) -> QuerySet[Claim]:
    """Every claim for the desk; for everyone else, claims with a public page (published,
    reopened for a correction while the published verdict stands, or withdrawn with a
    public note)."""
    claims = Claim.objects.all()
    if not is_staff_member(user):
        claims = claims.filter(is_public=True)
    return claims


def claims_by_status_rows() -> QuerySet:
    """How many claims stand in each state, every claim counted (what the desk sees):
    (status, count, rows summed) from ClaimStatusCount, which triggers keep exact in the
    transaction of every write; a few rows to read however many claims there are. A state
    with no claims may be missing or 0."""
    return (
        ClaimStatusCount.objects.order_by()
        .values("status")
        .annotate(n=Sum("n"), rows=Count("pk"))
        .values_list("status", "n", "rows")
    )


_UNUSED_ARTICLE_FIELDS = ("body", "byline", "language", "content_hash", "created_at")
_UNUSED_USER_FIELDS = (
    "password",
    "last_login",
    "is_superuser",
    "first_name",
    "last_name",
    "email",
    "is_staff",
    "date_joined",
)


def claims_for_list(user) -> QuerySet[Claim]:
    """Visible claims with their article, outlet, claimant and assignee joined in, in one
    query however long the list: what a list of claims shows about each."""
    return (
        visible_claims(user)
        .select_related("article", "article__outlet", "claimant", "assignee")
        # Only what a list shows: a page of 100 should not carry 100 article bodies or
        # password hashes.
        .defer(*(f"article__{name}" for name in _UNUSED_ARTICLE_FIELDS))
        .defer(*(f"assignee__{name}" for name in _UNUSED_USER_FIELDS))
    )


# A claim's own columns in a list's row (claim_rows), then what it shows of its article,
# outlet, claimant and assignee.
CLAIM_COLUMNS = (
    "id",
    "text",
    "status",
    "version",
    "origin",
    "article_id",
    "source_url",
    "span_start",
    "span_end",
    "claimant_id",
    "claim_date",
    "checkworthiness",
    "checkworthiness_reasons",
    "assignee_id",
    "duplicate_of_id",
    "is_public",
    "under_review_since",
    "created_at",
    "updated_at",
)
CLAIM_ROW_FIELDS = (
    *CLAIM_COLUMNS,
    "article__url",
    "article__title",
    "article__published",
    "article__outlet_id",
    "article__outlet__name",
    "article__outlet__domain",
    "claimant__name",
    "claimant__kind",
    "claimant__role",
    "assignee__username",
)


def claim_rows(claims: QuerySet[Claim], *annotations: str) -> QuerySet[dict]:
    """What a list of claims shows about each (CLAIM_ROW_FIELDS, and the `annotations`
    named), as dicts, in one query however long the list: the API's claim list reads its
    page this way, since building the model instances of 100 claims with their article,
    outlet, claimant and assignee cost more than the query."""
    return claims.values(*CLAIM_ROW_FIELDS, *annotations)


# -- search -------------------------------------------------------------------------------


# The stored, GIN-indexed tsvector columns are added by claims/migrations/0002_search.py on
# PostgreSQL only; elsewhere every word must appear as a substring.
# A claim matches on its own words or on its article's, in one of two shapes chosen by how
# many articles the words match (the planner's estimate from the column's statistics, one
# EXPLAIN). For rare words the matching claims' ids are read first (the two GIN indexes and
# the article key ORed in one bitmap, a millisecond for 817 claims at 1,000,000) and the
# page is `id = ANY(%s)` with them as one array, read down the primary key in page order.
# Asked only of each claim, PostgreSQL expected the matches spread over the ids and walked
# the key from the newest claim, filtering: 101,000 claims read for a page of "Tarbela" (68
# ms against 2). With the ids collected in the page's own query (an InitPlan), PostgreSQL
# expected 10 of them, not 817, and joined every match to its article, claimant, outlet and
# assignee before sorting to keep 26 (12.9 ms; with the array 0.44 ms, and the ids 0.7 ms).
# For common words, collecting every match reads most articles' vectors (0.3-0.7 s at
# 100,000 articles), so each claim instead asks of its own article, and PostgreSQL walks
# the claims in page order and stops at a page's worth. Both shapes match exactly the same
# claims.
class _ClaimSearch(Expression):
    """A claim's own words or its article's match `query` (PostgreSQL full-text search on
    the stored `search_vector` columns, which migration 0002 adds outside the models),
    asked of each claim and its article by key: the shape for common words.

    The claim's table is taken from its columns as Django compiles them, not written into
    the SQL, so the search holds when the claims become a subquery under another alias
    (the verdicts and evidence of the claims found: `claim__in=claims.values("pk")`)."""

    output_field = BooleanField()

    def __init__(self, query: str, pk=None, article=None):
        super().__init__()
        self.query = query
        self.pk = F("pk") if pk is None else pk
        self.article = F("article_id") if article is None else article

    def get_source_expressions(self):
        return [self.pk, self.article]

    def set_source_expressions(self, exprs):
        self.pk, self.article = exprs

    def as_sql(self, compiler, connection):
        table = compiler.quote_name_unless_alias(self.pk.alias)
        article, params = compiler.compile(self.article)
        sql = f"({table}.search_vector @@ websearch_to_tsquery('english', %s) OR "
        sql += "(SELECT search_vector @@ websearch_to_tsquery('english', %s)"
        sql += f" FROM claims_article WHERE id = {article}))"
        return sql, [self.query, self.query, *params]


class _OneOf(Expression):
    """The claim's id is one of `ids`, given as one array (`= ANY(%s)`): PostgreSQL then
    knows how many there are, where an IN list would be a parameter each to build."""

    output_field = BooleanField()

    def __init__(self, ids: list[int], pk=None):
        super().__init__()
        self.ids = ids
        self.pk = F("pk") if pk is None else pk

    def get_source_expressions(self):
        return [self.pk]

    def set_source_expressions(self, exprs):
        (self.pk,) = exprs

    def as_sql(self, compiler, connection):
        pk, params = compiler.compile(self.pk)
        return f"{pk} = ANY(%s)", [*params, self.ids]


_MATCHING_CLAIMS_SQL = (
    "SELECT found.id FROM claims_claim found"
    " WHERE found.search_vector @@ websearch_to_tsquery('english', %s)"
    " OR found.article_id = ANY(ARRAY(SELECT id FROM claims_article"
    " WHERE search_vector @@ websearch_to_tsquery('english', %s)))"
)


def matching_claim_ids(query: str) -> list[int]:
    """The ids of every claim (visible or not) whose words or whose article's match `query`
    (PostgreSQL full-text search): the shape for rare words, read by index."""
    with connection.cursor() as cursor:
        cursor.execute(_MATCHING_CLAIMS_SQL, [query, query])
        return [found for (found,) in cursor.fetchall()]


def _full_text_match(query: str, *, common: bool) -> Q:
    """The claims that match `query`, in the shape for common or for rare words."""
    if common:
        return Q(_ClaimSearch(query))
    ids = matching_claim_ids(query)
    # No match: Django then asks the database nothing for the page (or its count).
    return Q(_OneOf(ids)) if ids else Q(pk__in=[])


# Above this share of the articles matching, a claim asks of its own article (see above):
# a page of 100 then reads at most a few thousand claims, where collecting the articles
# would read tens of thousands of article vectors.
_COMMON_ARTICLE_SHARE = 0.01
_ESTIMATE_SQL = (
    "EXPLAIN (FORMAT JSON) SELECT 1 FROM claims_article WHERE search_vector @@"
    " websearch_to_tsquery('english', %s) UNION ALL SELECT 1 FROM claims_article"
)


# The estimate changes only when the articles' statistics are read again (ANALYZE, which
# autovacuum runs as they change): each worker keeps it a few minutes for the words asked,
# so the next pages of a search, and words many readers ask for, skip its round trip. Only
# the shape depends on it, never which claims are found.
ESTIMATE_SECONDS = 300
_ESTIMATES_KEPT = 1000
_estimates: dict[str, tuple[float, bool]] = {}


def _common_in_articles(query: str) -> bool:
    """Whether the planner expects `query` to match more than _COMMON_ARTICLE_SHARE of the
    articles: its estimates from the statistics of the articles' vectors, not a count."""
    now = time.monotonic()
    kept = _estimates.get(query)
    if kept is not None and kept[0] > now:
        return kept[1]
    with connection.cursor() as cursor:
        cursor.execute(_ESTIMATE_SQL, [query])
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    matching, every = (part["Plan Rows"] for part in plan[0]["Plan"]["Plans"])
    common = matching > _COMMON_ARTICLE_SHARE * every
    if len(_estimates) >= _ESTIMATES_KEPT:
        _estimates.clear()
    _estimates[query] = (now + ESTIMATE_SECONDS, common)
    return common


def forget_estimates() -> None:
    """Drop the kept estimates (tests, whose articles change from one to the next)."""
    _estimates.clear()


_ARTICLE_SEARCH_SQL = "claims_article.search_vector @@ websearch_to_tsquery('english', %s)"
_CLAIM_NUMBER = re.compile(r"^#(\d{1,18})$")


def full_text_search() -> bool:
    return connection.vendor == "postgresql"


def search_claims(claims: QuerySet[Claim], query: str) -> QuerySet[Claim]:
    """Claims whose text, or whose article's title or body, match the words of `query`
    (every word: PostgreSQL's full-text search, stemmed; elsewhere a case-insensitive
    substring each). The one search of the API and the desk.

    `#123` alone is claim 123 and only it, on both databases: a desk typing a number
    with `#` asks for that claim (full-text search would also find every text with the
    word 123, which a substring search for "#123" would not). Within several words a `#`
    is punctuation on both: full-text search drops it, so the substrings drop it too."""
    query = query.strip()
    if not query:
        return claims
    number = _CLAIM_NUMBER.match(query)
    if number:
        return claims.filter(pk=int(number.group(1)))
    if full_text_search():
        match = _full_text_match(query, common=_common_in_articles(query))
    else:
        match = Q()
        for word in query.split():
            word = word.lstrip("#") or word
            match &= (
                Q(text__icontains=word)
                | Q(article__title__icontains=word)
                | Q(article__body__icontains=word)
            )
    return claims.filter(match)


def search_articles(articles: QuerySet[Article], query: str) -> QuerySet[Article]:
    """Articles whose title or body match the words of `query` (as search_claims)."""
    query = query.strip()
    if not query:
        return articles
    if full_text_search():
        match = RawSQL(_ARTICLE_SEARCH_SQL, [query], output_field=BooleanField())  # noqa: S611 - bound parameters
        return articles.filter(match)
    match = Q()
    for word in query.split():
        match &= Q(title__icontains=word) | Q(body__icontains=word)
    return articles.filter(match)


def similar_links(claim: Claim, user, *, rejected: bool = False) -> QuerySet[SimilarClaim]:
    """The links from `claim` to claims in other articles that state the same thing, seen
    by `user`, both ends with their article and outlet, in one query; links an editor
    rejected only when `rejected`. The desk's "seen in N other articles", the API's
    similar claims and "already checked" read it."""
    visible = visible_claims(user)
    links = SimilarClaim.objects.filter(
        Q(from_claim=claim, to_claim__in=visible) | Q(to_claim=claim, from_claim__in=visible)
    ).select_related("from_claim__article__outlet", "to_claim__article__outlet", "decided_by")
    return links if rejected else links.exclude(decision=SimilarClaim.Decision.REJECTED)


def other_end(link: SimilarClaim, claim_id: int) -> Claim:
    """The claim at the other end of `link` from claim `claim_id`."""
    return link.to_claim if link.from_claim_id == claim_id else link.from_claim


def articles_seen_in(links, claim_id: int) -> int:
    """How many other articles (and submissions, each its own) the linked claims stand in."""
    return len(
        {
            ("article", other.article_id) if other.article_id else ("claim", other.pk)
            for other in (other_end(link, claim_id) for link in links)
        }
    )
