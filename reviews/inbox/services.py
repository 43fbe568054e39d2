"""Writes of the inbox: the notifications of a workflow step (in its transaction, with
the mails the recipients chose as outbox messages), marking them read, and each person's
choice of mail."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from claims.models import Claim
from factcheck.outbox import enqueue
from reviews.inbox.models import MailPreference, Notification
from reviews.models import Transition, Verdict

Action = Transition.Action
Kind = Notification.Kind
MAIL_TASK = "reviews.tasks.mail_notification"


def _recipients(transition: Transition, claim: Claim, verdict: Verdict | None):
    """The kind of notice a step gives, and to whom (user ids; never its own actor)."""
    from reviews.selectors import members_with_perm

    action = transition.action
    if action == Action.ASSIGN:
        return Kind.ASSIGNED, [transition.assignee_id]
    if action == Action.SEND_BACK:
        return Kind.SENT_BACK, [claim.assignee_id]
    if action == Action.PROPOSE:
        return Kind.AWAITING, list(members_with_perm("review_verdict").values_list("pk", flat=True))
    if action == Action.PUBLISH:
        return Kind.PUBLISHED, [claim.assignee_id, verdict.proposed_by_id if verdict else None]
    if action == Action.REOPEN:
        return Kind.CORRECTION, [claim.assignee_id or (verdict.proposed_by_id if verdict else None)]
    return None, []


def notify_step(transition: Transition, *, claim: Claim, verdict: Verdict | None) -> list[int]:
    """Write the notifications of a workflow step and queue the mails chosen; must run in
    the step's transaction (reviews.services.common.move calls it). The ids written."""
    kind, users = _recipients(transition, claim, verdict)
    users = sorted({u for u in users if u is not None and u != transition.actor_id})
    if kind is None or not users:
        return []
    rows = Notification.objects.bulk_create(
        [Notification(user_id=u, kind=kind, claim=claim, transition=transition) for u in users]
    )
    chosen = {p.user_id: p for p in MailPreference.objects.filter(user_id__in=users)}
    default = MailPreference()
    for row in rows:
        if chosen.get(row.user_id, default).wants(kind):
            enqueue(MAIL_TASK, key=f"notification:{row.pk}", notification_id=row.pk)
    return [row.pk for row in rows]


@transaction.atomic
def mark_read(*, user: AbstractBaseUser, notification_ids: list[int] | None = None) -> int:
    """Mark this user's notifications read (these, or all of them); how many changed.
    Another person's notifications are never touched."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=notification_ids)
    return unread.update(read_at=timezone.now())


@transaction.atomic
def set_mail_preferences(*, user: AbstractBaseUser, kinds: set[str]) -> MailPreference:
    """Mail this user for exactly these kinds of notification."""
    unknown = set(kinds) - set(MailPreference.KINDS)
    if unknown:
        from reviews.errors import InvalidInput

        raise InvalidInput(f"Unknown kinds of notification: {', '.join(sorted(unknown))}.")
    preference, _ = MailPreference.objects.select_for_update().get_or_create(user=user)
    for kind in MailPreference.KINDS:
        setattr(preference, kind, kind in kinds)
    preference.save()
    return preference


def mail_preference(user: AbstractBaseUser) -> MailPreference:
    """This user's choice of mail (the defaults, unsaved, when they never chose)."""
    return MailPreference.objects.filter(user=user).first() or MailPreference(user=user)
