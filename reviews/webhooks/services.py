"""Writes with rules on webhooks: registering, changing, resuming and removing a hook,
and sending one delivery (the outbox's task calls `deliver`).

Who: a user with the webhooks app's permissions (the Editor group) manages the hooks
they registered; a superuser manages all. A hook sends claims that are not public to its
url, so each has one owner who answers for it and is told when it is paused.
"""

from __future__ import annotations

import json
import logging
import time
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from factcheck.errors import DomainError
from factcheck.outbox import enqueue
from factcheck.outbox.services import backoff_seconds, lease_seconds
from reviews.webhooks import signing, transport
from reviews.webhooks.events import queue
from reviews.webhooks.models import EVENTS, Attempt, Delivery, Webhook

log = logging.getLogger(__name__)

State = Delivery.State
Outcome = Attempt.Outcome


class WebhookError(DomainError):
    """A hook the desk refuses to register or change (400)."""


class NoSuchWebhook(DomainError):
    """No such hook, or not one of yours (404: others' hooks are not shown)."""

    code = "not_found"
    http_status = 404


class DeliveryFailed(Exception):
    """This attempt failed; the outbox tries again later, backing off."""


# -- who may do what ---------------------------------------------------------------------


def can_manage(user: AbstractBaseUser, perm: str = "change_webhook") -> bool:
    return bool(user and user.is_active and user.has_perm(f"webhooks.{perm}"))


def hooks_of(user: AbstractBaseUser):
    """The hooks this user may see and manage: their own; a superuser's, all."""
    if not can_manage(user, "view_webhook"):
        return Webhook.objects.none()
    if user.is_superuser:
        return Webhook.objects.all()
    return Webhook.objects.filter(owner=user)


def _mine(hook_id: int, actor: AbstractBaseUser, perm: str) -> Webhook:
    if not can_manage(actor, perm):
        raise NoSuchWebhook(f"There is no webhook #{hook_id} of yours.")
    hook = hooks_of(actor).select_for_update().filter(pk=hook_id).first()
    if hook is None:
        raise NoSuchWebhook(f"There is no webhook #{hook_id} of yours.")
    return hook


_validate_url = URLValidator(schemes=["http", "https"])


def clean_url(url: str) -> str:
    url = (url or "").strip()
    try:
        _validate_url(url)
    except ValidationError:
        raise WebhookError(f"{url!r} is not an http(s) url.", field="url") from None
    # Where it resolves to is the fetcher's to check, on every delivery (an address
    # may change after registration): a refused one is logged on the delivery.
    return url


def clean_events(events) -> list[str]:
    if not isinstance(events, list | tuple) or not events:
        raise WebhookError(f"Name the events you want: any of {', '.join(EVENTS)}.", field="events")
    unknown = [e for e in events if e not in EVENTS]
    if unknown:
        raise WebhookError(
            f"Unknown events {', '.join(map(str, unknown))}: use {', '.join(EVENTS)}.",
            field="events",
        )
    return [e for e in EVENTS if e in events]  # the table's order, each once


# -- the hooks ---------------------------------------------------------------------------


@transaction.atomic
def create_webhook(
    *, actor: AbstractBaseUser, url: str, events: list[str], description: str = ""
) -> tuple[Webhook, str]:
    """Register a hook for `actor`; returns it with its secret (shown this once)."""
    if not can_manage(actor, "add_webhook"):
        raise NoSuchWebhook("Only an editor can register webhooks.")
    secret = signing.new_secret()
    hook = Webhook.objects.create(
        owner=actor,
        url=clean_url(url),
        events=clean_events(events),
        description=(description or "").strip()[:200],
        secret=secret,
    )
    return hook, secret


@transaction.atomic
def update_webhook(
    *,
    hook_id: int,
    actor: AbstractBaseUser,
    url: str | None = None,
    events: list[str] | None = None,
    description: str | None = None,
) -> Webhook:
    """Change a hook's url, events or description (deliveries made stay as they are)."""
    hook = _mine(hook_id, actor, "change_webhook")
    if url is not None:
        hook.url = clean_url(url)
    if events is not None:
        hook.events = clean_events(events)
    if description is not None:
        hook.description = description.strip()[:200]
    hook.save(update_fields=["url", "events", "description"])
    return hook


@transaction.atomic
def rotate_secret(*, hook_id: int, actor: AbstractBaseUser) -> str:
    """A new secret for the hook (shown this once); later attempts are signed with it."""
    hook = _mine(hook_id, actor, "change_webhook")
    hook.secret = signing.new_secret()
    hook.save(update_fields=["secret"])
    return hook.secret


@transaction.atomic
def delete_webhook(*, hook_id: int, actor: AbstractBaseUser) -> None:
    """Remove a hook and its delivery log; what is queued for it is dropped."""
    _mine(hook_id, actor, "delete_webhook").delete()


@transaction.atomic
def pause_webhook(*, hook_id: int, actor: AbstractBaseUser) -> Webhook:
    """The owner stops deliveries for a while (they are held, and sent on resume)."""
    hook = _mine(hook_id, actor, "change_webhook")
    if not hook.is_paused:
        _pause(hook, f"paused by {actor}")
    return hook


@transaction.atomic
def resume_webhook(*, hook_id: int, actor: AbstractBaseUser) -> int:
    """Deliver again: the held deliveries are queued. Returns how many."""
    hook = _mine(hook_id, actor, "change_webhook")
    hook.paused_at = None
    hook.paused_reason = ""
    hook.failing_since = None
    hook.save(update_fields=["paused_at", "paused_reason", "failing_since"])
    held = list(hook.deliveries.filter(state=State.HELD).order_by("pk"))
    Delivery.objects.filter(pk__in=[d.pk for d in held]).update(state=State.PENDING)
    for delivery in held:
        delivery.state = State.PENDING
    queue(held)
    return len(held)


def _pause(hook: Webhook, reason: str) -> None:
    hook.paused_at = timezone.now()
    hook.paused_reason = reason[:300]
    hook.save(update_fields=["paused_at", "paused_reason"])
    hook.deliveries.filter(state=State.PENDING).update(state=State.HELD)


# -- sending -----------------------------------------------------------------------------


def max_attempts() -> int:
    """Attempts a delivery gets: enough for the outbox's backoff to span the pause
    window, so a hook is paused (its deliveries held) before one is given up."""
    window = settings.FACTCHECK_WEBHOOK_PAUSE_SECONDS
    total, attempts = 0.0, 0
    while total <= window and attempts < 500:
        attempts += 1
        total += backoff_seconds(attempts)
    return attempts + 2


def body_of(delivery: Delivery) -> bytes:
    """The bytes sent, the same on every attempt (the signature's timestamp is not)."""
    document = {
        "id": str(delivery.delivery_id),
        "event": delivery.event,
        "created_at": delivery.created_at.isoformat(),
        "data": delivery.payload,
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":")).encode()


def deliver(delivery_id: int) -> str:
    """One attempt at a delivery, logged before and after the request: "delivered",
    "held", "failed", or "skipped" (delivered or given up already). A failure that may
    pass raises DeliveryFailed, for the outbox to try again later."""
    delivery = Delivery.objects.select_related("hook").filter(pk=delivery_id).first()
    if delivery is None or delivery.state != State.PENDING:
        return "skipped"
    hook = delivery.hook
    if hook.is_paused:
        Delivery.objects.filter(pk=delivery.pk, state=State.PENDING).update(state=State.HELD)
        return "held"
    # The log's row is written (committed) before the request: a worker killed while
    # waiting for the receiver leaves it "started", marked interrupted by the next one.
    Delivery.objects.filter(pk=delivery.pk).update(attempts=F("attempts") + 1)
    number = Delivery.objects.values_list("attempts", flat=True).get(pk=delivery.pk)
    delivery.log.filter(outcome=Outcome.STARTED).update(outcome=Outcome.INTERRUPTED)
    attempt = Attempt.objects.create(delivery=delivery, number=number, started_at=timezone.now())
    body = body_of(delivery)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "factcheck-webhooks/1.0",
        signing.DELIVERY_HEADER: str(delivery.delivery_id),
        signing.EVENT_HEADER: delivery.event,
        signing.HEADER: signing.header_value(hook.secret, body),
    }
    started = time.monotonic()
    status, outcome, error = None, Outcome.ACCEPTED, ""
    # Within the outbox's lease, so no second run starts while this one waits.
    timeout = max(1.0, min(settings.FACTCHECK_WEBHOOK_TIMEOUT, lease_seconds() - 1))
    try:
        answer = transport.post(hook.url, body=body, headers=headers, timeout=timeout)
    except transport.Refused as refused:
        outcome, error = Outcome.REFUSED, str(refused)
    except transport.Unreachable as unreachable:
        outcome, error = Outcome.UNREACHABLE, str(unreachable)
    else:
        status = answer.status
        if not 200 <= status < 300:
            outcome = Outcome.REJECTED
            error = f"HTTP {status}: {answer.body[:200].decode('utf-8', 'replace')}"
    attempt.duration_ms = round((time.monotonic() - started) * 1000)
    attempt.status_code, attempt.outcome, attempt.error = status, outcome, error[:500]
    attempt.save(update_fields=["duration_ms", "status_code", "outcome", "error"])
    result = _after(delivery, attempt, number)
    if result == "retry":
        # Raised once _after committed: the outbox puts the message back, due later.
        raise DeliveryFailed(attempt.error)
    return result


@transaction.atomic
def _after(delivery: Delivery, attempt: Attempt, number: int) -> str:
    """Record what the attempt did to the delivery and its hook."""
    now = timezone.now()
    hook = Webhook.objects.select_for_update().get(pk=delivery.hook_id)
    mine = Delivery.objects.filter(pk=delivery.pk, state=State.PENDING)
    if attempt.outcome == Outcome.ACCEPTED:
        mine.update(
            state=State.DELIVERED,
            delivered_at=now,
            last_status_code=attempt.status_code,
            last_error="",
        )
        hook.failing_since = None
        hook.last_success_at = now
        hook.save(update_fields=["failing_since", "last_success_at"])
        return "delivered"
    mine.update(last_status_code=attempt.status_code, last_error=attempt.error)
    if hook.failing_since is None:
        hook.failing_since = now
        hook.save(update_fields=["failing_since"])
    window = timedelta(seconds=settings.FACTCHECK_WEBHOOK_PAUSE_SECONDS)
    if now - hook.failing_since >= window:
        _pause(hook, f"every delivery failed since {hook.failing_since:%Y-%m-%d %H:%M} UTC")
        enqueue("reviews.webhooks.tasks.notify_paused", webhook_id=hook.pk)
        log.warning("webhooks: paused hook #%s (%s): %s", hook.pk, hook.url, attempt.error)
        return "held"
    if attempt.outcome == Outcome.REFUSED or number >= max_attempts():
        # A refused url will not be taken by trying again; the log says why.
        mine.update(state=State.FAILED)
        log.warning("webhooks: gave up delivery #%s: %s", delivery.pk, attempt.error)
        return "failed"
    return "retry"
