"""The workflow's steps: the one path of a claim's status change.

Each step locks the claim, checks the guards its row in reviews.workflow declares (the
permission, the from-state, who may take it, four eyes, a required comment), runs its
effect, and moves the claim to the row's to-state with one Transition row, all in one
transaction; its side effects are queued after commit. A refused step raises a
WorkflowError (or a subclass) with a message a reviewer understands; nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from claims.models import Claim
from factcheck.outbox import enqueue
from reviews.errors import Incomplete, InvalidInput, NotPermitted, WorkflowError
from reviews.models import Transition, Verdict
from reviews.selectors import is_assignable
from reviews.services.common import (
    has_perm,
    lock,
    move,
    open_verdict,
    record_history,
    require_text,
)
from reviews.workflow import WORKFLOW, Step

Status = Claim.Status
Action = Transition.Action


def _proposer(claim: Claim) -> int | None:
    """Who proposed the claim's proposed verdict (from the prefetched `verdicts`)."""
    proposed = [v for v in claim.verdicts.all() if v.state == Verdict.State.PROPOSED]
    return proposed[0].proposed_by_id if proposed else None


def is_open_to(step: Step, user: AbstractBaseUser, claim: Claim) -> bool:
    """May `user` take `step` on `claim` now, as far as the table's guards tell?

    Rules that need input (a reason, a complete verdict, a valid assignee) are checked
    when the step is taken."""
    if claim.status not in step.sources or not has_perm(user, step.permission):
        return False
    return _open_by_claim(step, user, claim)


def _open_by_claim(step: Step, user: AbstractBaseUser, claim: Claim) -> bool:
    """The guards of `step` that depend on the claim, the permission aside."""
    if claim.status not in step.sources:
        return False
    if step.unassigned_only and claim.assignee_id is not None:
        return False
    if step.assignee_only and claim.assignee_id != user.pk:
        return False
    if step.four_eyes:
        proposer = _proposer(claim)
        if proposer is None or proposer == user.pk:
            return False
    if step.needs_published_verdict and not _stands(claim):
        return False
    return not (step.refused_with_published_verdict and _stands(claim))


def _stands(claim: Claim) -> bool:
    """Does a published verdict stand (from the prefetched `verdicts` where present)?"""
    if not claim.is_public:
        return False
    return any(v.state == Verdict.State.APPROVED for v in claim.verdicts.all())


def available_actions(user: AbstractBaseUser, claim: Claim) -> list[str]:
    """The workflow actions this user may take on this claim now (for buttons and the API).

    Uses the claim's prefetched `verdicts` where present."""
    return [action for action, step in WORKFLOW.items() if is_open_to(step, user, claim)]


def actions_checker(user: AbstractBaseUser) -> Callable[[Claim], list[str]]:
    """`available_actions` for a list of claims: the user's permissions are asked once,
    not for every claim (a tenth of the cost of a page of 100)."""
    steps = [(a, step) for a, step in WORKFLOW.items() if has_perm(user, step.permission)]

    def actions(claim: Claim) -> list[str]:
        return [action for action, step in steps if _open_by_claim(step, user, claim)]

    return actions


@dataclass
class Begun:
    """A step whose guards passed: the locked claim, the cleaned comment and (for
    four-eyes steps) the proposed verdict."""

    step: Step
    claim: Claim
    comment: str
    proposed: Verdict | None = None


def _proposed_verdict(claim: Claim) -> Verdict:
    verdict = claim.verdicts.filter(state=Verdict.State.PROPOSED).first()
    if verdict is None:  # only reachable if the data was changed behind the services
        raise WorkflowError("This claim has no proposed verdict.", claim=claim)
    return verdict


def _begin(
    action: str,
    *,
    claim_id: int,
    actor: AbstractBaseUser,
    expected_version: int | None,
    comment: str = "",
) -> Begun:
    """Lock the claim and check the guards of the action's row, in the table's order."""
    step = WORKFLOW[action]
    claim = lock(claim_id, expected_version)
    if not has_perm(actor, step.permission):
        raise NotPermitted(step.permission_message, claim=claim)
    if claim.status not in step.sources:
        raise WorkflowError(
            f"Cannot {step.doing}: the claim is {claim.get_status_display().lower()}.",
            claim=claim,
        )
    if step.assignee_only and claim.assignee_id != actor.pk:
        raise NotPermitted(step.assignee_only, claim=claim)
    proposed = None
    if step.four_eyes:
        proposed = _proposed_verdict(claim)
        if proposed.proposed_by_id == actor.pk:
            raise NotPermitted(step.four_eyes, claim=claim)
    if step.needs_published_verdict and not _stands(claim):
        raise WorkflowError(step.needs_published_verdict, claim=claim)
    if step.refused_with_published_verdict and _stands(claim):
        raise WorkflowError(step.refused_with_published_verdict, claim=claim)
    if step.comment_required:
        comment = require_text(comment, step.comment_required, claim)
    return Begun(step, claim, comment, proposed)


def _finish(
    begun: Begun,
    *,
    actor: AbstractBaseUser,
    comment: str | None = None,
    verdict: Verdict | None = None,
    assignee: AbstractBaseUser | None = None,
    fields: tuple[str, ...] = (),
) -> Claim:
    """Move the claim to the row's to-state and write its one transition row."""
    move(
        begun.claim,
        action=begun.step.action,
        to=begun.step.target,
        actor=actor,
        comment=begun.comment if comment is None else comment,
        verdict=verdict,
        assignee=assignee,
        fields=fields,
    )
    return begun.claim


# -- the effects: what each step does beyond the table's guards -------------------------


@transaction.atomic
def take(*, claim_id: int, actor: AbstractBaseUser, expected_version: int | None = None) -> Claim:
    """A reviewer takes an unassigned claim for review."""
    begun = _begin(Action.TAKE, claim_id=claim_id, actor=actor, expected_version=expected_version)
    claim = begun.claim
    if claim.assignee_id is not None:
        if claim.assignee_id == actor.pk:
            raise WorkflowError("You have already taken this claim.", claim=claim)
        raise WorkflowError(
            f"Cannot take this claim: it is {claim.get_status_display().lower()} and already "
            f"assigned to {claim.assignee}.",
            claim=claim,
        )
    claim.assignee = actor
    return _finish(begun, actor=actor, assignee=actor, fields=("assignee",))


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
    begun = _begin(
        Action.ASSIGN,
        claim_id=claim_id,
        actor=actor,
        expected_version=expected_version,
        comment=comment,
    )
    claim = begun.claim
    if assignee is None or not is_assignable(assignee):
        raise InvalidInput(
            f"{assignee or 'Nobody'} cannot review claims: assign it to a reviewer or editor.",
            claim=claim,
            field="assignee",
        )
    if claim.assignee_id == assignee.pk and claim.status == Status.IN_REVIEW:
        raise WorkflowError(f"This claim is already assigned to {assignee}.", claim=claim)
    claim.assignee = assignee
    _finish(begun, actor=actor, assignee=assignee, fields=("assignee",))
    if assignee.pk != actor.pk:
        # An outbox message in this transaction: sent after commit, whatever the broker.
        enqueue("reviews.tasks.notify_assignment", claim_id=claim.pk, user_id=assignee.pk)
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
    begun = _begin(
        Action.DISMISS,
        claim_id=claim_id,
        actor=actor,
        expected_version=expected_version,
        comment=reason,
    )
    claim = begun.claim
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
    return _finish(begun, actor=actor, fields=fields)


@transaction.atomic
def restore(
    *,
    claim_id: int,
    actor: AbstractBaseUser,
    comment: str = "",
    expected_version: int | None = None,
) -> Claim:
    """An editor brings a dismissed claim back as new and unassigned."""
    begun = _begin(
        Action.RESTORE,
        claim_id=claim_id,
        actor=actor,
        expected_version=expected_version,
        comment=comment,
    )
    begun.claim.assignee = None
    begun.claim.duplicate_of = None
    return _finish(begun, actor=actor, fields=("assignee", "duplicate_of"))


@transaction.atomic
def propose(
    *,
    claim_id: int,
    actor: AbstractBaseUser,
    comment: str = "",
    expected_version: int | None = None,
) -> Claim:
    """The assignee puts the draft verdict forward for an editor's approval."""
    begun = _begin(
        Action.PROPOSE,
        claim_id=claim_id,
        actor=actor,
        expected_version=expected_version,
        comment=comment,
    )
    claim = begun.claim
    verdict = open_verdict(claim)
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
    record_history(verdict, actor, "proposed")
    verdict.save(update_fields=["state", "proposed_by", "proposed_at", "updated_at"])
    return _finish(begun, actor=actor, verdict=verdict)


@transaction.atomic
def send_back(
    *,
    claim_id: int,
    actor: AbstractBaseUser,
    comment: str,
    expected_version: int | None = None,
) -> Claim:
    """An editor returns a proposal to its reviewer with a comment."""
    begun = _begin(
        Action.SEND_BACK,
        claim_id=claim_id,
        actor=actor,
        expected_version=expected_version,
        comment=comment,
    )
    verdict = begun.proposed
    verdict.state = Verdict.State.DRAFT
    record_history(verdict, actor, "sent back")
    verdict.save(update_fields=["state", "updated_at"])
    return _finish(begun, actor=actor, verdict=verdict)


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
    begun = _begin(
        Action.PUBLISH,
        claim_id=claim_id,
        actor=actor,
        expected_version=expected_version,
        comment=comment,
    )
    claim, verdict = begun.claim, begun.proposed
    previous = claim.verdicts.filter(state=Verdict.State.APPROVED).first()
    withdrawn = claim.verdicts.filter(state=Verdict.State.WITHDRAWN).exists()
    if previous is not None or withdrawn:
        note = (correction_note or verdict.correction_note).strip()
        if not note:
            raise InvalidInput(
                "This claim was published before: say what changed in a correction note.",
                claim=claim,
                field="correction_note",
            )
        # The old verdict stays, marked superseded, before the new one takes its place
        # (the database allows one approved verdict per claim).
        if previous is not None:
            previous.state = Verdict.State.SUPERSEDED
            record_history(previous, actor, "superseded")
            previous.save(update_fields=["state", "updated_at"])
            verdict.supersedes = previous
        verdict.correction_note = note
    verdict.state = Verdict.State.APPROVED
    verdict.approver = actor
    verdict.approved_at = timezone.now()
    record_history(verdict, actor, "approved")
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
    claim.is_public = True
    claim.under_review_since = None
    return _finish(
        begun,
        actor=actor,
        comment=comment or verdict.correction_note,
        verdict=verdict,
        fields=("is_public", "under_review_since"),
    )


@transaction.atomic
def reopen(
    *,
    claim_id: int,
    actor: AbstractBaseUser,
    reason: str,
    expected_version: int | None = None,
) -> Claim:
    """An editor reopens a published claim; the next publish must carry a correction note."""
    begun = _begin(
        Action.REOPEN,
        claim_id=claim_id,
        actor=actor,
        expected_version=expected_version,
        comment=reason,
    )
    # The verdict being reconsidered: it stays approved (and public) until the correction
    # is published.
    approved = begun.claim.verdicts.filter(state=Verdict.State.APPROVED).first()
    # Marked on the page, in the API and in ClaimReview until the correction is out.
    begun.claim.under_review_since = timezone.now()
    return _finish(begun, actor=actor, verdict=approved, fields=("under_review_since",))


@transaction.atomic
def withdraw(
    *,
    claim_id: int,
    actor: AbstractBaseUser,
    note: str,
    expected_version: int | None = None,
) -> Claim:
    """An editor withdraws a published verdict with a public note, shown on the page where
    the verdict was; the claim is set aside (dismissed). A correction being drafted stays
    a draft: restoring the claim later takes it up again."""
    begun = _begin(
        Action.WITHDRAW,
        claim_id=claim_id,
        actor=actor,
        expected_version=expected_version,
        comment=note,
    )
    claim = begun.claim
    verdict = claim.verdicts.get(state=Verdict.State.APPROVED)
    verdict.state = Verdict.State.WITHDRAWN
    verdict.withdrawal_note = begun.comment
    verdict.withdrawn_at = timezone.now()
    record_history(verdict, actor, "withdrawn")
    verdict.save(update_fields=["state", "withdrawal_note", "withdrawn_at", "updated_at"])
    # A proposed correction goes back to draft: nothing is proposed on a dismissed claim.
    claim.verdicts.filter(state=Verdict.State.PROPOSED).update(state=Verdict.State.DRAFT)
    claim.under_review_since = None
    return _finish(begun, actor=actor, verdict=verdict, fields=("under_review_since",))


# The effect of each row of the table. A row without one fails here, at import.
EFFECTS: dict[str, Callable[..., Claim]] = {
    Action.TAKE: take,
    Action.ASSIGN: assign,
    Action.DISMISS: dismiss,
    Action.RESTORE: restore,
    Action.PROPOSE: propose,
    Action.SEND_BACK: send_back,
    Action.PUBLISH: publish,
    Action.REOPEN: reopen,
    Action.WITHDRAW: withdraw,
}
if set(EFFECTS) != set(WORKFLOW):  # pragma: no cover - a programming error
    raise ImportError(f"Workflow rows without effects: {set(WORKFLOW) ^ set(EFFECTS)}")


def perform(
    action: str,
    *,
    claim_id: int,
    actor: AbstractBaseUser,
    expected_version: int | None = None,
    **given: object,
) -> Claim:
    """Run a workflow action by name, as the API, pages and admin receive it: `given` holds
    the inputs by the names they are sent under (reviews.workflow.INPUTS); each action is
    handed those its row takes."""
    step = WORKFLOW.get(action)
    if step is None:
        raise InvalidInput(
            f"Unknown action {action!r}: use one of {', '.join(WORKFLOW)}.", field="action"
        )
    # An input not sent is blank text or no object: the effect then refuses it in its own
    # words when it is required (a reason, an assignee).
    inputs = {
        param: given.get(name) if name in ("assignee", "duplicate_of") else given.get(name) or ""
        for name, param in step.inputs.items()
    }
    return EFFECTS[action](
        claim_id=claim_id, actor=actor, expected_version=expected_version, **inputs
    )
