"""A webhook, its deliveries (one per event and hook, never two) and each delivery's
attempts. Written by reviews.webhooks.services only."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

# The events a hook may ask for: the name sent in X-Factcheck-Event, and what it means.
EVENTS = {
    "claim.created": "A claim was stored (loaded, submitted or added by hand)",
    "claim.assigned": "A claim was assigned to a reviewer, or taken by one",
    "claim.proposed": "A verdict was proposed for approval",
    "claim.published": "A verdict was published for the first time",
    "claim.corrected": "A corrected verdict was published in place of an earlier one",
    "claim.withdrawn": "A published verdict was withdrawn",
    "claim.dismissed": "A claim was dismissed (not checkable, opinion, duplicate)",
}


class Webhook(models.Model):
    """A url that wants to hear about claim events, owned by the editor who registered it
    (who is told when it is paused)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webhooks"
    )
    url = models.URLField(max_length=2000)
    events = models.JSONField(default=list, help_text="Event names, see EVENTS")
    description = models.CharField(max_length=200, blank=True)
    # Signs every delivery (HMAC-SHA256); shown once, when the hook is created.
    secret = models.CharField(max_length=100, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when a delivery failed after the last success; a hook failing for
    # FACTCHECK_WEBHOOK_PAUSE_HOURS is paused.
    failing_since = models.DateTimeField(null=True, blank=True, editable=False)
    last_success_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Paused: nothing is sent; deliveries wait (held) until the owner resumes it.
    paused_at = models.DateTimeField(null=True, blank=True, editable=False)
    paused_reason = models.CharField(max_length=300, blank=True, editable=False)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(url__startswith="http://") | Q(url__startswith="https://"),
                name="webhook_url_http",
            ),
        ]

    def __str__(self) -> str:
        return self.description or self.url

    @property
    def is_paused(self) -> bool:
        return self.paused_at is not None


class Delivery(models.Model):
    """One event for one hook: sent until the receiver accepts it (2xx), with the same
    id and body on every attempt, so a receiver can drop what it has seen."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        # The hook is paused: sent again when its owner resumes it.
        HELD = "held", "Held (hook paused)"
        # Given up: the url is refused, or every attempt failed.
        FAILED = "failed", "Failed"

    hook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    # X-Factcheck-Delivery: the receiver's key to drop a delivery it already has.
    delivery_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event = models.CharField(max_length=40)
    # What happened, once: "transition:<id>" or "claim-created:<id>". With the hook,
    # unique: one event never makes two deliveries to one hook.
    event_key = models.CharField(max_length=100)
    claim_id = models.BigIntegerField(null=True, blank=True)
    payload = models.JSONField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name_plural = "deliveries"
        constraints = [
            models.UniqueConstraint(fields=["hook", "event_key"], name="delivery_once_per_hook"),
            models.CheckConstraint(
                condition=Q(state__in=["pending", "delivered", "held", "failed"]),
                name="delivery_state_valid",
            ),
        ]
        indexes = [models.Index(fields=["hook", "-id"], name="delivery_hook_recent")]

    def __str__(self) -> str:
        return f"{self.event} → {self.hook} ({self.state})"


class Attempt(models.Model):
    """One try at a delivery: when, how long, what the receiver answered."""

    class Outcome(models.TextChoices):
        # Written before the request: an attempt left so was cut off (its worker killed).
        STARTED = "started", "Started"
        INTERRUPTED = "interrupted", "Interrupted (worker stopped)"
        ACCEPTED = "accepted", "Accepted (2xx)"
        REJECTED = "rejected", "Answered with an error status"
        UNREACHABLE = "unreachable", "No answer (connection, timeout)"
        REFUSED = "refused", "Refused by the fetcher (address not allowed)"

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="log")
    number = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, default=Outcome.STARTED)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["delivery_id", "number", "id"]
        constraints = [
            models.UniqueConstraint(fields=["delivery", "number"], name="attempt_number_once"),
        ]

    def __str__(self) -> str:
        return f"attempt {self.number}: {self.outcome}"
