"""Our claims matched to other publishers' fact checks: a claim that states what an
imported fact check reviewed shows "checked by <publisher>: <rating>" on the desk and in
the API, linked to the original.

The same score as claim matching (claims.similarity.combined: mostly the sentence
embeddings' cosine, with shared content words as a tie-breaker, adjusted by how the
figures relate) and the same threshold
(FACTCHECK_LINK_MIN_SCORE), compared both ways:
- new claims (claims.signals.claims_created queues `match_claims` in the transaction
  that stores them) against every imported fact check, whose embeddings are stored on
  their rows;
- newly imported fact checks (queued by the import) against our claims, through the
  claims' vector index.
Both are safe to run twice: a pair is stored once (a unique constraint).
"""

from __future__ import annotations

import numpy as np
from django.db.models import Prefetch

from claims import embedding
from claims.models import Claim
from claims.similarity import (
    combined,
    ensure_embeddings,
    features,
    figure_agreement,
    link_min_score,
    score,
)
from claims.vectors import vector_index
from factcheck.outbox import enqueue
from reviews.models import ExternalFactCheck, ExternalMatch

# The fact checks shown for one claim, at most; and the claims one fact check matches.
MATCHES_PER_CLAIM = 3
CLAIMS_PER_FACT_CHECK = 25
# Candidates scored per claim, from the cosine alone.
CANDIDATES = 20


def on_claims_created(sender, *, claim_ids: list[int], **kwargs) -> None:
    """claims_created's receiver: queue matching, when there is anything to match."""
    if ExternalFactCheck.objects.exists():
        enqueue("reviews.tasks.match_external_fact_checks", claim_ids=list(claim_ids))


def _embedded(externals: list[ExternalFactCheck]) -> np.ndarray:
    """The fact checks' embeddings, computing and storing those missing."""
    missing = [e for e in externals if not e.embedding or e.embedding_model != embedding.MODEL_NAME]
    if missing:
        for row, vector in zip(
            missing, embedding.embed([e.claim_text for e in missing]), strict=True
        ):
            row.embedding, row.embedding_model = embedding.to_bytes(vector), embedding.MODEL_NAME
        ExternalFactCheck.objects.bulk_update(missing, ["embedding", "embedding_model"])
    return np.vstack([embedding.from_bytes(bytes(e.embedding)) for e in externals])


def match_claims(claim_ids: list[int]) -> int:
    """Match these claims to the imported fact checks; returns the matches made."""
    claims = list(Claim.objects.filter(pk__in=claim_ids).only("id", "text"))
    externals = list(
        ExternalFactCheck.objects.only("id", "claim_text", "embedding", "embedding_model")
    )
    if not claims or not externals:
        return 0
    matrix = _embedded(externals)
    vectors = ensure_embeddings(claims)
    threshold = link_min_score()
    found = []
    for claim in claims:
        cosines = matrix @ vectors[claim.pk]
        top = np.argsort(-cosines)[:CANDIDATES]
        mine = features(claim.text)
        scored = sorted(
            (
                (
                    combined(
                        float(cosines[j]),
                        score(mine, features(externals[j].claim_text)),
                        figure_agreement(claim.text, externals[j].claim_text),
                    ),
                    j,
                )
                for j in top
            ),
            reverse=True,
        )
        found += [
            ExternalMatch(claim_id=claim.pk, external_id=externals[j].pk, score=value)
            for value, j in scored[:MATCHES_PER_CLAIM]
            if value >= threshold
        ]
    ExternalMatch.objects.bulk_create(found, ignore_conflicts=True)
    return len(found)


def match_fact_checks(external_ids: list[int]) -> int:
    """Match newly imported fact checks to our claims; returns the matches made."""
    externals = list(
        ExternalFactCheck.objects.filter(pk__in=external_ids).only(
            "id", "claim_text", "embedding", "embedding_model"
        )
    )
    if not externals:
        return 0
    nearest = vector_index().search(_embedded(externals), CLAIMS_PER_FACT_CHECK)
    texts = dict(
        Claim.objects.filter(pk__in={i for row in nearest for i, _ in row}).values_list(
            "id", "text"
        )
    )
    threshold = link_min_score()
    found = []
    for external, row in zip(externals, nearest, strict=True):
        theirs = features(external.claim_text)
        for claim_id, cosine in row:
            if claim_id not in texts:
                continue
            value = combined(
                cosine,
                score(features(texts[claim_id]), theirs),
                figure_agreement(texts[claim_id], external.claim_text),
            )
            if value >= threshold:
                found.append(ExternalMatch(claim_id=claim_id, external=external, score=value))
    ExternalMatch.objects.bulk_create(found, ignore_conflicts=True)
    return len(found)


def matches_prefetch() -> Prefetch:
    """A claim's matches, best first, with what is shown of each fact check."""
    return Prefetch(
        "external_matches",
        queryset=ExternalMatch.objects.select_related("external__rating").order_by("-score", "id"),
    )


def checked_by(matches: list[ExternalMatch]) -> list[dict]:
    """What the desk and the API show of a claim's matches (best first, at most three)."""
    shown = []
    for match in matches[:MATCHES_PER_CLAIM]:
        external = match.external
        said = external.rating_text or (
            f"{external.rating_value:g}/{external.best_rating:g}"
            if external.rating_value is not None
            else ""
        )
        shown.append(
            {
                "publisher": external.publisher,
                "rating": said,
                "our_rating": external.rating.slug if external.rating_id else None,
                "our_rating_label": external.rating.label if external.rating_id else None,
                "url": external.url,
                "claim_reviewed": external.claim_text,
                "review_date": external.review_date.isoformat() if external.review_date else None,
                "score": match.score,
            }
        )
    return shown
