"""The API's claim list without model instances: what reviews adds to a page of
`claims.selectors.claim_rows` (each claim's verdicts, its matches to other publishers'
fact checks, and what the workflow's guards read of it), in one query each for the page.

A page of 100 claims built as model instances, with their articles, outlets, claimants,
assignees, verdicts and ratings, made about 450 of them, and every `claim.verdicts.all()`
a related manager; that cost more than the page's database work. The serializer reads
the same rows for a single claim (`ClaimSerializer.row_of`), so both paths write the
same bytes (tests/test_api.py compares them)."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Exists, OuterRef

from reviews.external_matching import matches_prefetch
from reviews.models import ExternalMatch, Verdict, VerdictContribution
from reviews.services.guards import ClaimFacts, RowFacts

APPROVED, PROPOSED = Verdict.State.APPROVED.value, Verdict.State.PROPOSED.value

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
        reader_contributed=bool(proposed) and proposed[0]["reader_contributed"],
    )


def attach_to_rows(rows: list[dict], *, reader, with_matches: bool) -> list[dict]:
    """Give each row of a page its `verdicts` (rows, oldest first, each saying whether
    `reader` wrote part of it), `external_matches` (when the reader may see them) and
    `facts` for the guards: a query for the page's verdicts, and one for its matches
    when a row says it `has_matches` (with_has_matches)."""
    ids = [row["id"] for row in rows]
    verdicts: dict[int, list[dict]] = defaultdict(list)
    matched: dict[int, list] = defaultdict(list)
    if ids:
        matching = [row["id"] for row in rows if row.get("has_matches")]
        if with_matches and matching:
            for match in matches_prefetch().queryset.filter(claim_id__in=matching):
                matched[match.claim_id].append(match)
        mine = VerdictContribution.objects.filter(verdict=OuterRef("pk"), user_id=reader.pk)
        page_verdicts = (
            Verdict.objects.filter(claim_id__in=ids)
            .annotate(reader_contributed=Exists(mine))
            .order_by("id")
            .values(*VERDICT_ROW_FIELDS, "reader_contributed")
        )
        for verdict in page_verdicts:
            verdicts[verdict["claim_id"]].append(verdict)
    for row in rows:
        own = verdicts[row["id"]]
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
