"""Models of the exchange with the rest of the world that are bookkeeping rather than the
review itself: which of our claims another publisher checked, and background exports.
Imported by reviews.models (the app's models module), so Django sees them there."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from claims.models import Claim


class ExternalMatch(models.Model):
    """One of our claims that states what another publisher's fact check reviewed
    (reviews.external_matching): the desk and the API show "checked by <publisher>"."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="external_matches")
    external = models.ForeignKey(
        "reviews.ExternalFactCheck", on_delete=models.CASCADE, related_name="matches"
    )
    score = models.FloatField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-score", "id"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "external"], name="external_match_once"),
        ]

    def __str__(self) -> str:
        return f"#{self.claim_id} ~ {self.external} ({self.score:.2f})"


class ExportJob(models.Model):
    """An export run in the background (reviews.export_jobs): its filters, its progress
    and, when done, its file under FACTCHECK_VAR_DIR/exports, for its owner to download."""

    class State(models.TextChoices):
        PENDING = "pending", "Waiting"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs"
    )
    kind = models.CharField(max_length=20)  # reviews.exports.EXPORTS
    fmt = models.CharField(max_length=10)  # reviews.exports.FORMATS
    # The claim list's filters, as query parameters ({name: [values]}; the API's
    # ClaimFilter reads them).
    filters = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    rows_done = models.PositiveBigIntegerField(default=0)
    rows_total = models.PositiveBigIntegerField(null=True, blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["pending", "running", "done", "failed"]),
                name="exportjob_state_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}.{self.fmt} #{self.pk} ({self.state})"

    @property
    def percent(self) -> int | None:
        if not self.rows_total:
            return 100 if self.state == self.State.DONE else None
        return min(100, round(100 * self.rows_done / self.rows_total))
