"""What every write of the review workflow shares: rights, the row lock, the move of a
claim with its transition row (and its webhook deliveries), history attribution and side
effects after commit."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser

from claims.models import Claim
from reviews.errors import InvalidInput, StaleVersion
from reviews.inbox.services import notify_step
from reviews.models import Evidence, Transition, Verdict
from reviews.webhooks.events import transition_recorded

Status = Claim.Status


def has_perm(user: AbstractBaseUser, perm: str) -> bool:
    """Has this active user the reviews app's permission `perm` (a codename)?"""
    return bool(user and user.is_active and user.has_perm(f"reviews.{perm}"))


def can_work_on(user: AbstractBaseUser, claim: Claim) -> bool:
    """May this user add or change evidence and the verdict draft of this claim now?"""
    if claim.status == Status.IN_REVIEW and claim.assignee_id == user.pk:
        return has_perm(user, "propose_verdict")
    # A proposal is frozen while it waits for a second pair of eyes: evidence that changed
    # under it would be approved unseen, so it must be sent back before it changes.
    return claim.status in (Status.NEW, Status.IN_REVIEW) and has_perm(user, "edit_any_claim")


def lock(claim_id: int, expected_version: int | None) -> Claim:
    try:
        claim = Claim.objects.select_for_update().get(pk=claim_id)
    except Claim.DoesNotExist:
        raise InvalidInput(f"There is no claim #{claim_id}.") from None
    check_version(claim, expected_version)
    return claim


def check_version(claim: Claim, expected_version: int | None) -> None:
    """Refuse a write made from an older copy of the (locked) claim."""
    if expected_version is not None and expected_version != claim.version:
        raise StaleVersion(
            f"This claim has changed since you loaded it (your copy is version "
            f"{expected_version}, the current one is {claim.version}). Reload and try again.",
            claim=claim,
        )


def require_text(value: str, what: str, claim: Claim) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(f"{what} is required.", claim=claim, field="comment")
    return value


def move(
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
    record_history(claim, actor, action)
    claim.save(update_fields=["status", "version", "updated_at", *fields])
    transition = Transition.objects.create(
        claim=claim,
        action=action,
        from_status=from_status,
        to_status=to,
        actor=actor,
        comment=comment,
        verdict=verdict,
        assignee=assignee,
    )
    # The webhooks' deliveries of this step, in its transaction.
    transition_recorded(transition)
    # Who the step concerns is told in the same transaction (and mailed, if they chose).
    notify_step(transition, claim=claim, verdict=verdict)
    return transition


def record_history(obj: Claim | Evidence | Verdict, actor: AbstractBaseUser, reason: str) -> None:
    # simple_history takes the user from the request middleware, which commands, tasks and
    # tests do not have: name the actor and the step on the row itself.
    obj._history_user = actor
    obj._change_reason = reason


def open_verdict(claim: Claim) -> Verdict | None:
    return claim.verdicts.filter(state__in=[Verdict.State.DRAFT, Verdict.State.PROPOSED]).first()
