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


def _proposed(claim: Claim) -> Verdict | None:
    proposed = [v for v in claim.verdicts.all() if v.state == Verdict.State.PROPOSED]
    return proposed[0] if proposed else None


def contributed(user: AbstractBaseUser, verdict: Verdict) -> bool:
    """Did `user` write part of `verdict` (its prefetched `contributions` where present)?"""
    return any(c.user_id == user.pk for c in verdict.contributions.all())


class ClaimFacts:
    """What the table's guards read of a claim, from the claim itself: its verdicts (the
    prefetched ones where present) are read only when a guard asks."""

    __slots__ = ("assignee_id", "claim", "status")

    def __init__(self, claim: Claim):
        self.claim = claim
        self.status = claim.status
        self.assignee_id = claim.assignee_id

    def stands(self) -> bool:
        """Does a published verdict stand?"""
        claim = self.claim
        if not claim.is_public:
            return False
        return any(v.state == Verdict.State.APPROVED for v in claim.verdicts.all())

    def proposer_id(self) -> int | None:
        proposed = _proposed(self.claim)
        return proposed.proposed_by_id if proposed else None

    def contributed(self, user: AbstractBaseUser) -> bool:
        """Did `user` write part of the proposed verdict?"""
        proposed = _proposed(self.claim)
        return proposed is not None and contributed(user, proposed)


@dataclass(frozen=True, slots=True)
class RowFacts:
    """What the table's guards read of a claim, as a list read it already for one reader
    (the API's claim list builds its rows without model instances: reviews.api.rows)."""

    status: str
    assignee_id: int | None
    published_verdict_stands: bool
    proposed_by: int | None
    # Whether the reader the row was read for wrote part of the proposed verdict.
    reader_contributed: bool

    def stands(self) -> bool:
        return self.published_verdict_stands

    def proposer_id(self) -> int | None:
        return self.proposed_by

    def contributed(self, user: AbstractBaseUser) -> bool:
        return self.reader_contributed


def is_open_to(step: Step, user: AbstractBaseUser, claim: Claim) -> bool:
    """May `user` take `step` on `claim` now, as far as the table's guards tell?

    Rules that need input (a reason, a complete verdict, a valid assignee) are checked
    when the step is taken."""
    if claim.status not in step.sources or not has_perm(user, step.permission):
        return False
    return _open(step, user, ClaimFacts(claim))


def _open(step: Step, user: AbstractBaseUser, facts: ClaimFacts | RowFacts) -> bool:
    """The guards of `step` that depend on the claim, the permission aside."""
    if facts.status not in step.sources:
        return False
    if step.unassigned_only and facts.assignee_id is not None:
        return False
    if step.assignee_only and facts.assignee_id != user.pk:
        return False
    if step.four_eyes:
        proposer = facts.proposer_id()
        if proposer is None or proposer == user.pk:
            return False
        if step.four_eyes_contributors and facts.contributed(user):
            return False
    if step.proposer_only and facts.proposer_id() != user.pk:
        return False
    if step.needs_published_verdict and not facts.stands():
        return False
    return not (step.refused_with_published_verdict and facts.stands())


def available_actions(user: AbstractBaseUser, claim: Claim) -> list[str]:
    """The workflow actions this user may take on this claim now (for buttons and the API).

    Uses the claim's prefetched `verdicts` where present."""
    return [action for action, step in WORKFLOW.items() if is_open_to(step, user, claim)]


def actions_checker(
    user: AbstractBaseUser,
) -> Callable[[Claim | ClaimFacts | RowFacts], list[str]]:
    """`available_actions` for a list of claims (or of their facts): the user's
    permissions are asked once, not for every claim (a tenth of the cost of a page of
    100)."""
    steps = [(a, step) for a, step in WORKFLOW.items() if has_perm(user, step.permission)]

    def actions(claim: Claim | ClaimFacts | RowFacts) -> list[str]:
        facts = claim if isinstance(claim, ClaimFacts | RowFacts) else ClaimFacts(claim)
        return [action for action, step in steps if _open(step, user, facts)]

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
    if step.needs_published_verdict and not ClaimFacts(claim).stands():
        raise WorkflowError(step.needs_published_verdict, claim=claim)
    if step.refused_with_published_verdict and ClaimFacts(claim).stands():
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
