"""Who wrote a verdict: every person who set or changed its rating, summary or rationale.

Four eyes by content, not by name: the proposer is one name on a verdict, but whoever
wrote any of its text is as unfit to approve it. The workflow's publish step refuses a
contributor (reviews.workflow: `four_eyes_contributors`), and the database refuses an
approver who is one (a trigger, reviews/migrations/0012_verdict_contribution.py).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

# The fields whose author is a contributor (the correction note is the editor's own note
# on what changed, written when publishing a correction).
CONTENT_FIELDS = ("rating", "summary", "rationale")


class VerdictContribution(models.Model):
    """One person's part in one verdict: the content fields they set, and when last."""

    verdict = models.ForeignKey(
        "reviews.Verdict", on_delete=models.CASCADE, related_name="contributions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="verdict_contributions"
    )
    fields = models.JSONField(default=list, help_text="Of rating, summary, rationale")
    first_at = models.DateTimeField()
    at = models.DateTimeField(help_text="The last change")

    class Meta:
        app_label = "reviews"
        ordering = ["first_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["verdict", "user"], name="verdictcontribution_one_per_user"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} on verdict #{self.verdict_id}: {', '.join(self.fields)}"
