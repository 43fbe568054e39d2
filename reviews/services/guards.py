"""The guards of the workflow's steps, read from the table in reviews.workflow: who may
take which step on which claim now (`available_actions`, for buttons and the API), and
`begin`/`finish`, which every step of reviews.services.steps runs around its effect."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser

from claims.models import Claim
from reviews.errors import NotPermitted, WorkflowError
from reviews.models import Verdict
from reviews.services.common import check_version, has_perm, lock, move, require_text
from reviews.workflow import WORKFLOW, Step

Status = Claim.Status


def _proposer(claim: Claim) -> int | None:
    """Who proposed the claim's proposed verdict (from the prefetched `verdicts`)."""
    proposed = _proposed(claim)
    return proposed.proposed_by_id if proposed else None


def _proposed(claim: Claim) -> Verdict | None:
    proposed = [v for v in claim.verdicts.all() if v.state == Verdict.State.PROPOSED]
    return proposed[0] if proposed else None


def contributed(user: AbstractBaseUser, verdict: Verdict) -> bool:
    """Did `user` write part of `verdict` (its prefetched `contributions` where present)?"""
    return any(c.user_id == user.pk for c in verdict.contributions.all())


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
        proposed = _proposed(claim)
        if proposed is None or proposed.proposed_by_id == user.pk:
            return False
        if step.four_eyes_contributors and contributed(user, proposed):
            return False
    if step.proposer_only and _proposer(claim) != user.pk:
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


def begin(
    action: str,
    *,
    claim_id: int,
    actor: AbstractBaseUser,
    expected_version: int | None,
    comment: str = "",
) -> Begun:
    """Lock the claim and check the guards of the action's row, in the table's order.

    The actor's right comes first: someone who may never take the step is told so, not
    that their copy of the claim is stale or in another state."""
    step = WORKFLOW[action]
    claim = lock(claim_id, None)
    if not has_perm(actor, step.permission):
        raise NotPermitted(step.permission_message, claim=claim)
    check_version(claim, expected_version)
    if claim.status not in step.sources:
        raise WorkflowError(
            f"Cannot {step.doing}: the claim is {claim.get_status_display().lower()}.",
            claim=claim,
        )
    if step.assignee_only and claim.assignee_id != actor.pk:
        raise NotPermitted(step.assignee_only, claim=claim)
    proposed = None
    if step.four_eyes or step.proposer_only:
        proposed = _proposed_verdict(claim)
    if step.four_eyes and proposed.proposed_by_id == actor.pk:
        raise NotPermitted(step.four_eyes, claim=claim)
    if step.four_eyes_contributors and contributed(actor, proposed):
        raise NotPermitted(step.four_eyes_contributors, claim=claim)
    if step.proposer_only and proposed.proposed_by_id != actor.pk:
        raise NotPermitted(step.proposer_only, claim=claim)
    if step.needs_published_verdict and not _stands(claim):
        raise WorkflowError(step.needs_published_verdict, claim=claim)
    if step.refused_with_published_verdict and _stands(claim):
        raise WorkflowError(step.refused_with_published_verdict, claim=claim)
    if step.comment_required:
        comment = require_text(comment, step.comment_required, claim)
    return Begun(step, claim, comment, proposed)


def finish(
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
