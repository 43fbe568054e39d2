"""The API's claim list without model instances: what reviews adds to a page of
`claims.selectors.claim_rows` (each claim's verdicts, its matches to other publishers'
fact checks, and what the workflow's guards read of it). The verdicts are read with the
page's rows (a JSON array a row, `with_verdicts`), the matches in one query for the page
when a row has any.

A page of 100 claims built as model instances, with their articles, outlets, claimants,
assignees, verdicts and ratings, made about 450 of them, and every `claim.verdicts.all()`
a related manager; that cost more than the page's database work. The serializer reads
the same rows for a single claim (`ClaimSerializer.row_of`), so both paths write the
same bytes (tests/test_api.py compares them)."""

from __future__ import annotations

import functools
from collections import defaultdict
from datetime import UTC, datetime

from django.db.models import Aggregate, Exists, F, JSONField, OuterRef, Subquery
from django.db.models.functions import JSONObject

from reviews.external_matching import matches_prefetch
from reviews.models import ExternalMatch, Verdict, VerdictContribution
from reviews.services.guards import ClaimFacts, RowFacts

APPROVED, PROPOSED = Verdict.State.APPROVED.value, Verdict.State.PROPOSED.value
# What a claim's row reads of its verdicts: the published one, the proposal (for the
# guards) and the withdrawals (the public note); drafts and superseded verdicts show in
# neither, and a claim corrected many times has many of the latter.
ROW_STATES = (APPROVED, PROPOSED, Verdict.State.WITHDRAWN.value)

# What the claim's representation and its guards read of each verdict.
VERDICT_ROW_FIELDS = (
    "id",
    "claim_id",
    "state",
    "summary",
    "approved_at",
    "correction_note",
    "withdrawal_note",
    "withdrawn_at",
    "proposed_by_id",
    "rating_id",
    "rating__slug",
    "rating__label",
    "rating__value",
    "rating__best_value",
    "rating__worst_value",
    "rating__colour",
    "rating__description",
)


def with_has_matches(claims):
    """`claims` saying of each (`has_matches`, read with the page's rows) whether other
    publishers' fact checks match it, so a page without any (most pages) asks for none."""
    return claims.annotate(has_matches=Exists(ExternalMatch.objects.filter(claim=OuterRef("pk"))))


class _JSONArray(Aggregate):
    """The values aggregated, as one JSON array (jsonb on PostgreSQL)."""

    function = "JSONB_AGG"
    output_field = JSONField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, function="JSON_GROUP_ARRAY", **extra)


@functools.cache
def _verdicts_of_each_claim() -> Subquery:
    """The subquery of `with_verdicts`, built once: it is the same for every page and
    reader, and building it (the JSON's fields resolved against the verdict and its
    rating) cost about a millisecond a request."""
    fields = {name: F(name) for name in VERDICT_ROW_FIELDS}
    verdicts = (
        Verdict.objects.filter(claim=OuterRef("pk"), state__in=ROW_STATES)
        .order_by()
        .values("claim")
        .annotate(rows=_JSONArray(JSONObject(**fields)))
        .values("rows")
    )
    return Subquery(verdicts)


def with_verdicts(claims, reader):
    """`claims` with each claim's verdicts that its row reads (ROW_STATES, VERDICT_ROW_FIELDS)
    as `verdict_rows`, a JSON array read with the row (read apart, they were a round trip
    to the database a page: about a tenth of the list's time under load), and whether
    `reader` wrote part of its proposed verdict (one at most) as `reader_contributed`.
    Subqueries in the select list, so PostgreSQL builds them for the rows of the page
    only, after any sort, and the page's plan is the one it was without them."""
    mine = VerdictContribution.objects.filter(
        verdict__claim=OuterRef("pk"), verdict__state=PROPOSED, user_id=reader.pk
    )
    return claims.annotate(verdict_rows=_verdicts_of_each_claim(), reader_contributed=Exists(mine))


def _instant(text: str | None) -> datetime | None:
    """A timestamp as JSON writes it (an ISO 8601 string: with its offset on PostgreSQL,
    naive UTC from SQLite)."""
    if text is None:
        return None
    value = datetime.fromisoformat(text)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _from_json(verdict: dict) -> dict:
    """A verdict of `verdict_rows` as the row VERDICT_ROW_FIELDS reads."""
    verdict["approved_at"] = _instant(verdict["approved_at"])
    verdict["withdrawn_at"] = _instant(verdict["withdrawn_at"])
    return verdict


def verdict_row(verdict: Verdict) -> dict:
    """A verdict instance as the row VERDICT_ROW_FIELDS reads (its rating joined)."""
    rating = verdict.rating if verdict.rating_id is not None else None
    row = {name: getattr(verdict, name) for name in VERDICT_ROW_FIELDS if "__" not in name}
    for name in VERDICT_ROW_FIELDS:
        if name.startswith("rating__"):
            row[name] = getattr(rating, name.removeprefix("rating__")) if rating else None
    return row


def facts_of(row: dict, verdicts: list[dict]) -> RowFacts:
    """What the guards read of a claim's row (reviews.services.guards.ClaimFacts, from
    the values already read)."""
    proposed = [v for v in verdicts if v["state"] == PROPOSED]
    return RowFacts(
        status=row["status"],
        assignee_id=row["assignee_id"],
        published_verdict_stands=bool(row["is_public"])
        and any(v["state"] == APPROVED for v in verdicts),
        proposed_by=proposed[0]["proposed_by_id"] if proposed else None,
        reader_contributed=bool(proposed) and bool(row["reader_contributed"]),
    )


def attach_to_rows(rows: list[dict], *, with_matches: bool) -> list[dict]:
    """Give each row of a page (read `with_verdicts`) its `verdicts` (rows),
    `external_matches` (when the reader may see them) and `facts` for the guards: a query
    for the page's matches when a row says it `has_matches` (with_has_matches), none
    otherwise."""
    matched: dict[int, list] = defaultdict(list)
    matching = [row["id"] for row in rows if row.get("has_matches")]
    if with_matches and matching:
        for match in matches_prefetch().queryset.filter(claim_id__in=matching):
            matched[match.claim_id].append(match)
    for row in rows:
        own = [_from_json(verdict) for verdict in row.pop("verdict_rows") or ()]
        row["verdicts"] = own
        row["external_matches"] = matched[row["id"]]
        row["facts"] = facts_of(row, own)
    return rows


def attach_to_claim(row: dict, claim, *, with_matches: bool) -> dict:
    """The same for one claim instance, from its (prefetched) verdicts and matches; its
    guards read the claim itself, lazily, as available_actions does."""
    row["verdicts"] = [verdict_row(v) for v in claim.verdicts.all()]
    row["external_matches"] = list(claim.external_matches.all()) if with_matches else []
    row["facts"] = ClaimFacts(claim)
    return row
