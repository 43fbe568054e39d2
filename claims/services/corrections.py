"""Corrections of a claim's own record: its wording, its span in the article, its
claimant and its date, each recorded in the claim's history (django-simple-history) with
the person and the fields that changed.

A claim found in an article is the article's own words: its text is always the text at
its span. An edit that moves the text finds it in the article (nearest to where it was);
an edit of the span takes the words there; an edit of both must agree. Anything else is
refused with a message, and nothing is written.

Who may edit a claim, and when, is the review workflow's rule: the caller
(reviews.services.update_claim) locks the claim, checks the actor's right, and hands the
locked row here inside its transaction.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import Q

from claims.models import Claim, Claimant, ClaimEmbedding, SimilarClaim, SimilarityWord
from claims.services.inputs import ClaimsError

# An argument left out: "leave this as it is" (None means "clear it" for claimant/date).
UNCHANGED = ...


def _nearest(body: str, text: str, near: int) -> tuple[int, int] | None:
    """The occurrence of `text` in `body` that starts nearest to `near`, or None."""
    best, start = None, body.find(text)
    while start >= 0:
        if best is None or abs(start - near) < abs(best - near):
            best = start
        start = body.find(text, start + 1)
    return None if best is None else (best, best + len(text))


def _new_span(claim: Claim, text: str | None, span: tuple[int, int] | None) -> tuple[str, int, int]:
    """The text and span of an article's claim after an edit, or a refusal."""
    body = claim.article.body
    if span is not None:
        start, end = span
        if not (0 <= start < end <= len(body)):
            raise ClaimsError(
                f"Characters {start}–{end} are not a span of the article "
                f"(it has {len(body)} characters, and the span must not be empty).",
                field="span",
            )
        words = body[start:end]
        if not words.strip():
            raise ClaimsError(f"Characters {start}–{end} of the article are blank.", field="span")
        if text is not None and text != words:
            raise ClaimsError(
                f"The text is not the article's words at characters {start}–{end} "
                f"(they read “{words[:80]}”): change one of the two, not both differently.",
                field="text",
            )
        return words, start, end
    found = _nearest(body, text, claim.span_start)
    if found is None:
        raise ClaimsError(
            "A claim found in an article is the article's own words, and these are not in "
            "it: correct the text to words of the article (or dismiss this claim and add "
            "the passage that says it).",
            field="text",
        )
    return text, *found


@transaction.atomic
def edit_claim(
    *,
    claim: Claim,
    actor,
    text: str | None = None,
    span: tuple[int, int] | None = None,
    claimant: Claimant | type[...] | None = UNCHANGED,
    claim_date: date | type[...] | None = UNCHANGED,
) -> list[str]:
    """Correct a locked claim's text, span, claimant or date; the fields that changed.

    Saves the claim with its version bumped and a history row naming `actor` and the
    fields ("edited: text, span"); when the words changed, drops the claim's vector, word
    rows and undecided links (claims.similarity) and queues its linking again, which makes
    them from the new words.
    """
    if text is not None:
        text = text.strip()
        if not text:
            raise ClaimsError("The claim text is empty.", field="text")
    changes: dict[str, object] = {}
    if claim.article_id is not None:
        if text is not None or span is not None:
            if span is None and text == claim.text:
                new = (claim.text, claim.span_start, claim.span_end)
            else:
                new = _new_span(claim, text, span)
            for name, value in zip(("text", "span_start", "span_end"), new, strict=True):
                if getattr(claim, name) != value:
                    changes[name] = value
    else:
        if span is not None:
            raise ClaimsError(
                "This claim did not come from an article, so it has no span to change.",
                field="span",
            )
        if text is not None and text != claim.text:
            changes["text"] = text
    if "span_start" in changes or "span_end" in changes:
        taken = (
            Claim.objects.filter(
                article_id=claim.article_id,
                span_start=changes.get("span_start", claim.span_start),
                span_end=changes.get("span_end", claim.span_end),
            )
            .exclude(pk=claim.pk)
            .values_list("pk", flat=True)
            .first()
        )
        if taken is not None:
            raise ClaimsError(f"Claim #{taken} is already that span of the article.", field="span")
    if claimant is not UNCHANGED and getattr(claimant, "pk", None) != claim.claimant_id:
        changes["claimant"] = claimant
    if claim_date is not UNCHANGED and claim_date != claim.claim_date:
        changes["claim_date"] = claim_date
    if not changes:
        return []
    for name, value in changes.items():
        setattr(claim, name, value)
    claim.version += 1
    named = ["span" if n in ("span_start", "span_end") else n for n in changes]
    claim._history_user = actor
    claim._change_reason = "edited: " + ", ".join(dict.fromkeys(named))
    claim.save(update_fields=[*changes, "version", "updated_at"])
    if "text" in changes:
        from claims.tasks import queue_linking

        # The vector, the word rows and the links not yet decided were made from the old
        # words: kept, the claim would go on being matched as what it no longer says.
        # Linking makes them again; a link an editor confirmed or rejected stays.
        ClaimEmbedding.objects.filter(claim_id=claim.pk).delete()
        SimilarityWord.objects.filter(claim_id=claim.pk).delete()
        SimilarClaim.objects.filter(
            Q(from_claim_id=claim.pk) | Q(to_claim_id=claim.pk),
            decision=SimilarClaim.Decision.PENDING,
        ).delete()
        queue_linking([claim.pk])
    return list(changes)
