"""Where each event is recorded: in the transaction of the write it reports.

- the workflow's events: reviews.services.common.move, the one place a claim's status
  changes, calls `transition_recorded` with the transition row it wrote;
- claim.created: claims announces new claims with claims.signals.claims_created (it
  cannot import reviews), received by `on_claims_created`.

For each hook that wants the event, one Delivery row (unique per hook and event) and one
outbox message to send it (a paused hook's delivery is held, without one), both in that
transaction: a rolled-back write sends nothing, a committed one loses no delivery,
whatever the broker does."""

from __future__ import annotations

from django.urls import reverse

from claims.models import Claim
from factcheck.outbox import enqueue
from reviews.claimreview import site_base
from reviews.models import Transition
from reviews.webhooks.models import Delivery, Webhook

DELIVER_TASK = "reviews.webhooks.tasks.deliver"

Action = Transition.Action
# The workflow's actions that are events; publish is claim.corrected when the claim was
# published before.
ACTION_EVENTS = {
    Action.TAKE: "claim.assigned",
    Action.ASSIGN: "claim.assigned",
    Action.PROPOSE: "claim.proposed",
    Action.PUBLISH: "claim.published",
    Action.WITHDRAW: "claim.withdrawn",
    Action.DISMISS: "claim.dismissed",
}


def _listening(event: str | None) -> list[Webhook]:
    """The hooks that want `event` (any event: None). One query."""
    # Few hooks, read whole: JSON containment is not portable to SQLite.
    hooks = Webhook.objects.only("id", "events", "paused_at")
    return [hook for hook in hooks if event is None or event in hook.events]


def _state(hook: Webhook) -> str:
    # A paused hook's deliveries are kept, to be sent when its owner resumes it.
    return Delivery.State.HELD if hook.is_paused else Delivery.State.PENDING


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def claim_data(claim: Claim) -> dict:
    """What a delivery says about its claim (no query beyond the claim row)."""
    base = site_base()
    data = {
        "id": claim.pk,
        "text": claim.text,
        "status": claim.status,
        "version": claim.version,
        "article_id": claim.article_id,
        "source_url": claim.source_url or None,
        "claim_date": _iso(claim.claim_date),
        "created_at": _iso(claim.created_at),
        "api_url": base + reverse("api-claim-detail", args=[claim.pk]),
    }
    if claim.is_public:
        data["public_url"] = base + reverse("public-claim", args=[claim.pk])
    return data


def _verdict_data(transition: Transition) -> dict | None:
    verdict = transition.verdict
    if verdict is None:
        return None
    return {
        "id": verdict.pk,
        "state": verdict.state,
        "rating": verdict.rating.label if verdict.rating_id else None,
        "summary": verdict.summary,
        "correction_note": verdict.correction_note,
        "withdrawal_note": verdict.withdrawal_note,
    }


def queue(deliveries: list[Delivery]) -> None:
    """One outbox message per delivery, in the caller's transaction. Keyed by the
    delivery, so a resume cannot queue one that waits already."""
    from reviews.webhooks.services import max_attempts

    most = max_attempts()
    for delivery in deliveries:
        if delivery.state != Delivery.State.PENDING:
            continue
        enqueue(
            DELIVER_TASK,
            key=f"webhook-delivery:{delivery.pk}",
            max_attempts=most,
            delivery_id=delivery.pk,
        )


def transition_recorded(transition: Transition) -> None:
    """Record the deliveries of a workflow step, if it is an event someone wants."""
    event = ACTION_EVENTS.get(transition.action)
    if event is None:
        return
    hooks = _listening(None)
    maybe = {event, "claim.corrected"} if transition.action == Action.PUBLISH else {event}
    if not any(maybe & set(hook.events) for hook in hooks):
        return  # the usual case: one query, nothing written
    claim = transition.claim
    if (
        transition.action == Action.PUBLISH
        and Transition.objects.filter(claim_id=claim.pk, action=Action.PUBLISH)
        .exclude(pk=transition.pk)
        .exists()
    ):
        event = "claim.corrected"
    wanted = [hook for hook in hooks if event in hook.events]
    if not wanted:
        return
    payload = {
        "claim": claim_data(claim),
        "transition": {
            "id": transition.pk,
            "action": transition.action,
            "from_status": transition.from_status,
            "to_status": transition.to_status,
            "comment": transition.comment,
            "at": _iso(transition.created_at),
        },
        "verdict": _verdict_data(transition),
    }
    deliveries = Delivery.objects.bulk_create(
        Delivery(
            hook_id=hook.pk,
            event=event,
            event_key=f"transition:{transition.pk}",
            claim_id=claim.pk,
            payload=payload,
            state=_state(hook),
        )
        for hook in wanted
    )
    queue(deliveries)


# Claims loaded per query when a bulk load announces many.
_CHUNK = 500


def on_claims_created(sender, *, claim_ids: list[int], **kwargs) -> None:
    """claims_created's receiver: a claim.created delivery per new claim and hook."""
    wanted = _listening("claim.created")
    if not wanted:
        return
    for at in range(0, len(claim_ids), _CHUNK):
        claims = Claim.objects.filter(pk__in=claim_ids[at : at + _CHUNK]).order_by("pk")
        deliveries = Delivery.objects.bulk_create(
            Delivery(
                hook_id=hook.pk,
                event="claim.created",
                event_key=f"claim-created:{claim.pk}",
                claim_id=claim.pk,
                payload={"claim": claim_data(claim)},
                state=_state(hook),
            )
            for claim in claims
            for hook in wanted
        )
        queue(deliveries)
