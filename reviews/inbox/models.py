"""The inbox's rows and each person's choice of mail (registered by reviews.models)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from claims.models import Claim


class Notification(models.Model):
    """One event of the workflow for one person, read or not."""

    class Kind(models.TextChoices):
        ASSIGNED = "assigned", "Assigned to you"
        SENT_BACK = "sent_back", "Sent back to you"
        AWAITING = "awaiting", "Awaiting your approval"
        PUBLISHED = "published", "Published"
        CORRECTION = "correction", "A correction needed"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="notifications")
    # The step that caused it (its actor and comment are what the inbox shows).
    transition = models.ForeignKey(
        "reviews.Transition", on_delete=models.CASCADE, related_name="notifications"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The inbox (newest first) and the header's unread count, per person.
            models.Index(fields=["user", "-created_at", "-id"], name="notification_inbox"),
            models.Index(
                fields=["user"], condition=Q(read_at__isnull=True), name="notification_unread"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    kind__in=["assigned", "sent_back", "awaiting", "published", "correction"]
                ),
                name="notification_kind_valid",
            ),
            # One notice per person per step.
            models.UniqueConstraint(
                fields=["transition", "user"], name="notification_once_per_step"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: claim #{self.claim_id} for {self.user_id}"


class MailPreference(models.Model):
    """Which notifications a person also gets by mail. Without a row, the defaults: the
    events that ask them to act (assigned, sent back, a correction), not the others."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mail_preference"
    )
    assigned = models.BooleanField("Assigned to you", default=True)
    sent_back = models.BooleanField("Sent back to you", default=True)
    awaiting = models.BooleanField("Awaiting your approval", default=False)
    published = models.BooleanField("Published", default=False)
    correction = models.BooleanField("A correction needed", default=True)

    KINDS = ("assigned", "sent_back", "awaiting", "published", "correction")

    def __str__(self) -> str:
        return f"mail preference of {self.user_id}"

    def wants(self, kind: str) -> bool:
        return bool(getattr(self, kind))
