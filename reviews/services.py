"""The review workflow: every status change, evidence and verdict write goes through here.

Each workflow action locks the claim, checks its state, the actor's right and the rule,
writes the change and one Transition row in one transaction, and queues its side effects
after commit. A refused action raises WorkflowError (or a subclass) with a message a
reviewer understands; nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from claims.models import Claim, Claimant
from factcheck.errors import DomainError
from reviews.models import Evidence, Rating, Transition, Verdict

Status = Claim.Status
Action = Transition.Action


class WorkflowError(DomainError):
    """A refused workflow step or edit: the claim's state does not allow it (409)."""

    code = "conflict"
    http_status = 409

    def __init__(self, message: str, *, claim: Claim | None = None, field: str | None = None):
        super().__init__(message, field=field)
        self.status = claim.status if claim is not None else None
        self.current_version = claim.version if claim is not None else None

    @property
    def fields(self) -> dict[str, list[str]]:
        # A state conflict is about the claim, not about a field the client sent.
        return {}


class NotPermitted(WorkflowError):
    """The actor has no right to do this (to this claim)."""

    code = "permission_denied"
    http_status = 403


class StaleVersion(WorkflowError):
    """The actor acted on an older copy of the claim than the one stored."""

    code = "stale_version"
    http_status = 412

    def extra(self) -> dict[str, object]:
        return {"current_version": self.current_version}


class InvalidInput(WorkflowError):
    """A required reason, comment or field the client sends is missing or wrong (400)."""

    code = "invalid"
    http_status = 400

    @property
    def fields(self) -> dict[str, list[str]]:
        return {self.field: [self.message]} if self.field else {}


class Incomplete(InvalidInput):
    """The claim itself lacks what the step needs (no evidence yet, no complete verdict).

    Not the request's fault: the same request succeeds once the claim is completed, so it
    is a conflict with the claim's state (409), on every interface.
    """

    http_status = 409


# -- rights -----------------------------------------------------------------------------


def _has(user: AbstractBaseUser, perm: str) -> bool:
    return bool(user and user.is_active and user.has_perm(f"reviews.{perm}"))


def can_work_on(user: AbstractBaseUser, claim: Claim) -> bool:
    """May this user add or change evidence and the verdict draft of this claim now?"""
    if claim.status == Status.IN_REVIEW and claim.assignee_id == user.pk:
        return _has(user, "propose_verdict")
    # A proposal is frozen while it waits for a second pair of eyes: evidence that changed
    # under it would be approved unseen, so it must be sent back before it changes.
    return claim.status in (Status.NEW, Status.IN_REVIEW) and _has(user, "edit_any_claim")


def available_actions(user: AbstractBaseUser, claim: Claim) -> list[str]:
    """The workflow actions this user may take on this claim now (for buttons and the API).

    Uses the claim's prefetched `verdicts` where present; rules that need input (a reason,
    a complete verdict) are checked when the action is taken.
    """
    actions = []
    s = claim.status
    if s in (Status.NEW, Status.IN_REVIEW):
        if _has(user, "take_claim") and claim.assignee_id is None:
            actions.append(Action.TAKE)
        if _has(user, "assign_claim"):
            actions.append(Action.ASSIGN)
        if _has(user, "dismiss_claim"):
            actions.append(Action.DISMISS)
    if s == Status.DISMISSED and _has(user, "dismiss_claim"):
        actions.append(Action.RESTORE)
    if s == Status.IN_REVIEW and claim.assignee_id == user.pk and _has(user, "propose_verdict"):
        actions.append(Action.PROPOSE)
    if s == Status.PROPOSED and _has(user, "review_verdict"):
        proposed = [v for v in claim.verdicts.all() if v.state == Verdict.State.PROPOSED]
        if proposed and proposed[0].proposed_by_id != user.pk:
            actions += [Action.SEND_BACK, Action.PUBLISH]
    if s == Status.PUBLISHED and _has(user, "reopen_claim"):
        actions.append(Action.REOPEN)
    return [str(a) for a in actions]


# -- the machinery every action shares ---------------------------------------------------


def _lock(claim_id: int, expected_version: int | None) -> Claim:
    try:
        claim = Claim.objects.select_for_update().get(pk=claim_id)
    except Claim.DoesNotExist:
        raise InvalidInput(f"There is no claim #{claim_id}.") from None
    if expected_version is not None and expected_version != claim.version:
        raise StaleVersion(
            f"This claim has changed since you loaded it (your copy is version "
            f"{expected_version}, the current one is {claim.version}). Reload and try again.",
            claim=claim,
        )
    return claim


def _require_state(claim: Claim, allowed: tuple[str, ...], doing: str) -> None:
    if claim.status not in allowed:
        raise WorkflowError(
            f"Cannot {doing}: the claim is {claim.get_status_display().lower()}.", claim=claim
        )


def _require_perm(user: AbstractBaseUser, perm: str, claim: Claim, message: str) -> None:
    if not _has(user, perm):
        raise NotPermitted(message, claim=claim)


def _require_text(value: str, what: str, claim: Claim) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(f"{what} is required.", claim=claim, field="comment")
    return value


def _move(
    claim: Claim,
    *,
    action: str,
    to: str,
    actor: AbstractBaseUser,
    comment: str = "",
    verdict: Verdict | None = None,
    assignee: AbstractBaseUser | None = None,
    fields: tuple[str, ...] = (),
) -> Transition:
    from_status = claim.status
    claim.status = to
    claim.version += 1
    _record_history(claim, actor, action)
    claim.save(update_fields=["status", "version", "updated_at", *fields])
    return Transition.objects.create(
        claim=claim,
        action=action,
        from_status=from_status,
        to_status=to,
        actor=actor,
        comment=comment,
        verdict=verdict,
        assignee=assignee,
    )


def _record_history(obj: Claim | Evidence | Verdict, actor: AbstractBaseUser, reason: str) -> None:
    # simple_history takes the user from the request middleware, which commands, tasks and
    # tests do not have: name the actor and the step on the row itself.
    obj._history_user = actor
    obj._change_reason = reason


def _open_verdict(claim: Claim) -> Verdict | None:
    return claim.verdicts.filter(state__in=[Verdict.State.DRAFT, Verdict.State.PROPOSED]).first()


def _after_commit(fn: Callable[[], object]) -> None:
    # robust: the write is committed by now; a side effect that fails (no network for an
    # in-process archive fetch, a mail server down, a broker away) is logged by Django and
    # must not turn the committed step into an error for the person who took it.
    transaction.on_commit(fn, robust=True)


# -- the actions ------------------------------------------------------------------------


@transaction.atomic
def take(*, claim_id: int, actor: AbstractBaseUser, expected_version: int | None = None) -> Claim:
    """A reviewer takes an unassigned claim for review."""
    claim = _lock(claim_id, expected_version)
    _require_perm(actor, "take_claim", claim, "You do not have the right to take claims.")
    _require_state(claim, (Status.NEW, Status.IN_REVIEW), "take this claim")
    if claim.assignee_id is not None:
        if claim.assignee_id == actor.pk:
            raise WorkflowError("You have already taken this claim.", claim=claim)
        raise WorkflowError(
            f"Cannot take this claim: it is {claim.get_status_display().lower()} and already "
            f"assigned to {claim.assignee}.",
            claim=claim,
        )
    claim.assignee = actor
    _move(
        claim,
        action=Action.TAKE,
        to=Status.IN_REVIEW,
        actor=actor,
        assignee=actor,
        fields=("assignee",),
    )
    return claim


@transaction.atomic
def assign(
    *,
    claim_id: int,
    actor: AbstractBaseUser,
    assignee: AbstractBaseUser,
    comment: str = "",
    expected_version: int | None = None,
) -> Claim:
    """An editor assigns a claim to a reviewer (or reassigns it)."""
    claim = _lock(claim_id, expected_version)
    _require_perm(actor, "assign_claim", claim, "Only an editor can assign claims.")
    _require_state(claim, (Status.NEW, Status.IN_REVIEW), "assign this claim")
    if assignee is None or not _has(assignee, "propose_verdict"):
        raise InvalidInput(
            f"{assignee or 'Nobody'} cannot review claims: assign it to a reviewer or editor.",
            claim=claim,
            field="assignee",
        )
    if claim.assignee_id == assignee.pk and claim.status == Status.IN_REVIEW:
        raise WorkflowError(f"This claim is already assigned to {assignee}.", claim=claim)
    claim.assignee = assignee
    _move(
        claim,
        action=Action.ASSIGN,
        to=Status.IN_REVIEW,
        actor=actor,
        comment=comment,
        assignee=assignee,
        fields=("assignee",),
    )
    if assignee.pk != actor.pk:
        from reviews.tasks import notify_assignment

        claim_pk, user_pk = claim.pk, assignee.pk
        _after_commit(lambda: notify_assignment.delay(claim_pk, user_pk))
    return claim


@transaction.atomic
def dismiss(
    *,
    claim_id: int,
    actor: AbstractBaseUser,
    reason: str,
    duplicate_of: int | None = None,
    expected_version: int | None = None,
) -> Claim:
    """An editor sets a claim aside: not checkable, opinion, or a duplicate."""
    claim = _lock(claim_id, expected_version)
    _require_perm(actor, "dismiss_claim", claim, "Only an editor can dismiss claims.")
    _require_state(claim, (Status.NEW, Status.IN_REVIEW), "dismiss this claim")
    reason = _require_text(reason, "A reason for dismissing", claim)
    fields: tuple[str, ...] = ()
    if duplicate_of is not None:
        if duplicate_of == claim.pk or not Claim.objects.filter(pk=duplicate_of).exists():
            raise InvalidInput(
                f"Claim #{duplicate_of} cannot be the original of this one.",
                claim=claim,
                field="duplicate_of",
            )
        claim.duplicate_of_id = duplicate_of
        fields = ("duplicate_of",)
    _move(
        claim,
        action=Action.DISMISS,
        to=Status.DISMISSED,
        actor=actor,
        comment=reason,
        fields=fields,
    )
    return claim


@transaction.atomic
def restore(
    *,
    claim_id: int,
    actor: AbstractBaseUser,
    comment: str = "",
    expected_version: int | None = None,
) -> Claim:
    """An editor brings a dismissed claim back as new and unassigned."""
    claim = _lock(claim_id, expected_version)
    _require_perm(actor, "dismiss_claim", claim, "Only an editor can restore claims.")
    _require_state(claim, (Status.DISMISSED,), "restore this claim")
    claim.assignee = None
    claim.duplicate_of = None
    _move(
        claim,
        action=Action.RESTORE,
        to=Status.NEW,
        actor=actor,
        comment=comment,
        fields=("assignee", "duplicate_of"),
    )
    return claim


@transaction.atomic
def propose(
    *,
    claim_id: int,
    actor: AbstractBaseUser,
    comment: str = "",
    expected_version: int | None = None,
) -> Claim:
    """The assignee puts the draft verdict forward for an editor's approval."""
    claim = _lock(claim_id, expected_version)
    _require_perm(actor, "propose_verdict", claim, "You do not have the right to propose verdicts.")
    _require_state(claim, (Status.IN_REVIEW,), "propose a verdict")
    if claim.assignee_id != actor.pk:
        raise NotPermitted(
            "Only the reviewer this claim is assigned to can propose its verdict.", claim=claim
        )
    verdict = _open_verdict(claim)
    if verdict is None:
        raise Incomplete(
            "Write a verdict (rating, summary, rationale) before proposing.",
            claim=claim,
            field="verdict",
        )
    if not (verdict.summary.strip() and verdict.rationale.strip()):
        raise Incomplete(
            "The verdict needs a summary and a rationale before it is proposed.",
            claim=claim,
            field="verdict",
        )
    if not claim.evidence.exists():
        raise Incomplete(
            "Add at least one evidence record before proposing a verdict.",
            claim=claim,
            field="evidence",
        )
    verdict.state = Verdict.State.PROPOSED
    verdict.proposed_by = actor
    verdict.proposed_at = timezone.now()
    _record_history(verdict, actor, "proposed")
    verdict.save(update_fields=["state", "proposed_by", "proposed_at", "updated_at"])
    _move(
        claim,
        action=Action.PROPOSE,
        to=Status.PROPOSED,
        actor=actor,
        comment=comment,
        verdict=verdict,
    )
    return claim


def _proposed_verdict(claim: Claim) -> Verdict:
    verdict = claim.verdicts.filter(state=Verdict.State.PROPOSED).first()
    if verdict is None:  # only reachable if the data was changed behind the services
        raise WorkflowError("This claim has no proposed verdict.", claim=claim)
    return verdict


@transaction.atomic
def send_back(
    *,
    claim_id: int,
    actor: AbstractBaseUser,
    comment: str,
    expected_version: int | None = None,
) -> Claim:
    """An editor returns a proposal to its reviewer with a comment."""
    claim = _lock(claim_id, expected_version)
    _require_perm(actor, "review_verdict", claim, "Only an editor can send a verdict back.")
    _require_state(claim, (Status.PROPOSED,), "send this claim back")
    verdict = _proposed_verdict(claim)
    if verdict.proposed_by_id == actor.pk:
        raise NotPermitted(
            "A verdict cannot be sent back by the person who proposed it.", claim=claim
        )
    comment = _require_text(comment, "A comment for the reviewer", claim)
    verdict.state = Verdict.State.DRAFT
    _record_history(verdict, actor, "sent back")
    verdict.save(update_fields=["state", "updated_at"])
    _move(
        claim,
        action=Action.SEND_BACK,
        to=Status.IN_REVIEW,
        actor=actor,
        comment=comment,
        verdict=verdict,
    )
    return claim


@transaction.atomic
def publish(
    *,
    claim_id: int,
    actor: AbstractBaseUser,
    comment: str = "",
    correction_note: str = "",
    expected_version: int | None = None,
) -> Claim:
    """An editor other than the proposer approves the verdict and publishes the claim."""
    claim = _lock(claim_id, expected_version)
    _require_perm(actor, "review_verdict", claim, "Only an editor can publish a verdict.")
    _require_state(claim, (Status.PROPOSED,), "publish this claim")
    verdict = _proposed_verdict(claim)
    if verdict.proposed_by_id == actor.pk:
        raise NotPermitted(
            "A verdict cannot be published by the person who proposed it.", claim=claim
        )
    previous = claim.verdicts.filter(state=Verdict.State.APPROVED).first()
    now = timezone.now()
    if previous is not None:
        note = (correction_note or verdict.correction_note).strip()
        if not note:
            raise InvalidInput(
                "This claim was published before: say what changed in a correction note.",
                claim=claim,
                field="correction_note",
            )
        # The old verdict stays, marked superseded, before the new one takes its place
        # (the database allows one approved verdict per claim).
        previous.state = Verdict.State.SUPERSEDED
        _record_history(previous, actor, "superseded")
        previous.save(update_fields=["state", "updated_at"])
        verdict.supersedes = previous
        verdict.correction_note = note
    verdict.state = Verdict.State.APPROVED
    verdict.approver = actor
    verdict.approved_at = now
    _record_history(verdict, actor, "approved")
    verdict.save(
        update_fields=[
            "state",
            "approver",
            "approved_at",
            "supersedes",
            "correction_note",
            "updated_at",
        ]
    )
    _move(
        claim,
        action=Action.PUBLISH,
        to=Status.PUBLISHED,
        actor=actor,
        comment=comment or verdict.correction_note,
        verdict=verdict,
    )
    return claim


@transaction.atomic
def reopen(
    *,
    claim_id: int,
    actor: AbstractBaseUser,
    reason: str,
    expected_version: int | None = None,
) -> Claim:
    """An editor reopens a published claim; the next publish must carry a correction note."""
    claim = _lock(claim_id, expected_version)
    _require_perm(actor, "reopen_claim", claim, "Only an editor can reopen a published claim.")
    _require_state(claim, (Status.PUBLISHED,), "reopen this claim")
    reason = _require_text(reason, "A reason for reopening", claim)
    _move(
        claim,
        action=Action.REOPEN,
        to=Status.IN_REVIEW,
        actor=actor,
        comment=reason,
        # The verdict being reconsidered: it stays approved (and public) until the
        # correction is published.
        verdict=claim.verdicts.filter(state=Verdict.State.APPROVED).first(),
    )
    return claim


ACTIONS: dict[str, Callable[..., Claim]] = {
    Action.TAKE: take,
    Action.ASSIGN: assign,
    Action.DISMISS: dismiss,
    Action.RESTORE: restore,
    Action.PROPOSE: propose,
    Action.SEND_BACK: send_back,
    Action.PUBLISH: publish,
    Action.REOPEN: reopen,
}


def perform(
    action: str,
    *,
    claim_id: int,
    actor: AbstractBaseUser,
    comment: str = "",
    assignee: AbstractBaseUser | None = None,
    correction_note: str = "",
    duplicate_of: int | None = None,
    expected_version: int | None = None,
) -> Claim:
    """Run a workflow action by name, as the API, pages and admin receive it."""
    common = {"claim_id": claim_id, "actor": actor, "expected_version": expected_version}
    if action == Action.TAKE:
        return take(**common)
    if action == Action.ASSIGN:
        return assign(**common, assignee=assignee, comment=comment)
    if action == Action.DISMISS:
        return dismiss(**common, reason=comment, duplicate_of=duplicate_of)
    if action == Action.PUBLISH:
        return publish(**common, comment=comment, correction_note=correction_note)
    if action == Action.REOPEN:
        return reopen(**common, reason=comment)
    if action in ACTIONS:
        return ACTIONS[action](**common, comment=comment)
    raise InvalidInput(
        f"Unknown action {action!r}: use one of {', '.join(ACTIONS)}.", field="action"
    )


# -- evidence, verdicts and claim edits -------------------------------------------------


def check_can_work_on(*, actor: AbstractBaseUser, claim: Claim) -> None:
    """Raise the refusal `add_evidence` and friends would raise, without writing anything.

    For forms (the admin's) that want a refusal as a form error before they save.
    """
    if can_work_on(actor, claim):
        return
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
    raise NotPermitted(
        "Only the assigned reviewer or an editor can change this claim's evidence, "
        "verdict or text.",
        claim=claim,
    )


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
    claim = _lock(claim_id, expected_version)
    check_can_work_on(actor=actor, claim=claim)
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
    _record_history(evidence, actor, "added")
    evidence.save()
    if archive:
        _queue_archive(evidence.pk)
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
    _record_history(evidence, actor, "changed")
    evidence.save(update_fields=[*changed, "updated_at"])
    if url_changed:
        _queue_archive(evidence.pk)
    return evidence


@transaction.atomic
def remove_evidence(*, evidence_id: int, actor: AbstractBaseUser) -> None:
    """Delete an evidence record (its history keeps what it said)."""
    _lock_for_work(_evidence_claim_id(evidence_id), actor, None)
    evidence = Evidence.objects.get(pk=evidence_id)
    _record_history(evidence, actor, "removed")
    evidence.delete()


def _queue_archive(evidence_id: int) -> None:
    from reviews.tasks import archive_evidence

    _after_commit(lambda: archive_evidence.delay(evidence_id))


@transaction.atomic
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
    claim = _lock(claim_id, None)
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
    verdict = _open_verdict(claim)
    if verdict is None:
        verdict = Verdict(
            claim=claim,
            rating=rating,
            summary=summary,
            rationale=rationale,
            author=actor,
            correction_note=correction_note,
        )
        _record_history(verdict, actor, "drafted")
        verdict.save()
        return verdict
    # Only a draft reaches here: while a claim is in review its open verdict is a draft
    # (send_back turns a proposal back into one), so nothing proposed or approved changes.
    verdict.rating = rating
    verdict.summary = summary
    verdict.rationale = rationale
    verdict.correction_note = correction_note
    _record_history(verdict, actor, "draft changed")
    verdict.save(update_fields=["rating", "summary", "rationale", "correction_note", "updated_at"])
    return verdict


CLAIM_FIELDS = ("text", "claimant", "claim_date")


@transaction.atomic
def update_claim(
    *,
    claim_id: int,
    actor: AbstractBaseUser,
    expected_version: int | None = None,
    text: str | None = None,
    claimant: Claimant | type[...] | None = ...,
    claim_date: date | type[...] | None = ...,
) -> Claim:
    """Edit a claim's wording, claimant or date while it is open to this actor."""
    claim = _lock_for_work(claim_id, actor, expected_version)
    changed = []
    if text is not None:
        text = text.strip()
        if not text:
            raise InvalidInput("The claim text is empty.", claim=claim, field="text")
        if text != claim.text:
            if claim.article_id is not None:
                raise InvalidInput(
                    "The text of a claim found in an article is the article's own words; "
                    "dismiss it and select another span instead.",
                    claim=claim,
                    field="text",
                )
            claim.text = text
            changed.append("text")
    if claimant is not ... and claimant != claim.claimant:
        claim.claimant = claimant
        changed.append("claimant")
    if claim_date is not ... and claim_date != claim.claim_date:
        claim.claim_date = claim_date
        changed.append("claim_date")
    if changed:
        claim.version += 1
        _record_history(claim, actor, "edited")
        claim.save(update_fields=[*changed, "version", "updated_at"])
    return claim
