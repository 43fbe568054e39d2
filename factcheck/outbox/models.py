"""One row per piece of background work, written in the transaction of the write it
follows (see services.py for its life)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class Message(models.Model):
    class State(models.TextChoices):
        # Recorded, not yet handed over (or handed over and put back to be retried).
        PENDING = "pending", "Pending"
        # The broker took it (or, in process, it is about to run).
        SENT = "sent", "Sent"
        DONE = "done", "Done"
        # Gave up after its last attempt; an operator may retry it.
        FAILED = "failed", "Failed"

    task = models.CharField(max_length=200, help_text="Dotted path of the task function")
    kwargs = models.JSONField(default=dict, blank=True)
    # Work that must not wait twice (the same evidence to archive, the same reminder): a
    # second enqueue with the key of a pending message is a no-op. Unique among pending
    # messages only, so the work may be asked for again once it was handed over.
    key = models.CharField(max_length=200, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    # Not handed over before this time (retries back off).
    next_attempt_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    # Runs started; a run holds the message until lease_until, so a duplicate delivery
    # of a running message is skipped, and one of a run killed with its worker is not.
    attempts = models.PositiveIntegerField(default=0)
    max_attempts = models.PositiveIntegerField(default=5)
    lease_until = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="outbox_due",
                condition=Q(state="pending"),
            ),
            models.Index(fields=["state", "created_at"], name="outbox_state_created"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["key"],
                condition=Q(state="pending") & ~Q(key=""),
                name="outbox_one_pending_per_key",
            ),
            models.CheckConstraint(
                condition=Q(state__in=["pending", "sent", "done", "failed"]),
                name="outbox_state_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.task} ({self.state})"


class Heartbeat(models.Model):
    """When a process (the worker's relay task, the embedded scheduler) last ran."""

    name = models.CharField(max_length=50, unique=True)
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} at {self.seen_at:%Y-%m-%d %H:%M:%S}"
