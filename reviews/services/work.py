"""Writes on a claim under review that are not status changes: evidence records, the
verdict draft, and edits of a claim's wording, claimant or date. Each is allowed while
the claim is open to the actor (services.common.can_work_on)."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from claims.models import Claim, Claimant
from claims.services import ClaimsError
from claims.services.corrections import edit_claim
from factcheck.outbox import enqueue
from reviews.contributions import CONTENT_FIELDS, VerdictContribution
from reviews.errors import InvalidInput, NotPermitted, WorkflowError
from reviews.models import Evidence, Rating, Verdict
from reviews.services.common import (
    can_work_on,
    check_version,
    has_perm,
    lock,
    open_verdict,
    record_history,
)

Status = Claim.Status

NOT_YOURS = (
    "Only the assigned reviewer or an editor can change this claim's evidence, verdict or text."
)


def check_can_work_on(*, actor: AbstractBaseUser, claim: Claim) -> None:
    """Raise the refusal `add_evidence` and friends would raise, without writing anything.

    For forms (the admin's) that want a refusal as a form error before they save.
    """
    if can_work_on(actor, claim):
        return
    # The right comes before the state: only someone who could work on the claim were it
    # open hears that it is not (a reviewer of another claim is told he may not).
    assigned = claim.assignee_id == actor.pk and has_perm(actor, "propose_verdict")
    if not (assigned or has_perm(actor, "edit_any_claim")):
        raise NotPermitted(NOT_YOURS, claim=claim)
    if claim.status in (Status.PUBLISHED, Status.DISMISSED):
        raise WorkflowError(
            f"This claim is {claim.get_status_display().lower()}: it cannot be changed "
            "unless an editor reopens or restores it.",
            claim=claim,
        )
    if claim.status == Status.PROPOSED:
        raise WorkflowError(
            "This claim's verdict is proposed and awaiting review: it cannot be changed "
            "unless an editor sends it back.",
            claim=claim,
        )
    raise NotPermitted(NOT_YOURS, claim=claim)


def check_can_draft_verdict(*, actor: AbstractBaseUser, claim: Claim) -> None:
    """Raise the refusal `save_verdict_draft` would raise for this actor and claim now."""
    check_can_work_on(actor=actor, claim=claim)
    if claim.status != Status.IN_REVIEW:
        raise WorkflowError(
            f"Verdicts are drafted while a claim is in review; this one is "
            f"{claim.get_status_display().lower()}.",
            claim=claim,
        )


def _lock_for_work(claim_id: int, actor: AbstractBaseUser, expected_version: int | None) -> Claim:
    claim = lock(claim_id, None)
    # Whether the actor may work on it at all comes before whether their copy is stale.
    check_can_work_on(actor=actor, claim=claim)
    check_version(claim, expected_version)
    return claim


def _evidence_claim_id(evidence_id: int) -> int:
    claim_id = Evidence.objects.filter(pk=evidence_id).values_list("claim_id", flat=True).first()
    if claim_id is None:
        raise InvalidInput(f"There is no evidence record #{evidence_id}.", field="evidence")
    return claim_id


EVIDENCE_FIELDS = ("url", "title", "publisher", "quote", "kind", "stance")


def _clean_evidence(fields: dict, claim: Claim) -> dict:
    unknown = set(fields) - set(EVIDENCE_FIELDS)
    if unknown:
        raise InvalidInput(f"Unknown evidence fields: {', '.join(sorted(unknown))}.", claim=claim)
    cleaned = {}
    for name, value in fields.items():
        if isinstance(value, str):
            value = value.strip()
        if name in ("url", "title") and not value:
            raise InvalidInput(f"Evidence needs a {name}.", claim=claim, field=name)
        # The model field's own validation: http(s) urls, lengths, the kind and stance
        # choices. Without it a bad value would reach the database as a 500.
        try:
            cleaned[name] = Evidence._meta.get_field(name).clean(value, None)
        except ValidationError as error:
            label = {"kind": "evidence kind", "stance": "stance"}.get(name, name)
            raise InvalidInput(
                f"The {label} is not valid: {' '.join(error.messages)}", claim=claim, field=name
            ) from None
    if "url" in cleaned and not cleaned["url"].lower().startswith(("http://", "https://")):
        raise InvalidInput(
            "Evidence urls start with http:// or https://.", claim=claim, field="url"
        )
    return cleaned


@transaction.atomic
def add_evidence(
    *,
    claim_id: int,
    actor: AbstractBaseUser,
    url: str,
    title: str,
    publisher: str = "",
    quote: str = "",
    kind: str = Evidence.Kind.OTHER,
    stance: str = Evidence.Stance.CONTEXT,
    archive: bool = True,
) -> Evidence:
    """Attach a source record to a claim and (unless told not to) queue its archiving."""
    claim = _lock_for_work(claim_id, actor, None)
    fields = _clean_evidence(
        {
            "url": url,
            "title": title,
            "publisher": publisher,
            "quote": quote,
            "kind": kind,
            "stance": stance,
        },
        claim,
    )
    evidence = Evidence(claim=claim, added_by=actor, **fields)
    record_history(evidence, actor, "added")
    evidence.save()
    if archive:
        queue_archive(evidence.pk)
    return evidence


@transaction.atomic
def update_evidence(*, evidence_id: int, actor: AbstractBaseUser, **fields) -> Evidence:
    """Change an evidence record while its claim is open to this actor."""
    claim = _lock_for_work(_evidence_claim_id(evidence_id), actor, None)
    fields = _clean_evidence(fields, claim)
    evidence = Evidence.objects.get(pk=evidence_id)
    changed = [name for name, value in fields.items() if getattr(evidence, name) != value]
    if not changed:
        return evidence
    url_changed = "url" in changed
    for name in changed:
        setattr(evidence, name, fields[name])
    extra = []
    if url_changed:
        # A new page to archive: the old copy's state says nothing about it.
        evidence.archive_state = Evidence.ArchiveState.PENDING
        evidence.archive_attempts = 0
        evidence.archive_error = ""
        extra = ["archive_state", "archive_attempts", "archive_error"]
    record_history(evidence, actor, "changed")
    evidence.save(update_fields=[*changed, *extra, "updated_at"])
    if url_changed:
        queue_archive(evidence.pk)
    return evidence


@transaction.atomic
def remove_evidence(*, evidence_id: int, actor: AbstractBaseUser) -> None:
    """Delete an evidence record (its history keeps what it said)."""
    _lock_for_work(_evidence_claim_id(evidence_id), actor, None)
    evidence = Evidence.objects.get(pk=evidence_id)
    record_history(evidence, actor, "removed")
    evidence.delete()


def queue_archive(evidence_id: int) -> None:
    """Queue the archive of an evidence page (an outbox message: it survives a broker that
    is down, and the fetch is retried with backoff)."""
    from django.conf import settings

    enqueue(
        "reviews.tasks.archive_evidence",
        key=f"archive:{evidence_id}",
        # One more than the archive's own attempts: the task marks the evidence failed
        # on its last one, and the message is then done.
        max_attempts=settings.FACTCHECK_ARCHIVE_MAX_ATTEMPTS + 1,
        evidence_id=evidence_id,
    )


@transaction.atomic
def retry_archive(*, evidence_id: int) -> bool:
    """An operator's retry of a failed archive: a fresh set of attempts. False when the
    evidence is not failed (archived, or pending already)."""
    updated = Evidence.objects.filter(
        pk=evidence_id, archive_state=Evidence.ArchiveState.FAILED
    ).update(archive_state=Evidence.ArchiveState.PENDING, archive_attempts=0)
    if updated:
        queue_archive(evidence_id)
    return bool(updated)


def save_verdict_draft(
    *,
    claim_id: int,
    actor: AbstractBaseUser,
    rating: Rating,
    summary: str,
    rationale: str,
    correction_note: str = "",
) -> Verdict:
    """Create or change the claim's draft verdict. Proposed and approved ones are frozen."""
    verdict, _ = draft_verdict(
        claim_id=claim_id,
        actor=actor,
        rating=rating,
        summary=summary,
        rationale=rationale,
        correction_note=correction_note,
    )
    return verdict


@transaction.atomic
def draft_verdict(
    *,
    claim_id: int,
    actor: AbstractBaseUser,
    rating: Rating,
    summary: str,
    rationale: str,
    correction_note: str = "",
) -> tuple[Verdict, bool]:
    """`save_verdict_draft`, telling (as get_or_create does) whether it created the draft:
    decided under the claim's row lock, so of concurrent first drafts exactly one did."""
    claim = lock(claim_id, None)
    check_can_draft_verdict(actor=actor, claim=claim)
    if not isinstance(rating, Rating):
        raise InvalidInput("Choose a rating for the verdict.", claim=claim, field="rating")
    summary, rationale = (summary or "").strip(), (rationale or "").strip()
    if not summary:
        raise InvalidInput("The verdict needs a summary.", claim=claim, field="summary")
    if not rationale:
        raise InvalidInput("The verdict needs a rationale.", claim=claim, field="rationale")
    if len(summary) > 300:
        raise InvalidInput(
            "The summary is longer than 300 characters.", claim=claim, field="summary"
        )
    correction_note = (correction_note or "").strip()
    verdict = open_verdict(claim)
    if verdict is None:
        verdict = Verdict(
            claim=claim,
            rating=rating,
            summary=summary,
            rationale=rationale,
            author=actor,
            correction_note=correction_note,
        )
        record_history(verdict, actor, "drafted")
        verdict.save()
        _record_contribution(verdict, actor, CONTENT_FIELDS)
        return verdict, True
    # Only a draft reaches here: while a claim is in review its open verdict is a draft
    # (send_back turns a proposal back into one), so nothing proposed or approved changes.
    before = {
        "rating": verdict.rating_id,
        "summary": verdict.summary,
        "rationale": verdict.rationale,
    }
    after = {"rating": rating.pk, "summary": summary, "rationale": rationale}
    changed = [name for name in CONTENT_FIELDS if before[name] != after[name]]
    verdict.rating = rating
    verdict.summary = summary
    verdict.rationale = rationale
    verdict.correction_note = correction_note
    record_history(verdict, actor, "draft changed")
    verdict.save(update_fields=["rating", "summary", "rationale", "correction_note", "updated_at"])
    _record_contribution(verdict, actor, changed)
    return verdict, False


def _record_contribution(verdict: Verdict, actor: AbstractBaseUser, fields) -> None:
    """Name `actor` among the verdict's contributors for `fields` (none: no contribution).

    Under the claim's row lock, so two saves of one verdict never race for the row."""
    if not fields:
        return
    now = timezone.now()
    contribution, created = VerdictContribution.objects.get_or_create(
        verdict=verdict,
        user=actor,
        defaults={"fields": list(fields), "first_at": now, "at": now},
    )
    if not created:
        known = set(contribution.fields) | set(fields)
        contribution.fields = [name for name in CONTENT_FIELDS if name in known]
        contribution.at = now
        contribution.save(update_fields=["fields", "at"])


CLAIM_FIELDS = ("text", "span", "claimant", "claim_date")


@transaction.atomic
def update_claim(
    *,
    claim_id: int,
    actor: AbstractBaseUser,
    expected_version: int | None = None,
    text: str | None = None,
    span: tuple[int, int] | None = None,
    claimant: Claimant | type[...] | None = ...,
    claim_date: date | type[...] | None = ...,
) -> Claim:
    """Correct a claim's wording, span, claimant or date while it is open to this actor
    (claims.services.corrections.edit_claim keeps the text a real span of its article and
    writes the history)."""
    claim = _lock_for_work(claim_id, actor, expected_version)
    try:
        edit_claim(
            claim=claim,
            actor=actor,
            text=text,
            span=span,
            claimant=claimant,
            claim_date=claim_date,
        )
    except ClaimsError as error:
        raise InvalidInput(error.message, claim=claim, field=error.field) from None
    return claim
