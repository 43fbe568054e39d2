"""The workflow's steps: the one path of a claim's status change.

Each step locks the claim, checks the guards its row in reviews.workflow declares (the
permission, the from-state, who may take it, four eyes, a required comment), runs its
effect, and moves the claim to the row's to-state with one Transition row, all in one
transaction; its side effects are queued after commit. A refused step raises a
WorkflowError (or a subclass) with a message a reviewer understands; nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from claims.models import Claim
from reviews.errors import Incomplete, InvalidInput, WorkflowError
from reviews.models import Transition, Verdict
from reviews.selectors import is_assignable
from reviews.services.common import open_verdict, record_history
from reviews.services.guards import begin, finish
from reviews.workflow import WORKFLOW

Status = Claim.Status
Action = Transition.Action


# -- the effects: what each step does beyond the table's guards -------------------------


@transaction.atomic
def take(*, claim_id: int, actor: AbstractBaseUser, expected_version: int | None = None) -> Claim:
    """A reviewer takes an unassigned claim for review."""
    begun = begin(Action.TAKE, claim_id=claim_id, actor=actor, expected_version=expected_version)
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
    return finish(begun, actor=actor, assignee=actor, fields=("assignee",))


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
    begun = begin(
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
    # The assignee is told (and mailed, as they chose) by the step's notification.
    finish(begun, actor=actor, assignee=assignee, fields=("assignee",))
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
    begun = begin(
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
    return finish(begun, actor=actor, fields=fields)


@transaction.atomic
def restore(
    *,
    claim_id: int,
    actor: AbstractBaseUser,
    comment: str = "",
    expected_version: int | None = None,
) -> Claim:
    """An editor brings a dismissed claim back as new and unassigned."""
    begun = begin(
        Action.RESTORE,
        claim_id=claim_id,
        actor=actor,
        expected_version=expected_version,
        comment=comment,
    )
    begun.claim.assignee = None
    begun.claim.duplicate_of = None
    return finish(begun, actor=actor, fields=("assignee", "duplicate_of"))


@transaction.atomic
def propose(
    *,
    claim_id: int,
    actor: AbstractBaseUser,
    comment: str = "",
    expected_version: int | None = None,
) -> Claim:
    """The assignee puts the draft verdict forward for an editor's approval."""
    begun = begin(
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
    return finish(begun, actor=actor, verdict=verdict)


@transaction.atomic
def send_back(
    *,
    claim_id: int,
    actor: AbstractBaseUser,
    comment: str,
    expected_version: int | None = None,
) -> Claim:
    """An editor returns a proposal to its reviewer with a comment."""
    begun = begin(
        Action.SEND_BACK,
        claim_id=claim_id,
        actor=actor,
        expected_version=expected_version,
        comment=comment,
    )
    return _back_to_draft(begun, actor, "sent back")


def _back_to_draft(begun, actor: AbstractBaseUser, note: str) -> Claim:
    """The proposed verdict is a draft again (sent back, or withdrawn by its proposer)."""
    verdict = begun.proposed
    verdict.state = Verdict.State.DRAFT
    record_history(verdict, actor, note)
    verdict.save(update_fields=["state", "updated_at"])
    return finish(begun, actor=actor, verdict=verdict)


@transaction.atomic
def withdraw_proposal(
    *,
    claim_id: int,
    actor: AbstractBaseUser,
    comment: str = "",
    expected_version: int | None = None,
) -> Claim:
    """The proposer takes a proposal back to review (to fix it before an editor sees it):
    the verdict is a draft again."""
    begun = begin(
        Action.WITHDRAW_PROPOSAL,
        claim_id=claim_id,
        actor=actor,
        expected_version=expected_version,
        comment=comment,
    )
    return _back_to_draft(begun, actor, "proposal withdrawn")


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
    begun = begin(
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
    _mail_readers_who_asked(claim)
    return finish(
        begun,
        actor=actor,
        comment=comment or verdict.correction_note,
        verdict=verdict,
        fields=("is_public", "under_review_since"),
    )


def _mail_readers_who_asked(claim: Claim) -> None:
    """The one mail to the readers who sent this claim and left an address (claims.
    submissions): an outbox message in the publication's transaction."""
    from claims.models import ReaderSubmission
    from factcheck.outbox import enqueue

    waiting = ReaderSubmission.objects.filter(claim=claim, notified_at__isnull=True).exclude(
        email=""
    )
    if waiting.exists():
        enqueue(
            "reviews.tasks.mail_reader_submitters",
            key=f"reader-mail:{claim.pk}",
            claim_id=claim.pk,
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
    begun = begin(
        Action.REOPEN,
        claim_id=claim_id,
        actor=actor,
        expected_version=expected_version,
        comment=reason,
    )
    claim = begun.claim
    # The verdict being reconsidered: it stays approved (and public) until the correction
    # is published.
    approved = claim.verdicts.filter(state=Verdict.State.APPROVED).first()
    if approved is not None and open_verdict(claim) is None:
        # The correction starts from what was published, not from an empty form.
        draft = Verdict(
            claim=claim,
            rating_id=approved.rating_id,
            summary=approved.summary,
            rationale=approved.rationale,
            author_id=claim.assignee_id or actor.pk,
        )
        record_history(draft, actor, "correction drafted from the published verdict")
        draft.save()
    # Marked on the page, in the API and in ClaimReview until the correction is out.
    claim.under_review_since = timezone.now()
    return finish(begun, actor=actor, verdict=approved, fields=("under_review_since",))


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
    begun = begin(
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
    return finish(begun, actor=actor, verdict=verdict, fields=("under_review_since",))


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
    Action.WITHDRAW_PROPOSAL: withdraw_proposal,
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
