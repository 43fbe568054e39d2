"""Claims that do not come from a load (a span an editor selects, a reader's or a
client's submission) and an editor's decision on a similarity link."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from claims.models import (
    Article,
    Claim,
    Claimant,
    SimilarClaim,
)
from claims.services.inputs import ClaimsError, normalise_url


@transaction.atomic
def create_submitted_claim(
    *, text: str, source_url: str, claimant: Claimant | None = None, claim_date: date | None = None
) -> Claim:
    """A claim that comes without an article: a reader's or a client's submission."""
    text = text.strip()
    if not text:
        raise ClaimsError("The claim text is empty.", field="text")
    claim = Claim.objects.create(
        text=text,
        source_url=normalise_url(source_url),
        claimant=claimant,
        claim_date=claim_date,
        origin=Claim.Origin.SUBMITTED,
        **_checkworthiness(text),
    )
    _link_after_commit([claim.pk])
    return claim


def _checkworthiness(text: str) -> dict:
    """The extractor's check-worthiness score and reasons for a claim made by hand."""
    from claims.extraction import score_sentence

    score, reasons = score_sentence(text)
    return {"checkworthiness": score, "checkworthiness_reasons": list(reasons)}


def _require_perm(user, perm: str, message: str) -> None:
    if not (user and user.is_active and user.has_perm(perm)):
        raise ClaimsError(message, field=None)


@transaction.atomic
def add_manual_claim(
    *,
    article_id: int,
    actor,
    start: int,
    end: int,
    claimant: Claimant | None = None,
    text: str | None = None,
) -> Claim:
    """Someone on the desk adds a claim the extractor missed by selecting its span in the
    article. With `text` (what they selected), the article must say exactly that there:
    a page drawn from an older text, or offsets counted wrong, are refused."""
    _require_perm(actor, "claims.add_claim", "Only the desk can add claims to an article.")
    article = Article.objects.select_for_update().get(pk=article_id)
    if not (0 <= start < end <= len(article.body)):
        raise ClaimsError(
            f"The span {start}-{end} is not inside the article ({len(article.body)} characters).",
            field="span",
        )
    if text is not None and article.body[start:end] != text:
        raise ClaimsError(
            "The selection is not the article's text at that place (was the article "
            "changed since the page was loaded?); nothing was added.",
            field="text",
        )
    text = article.body[start:end]
    if not text.strip():
        raise ClaimsError("The selected span is blank.", field="span")
    if article.claims.filter(span_start=start, span_end=end).exists():
        raise ClaimsError("That span is already a claim.", field="span")
    claim = Claim.objects.create(
        article=article,
        text=text,
        span_start=start,
        span_end=end,
        claimant=claimant,
        claim_date=article.published,
        origin=Claim.Origin.MANUAL,
        **_checkworthiness(text),
    )
    _link_after_commit([claim.pk])
    return claim


def _link_after_commit(claim_ids: list[int]) -> None:
    """Queue similarity linking for new claims: an outbox message in this transaction,
    handed to the worker once it commits."""
    from claims.tasks import queue_linking

    queue_linking(claim_ids)


@transaction.atomic
def decide_similarity(*, link_id: int, actor, decision: str) -> SimilarClaim:
    """An editor confirms or rejects a similarity link; re-runs never undo the decision."""
    _require_perm(
        actor, "claims.change_similarclaim", "Only an editor can confirm or reject links."
    )
    if decision not in (SimilarClaim.Decision.CONFIRMED, SimilarClaim.Decision.REJECTED):
        raise ClaimsError("Decide 'confirmed' or 'rejected'.", field="decision")
    link = SimilarClaim.objects.select_for_update().get(pk=link_id)
    link.decision = decision
    link.decided_by = actor
    link.decided_at = timezone.now()
    link.save(update_fields=["decision", "decided_by", "decided_at"])
    return link
