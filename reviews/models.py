"""The rating scale, evidence, verdicts and the append-only log of workflow steps."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from claims.models import Claim


class Rating(models.Model):
    """One step of the verdict scale: data the desk edits, not code."""

    label = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)
    # ClaimReview ratingValue; NULL for ratings outside the scale (Misleading, Unverifiable).
    value = models.PositiveSmallIntegerField(null=True, blank=True)
    best_value = models.PositiveSmallIntegerField(null=True, blank=True)
    worst_value = models.PositiveSmallIntegerField(null=True, blank=True)
    colour = models.CharField(max_length=7, default="#777777", help_text="CSS hex colour")
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0, help_text="Order in pick lists")

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            # Ordinal ratings carry the whole scale; the others carry none of it.
            models.CheckConstraint(
                condition=(
                    Q(value__isnull=True, best_value__isnull=True, worst_value__isnull=True)
                    | Q(
                        value__isnull=False,
                        best_value__isnull=False,
                        worst_value__isnull=False,
                        value__gte=models.F("worst_value"),
                        value__lte=models.F("best_value"),
                    )
                ),
                name="rating_value_within_scale",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def is_ordinal(self) -> bool:
        return self.value is not None


class Evidence(models.Model):
    """A structured source record on a claim, with an archived copy of the page."""

    class Kind(models.TextChoices):
        PRIMARY_DOCUMENT = "primary_document", "Primary document"
        OFFICIAL_RECORD = "official_record", "Official record"
        DATA_SET = "data_set", "Data set"
        NEWS_REPORT = "news_report", "News report"
        EXPERT = "expert", "Expert"
        OTHER = "other", "Other"

    class Stance(models.TextChoices):
        SUPPORTS = "supports", "Supports the claim"
        REFUTES = "refutes", "Refutes the claim"
        CONTEXT = "context", "Gives context"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="evidence")
    url = models.URLField(max_length=2000)
    title = models.CharField(max_length=500)
    publisher = models.CharField(max_length=200, blank=True)
    quote = models.TextField(blank=True, help_text="The passage that bears on the claim")
    kind = models.CharField(max_length=30, choices=Kind.choices, default=Kind.OTHER)
    stance = models.CharField(max_length=20, choices=Stance.choices, default=Stance.CONTEXT)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="evidence_added"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class ArchiveState(models.TextChoices):
        PENDING = "pending", "Archive pending"
        ARCHIVED = "archived", "Archived"
        FAILED = "failed", "Archive failed"

    # The archived copy, fetched in the background (reviews.tasks.archive_evidence),
    # retried with backoff; after the last attempt the state is failed with the reason
    # in archive_error, until an operator retries it (admin action, retry_archives).
    archive_state = models.CharField(
        max_length=10, choices=ArchiveState.choices, default=ArchiveState.PENDING
    )
    archive_attempts = models.PositiveSmallIntegerField(default=0)
    archived_at = models.DateTimeField(null=True, blank=True)
    archive_status = models.PositiveSmallIntegerField(null=True, blank=True)
    archive_hash = models.CharField(max_length=64, blank=True)
    archive_text = models.TextField(blank=True)
    archive_error = models.CharField(max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "evidence"
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    kind__in=[
                        "primary_document",
                        "official_record",
                        "data_set",
                        "news_report",
                        "expert",
                        "other",
                    ]
                ),
                name="evidence_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(stance__in=["supports", "refutes", "context"]),
                name="evidence_stance_valid",
            ),
            models.CheckConstraint(
                condition=Q(archive_state__in=["pending", "archived", "failed"]),
                name="evidence_archive_state_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def archive_summary(self) -> str:
        """The archived copy in words, as the desk and the API show it."""
        if self.archive_state == self.ArchiveState.FAILED:
            return f"archive failed: {self.archive_error or 'unknown reason'}"
        if self.archive_state == self.ArchiveState.ARCHIVED and self.archived_at:
            status = f" (HTTP {self.archive_status})" if self.archive_status else ""
            return f"archived {self.archived_at:%Y-%m-%d %H:%M} UTC{status}"
        if self.archive_error:
            return f"archive pending (attempt {self.archive_attempts} failed: {self.archive_error})"
        return "archive pending"


class Verdict(models.Model):
    """A rating with its public summary and method. Never edited after approval."""

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        PROPOSED = "proposed", "Proposed"
        APPROVED = "approved", "Approved"
        SUPERSEDED = "superseded", "Superseded"
        # Taken back by an editor with a public note; the page says so where it stood.
        WITHDRAWN = "withdrawn", "Withdrawn"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="verdicts")
    rating = models.ForeignKey(Rating, on_delete=models.PROTECT, related_name="verdicts")
    summary = models.CharField(max_length=300, help_text="The public one-line verdict")
    rationale = models.TextField(help_text="How a reader can repeat the check")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="verdicts_written"
    )
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="verdicts_proposed",
    )
    proposed_at = models.DateTimeField(null=True, blank=True)
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="verdicts_approved",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    # A correction supersedes the verdict before it; both stay visible.
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    correction_note = models.TextField(blank=True, help_text="Public note on what changed")
    withdrawal_note = models.TextField(blank=True, help_text="Public note on why it was withdrawn")
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["draft", "proposed", "approved", "superseded", "withdrawn"]),
                name="verdict_state_valid",
            ),
            # At most one published (approved, not superseded) verdict per claim...
            models.UniqueConstraint(
                fields=["claim"], condition=Q(state="approved"), name="verdict_one_approved"
            ),
            # ...and at most one being worked on.
            models.UniqueConstraint(
                fields=["claim"],
                condition=Q(state__in=["draft", "proposed"]),
                name="verdict_one_open",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["approved", "superseded"])
                | Q(approver__isnull=False, approved_at__isnull=False),
                name="verdict_approved_has_approver",
            ),
            models.CheckConstraint(
                condition=~Q(state="withdrawn")
                | (Q(withdrawn_at__isnull=False) & ~Q(withdrawal_note="")),
                name="verdict_withdrawn_has_note",
            ),
            # Four eyes, held by the database too.
            models.CheckConstraint(
                condition=Q(approver__isnull=True)
                | Q(proposed_by__isnull=True)
                | ~Q(approver=models.F("proposed_by")),
                name="verdict_approver_is_not_proposer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rating}: {self.summary}"


class Transition(models.Model):
    """One row per workflow step. Written by reviews.services only; never changed."""

    class Action(models.TextChoices):
        ASSIGN = "assign", "Assign"
        TAKE = "take", "Take"
        DISMISS = "dismiss", "Dismiss"
        RESTORE = "restore", "Restore"
        PROPOSE = "propose", "Propose"
        SEND_BACK = "send_back", "Send back"
        PUBLISH = "publish", "Publish"
        REOPEN = "reopen", "Reopen"
        WITHDRAW = "withdraw", "Withdraw verdict"
        WITHDRAW_PROPOSAL = "withdraw_proposal", "Withdraw proposal"

    # PROTECT: a claim that has been worked on keeps its audit trail; it is dismissed,
    # not deleted.
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="transitions")
    action = models.CharField(max_length=20, choices=Action.choices)
    from_status = models.CharField(max_length=20, choices=Claim.Status.choices)
    to_status = models.CharField(max_length=20, choices=Claim.Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="transitions"
    )
    comment = models.TextField(blank=True)
    verdict = models.ForeignKey(
        Verdict, null=True, blank=True, on_delete=models.PROTECT, related_name="transitions"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        permissions = [
            ("take_claim", "Can take an unassigned claim for review"),
            ("assign_claim", "Can assign a claim to anyone"),
            ("dismiss_claim", "Can dismiss and restore claims"),
            ("propose_verdict", "Can propose a verdict on a claim assigned to them"),
            ("review_verdict", "Can publish or send back a verdict proposed by someone else"),
            (
                "reopen_claim",
                "Can reopen a published claim for correction, or withdraw its verdict",
            ),
            ("edit_any_claim", "Can add evidence and verdicts to any claim, assigned or not"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.from_status} → {self.to_status}"

    def save(self, *args, **kwargs):
        # The audit trail is append-only: a row, once written, is history.
        if self.pk is not None and not self._state.adding:
            raise ValueError("Transitions are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Transitions are append-only.")


def rating_key(text: str) -> str:
    """How a publisher's rating text is compared: case and spacing do not matter."""
    return " ".join(text.split()).casefold()


class RatingMapping(models.Model):
    """How another publisher's rating reads on the desk's scale: data the desk edits.

    A row maps either a rating text ("Pants on Fire") or a numeric rating (value on a
    worst..best scale) to one of our ratings, for one publisher or (publisher empty) any.
    """

    publisher = models.CharField(
        max_length=200, blank=True, help_text="Empty: any publisher. Compared ignoring case."
    )
    rating_text = models.CharField(
        max_length=200, blank=True, help_text="The publisher's rating, compared ignoring case"
    )
    rating_value = models.FloatField(null=True, blank=True)
    best_rating = models.FloatField(null=True, blank=True)
    worst_rating = models.FloatField(null=True, blank=True)
    rating = models.ForeignKey(Rating, on_delete=models.CASCADE, related_name="mappings")
    # Normalised copies the lookups compare against (rating_key of the fields above).
    publisher_key = models.CharField(max_length=200, blank=True, editable=False)
    text_key = models.CharField(max_length=200, blank=True, editable=False)

    class Meta:
        ordering = ["publisher_key", "text_key", "rating_value", "id"]
        constraints = [
            # A text, or a whole numeric rating, never both or neither.
            models.CheckConstraint(
                condition=(
                    (
                        ~Q(rating_text="")
                        & Q(
                            rating_value__isnull=True,
                            best_rating__isnull=True,
                            worst_rating__isnull=True,
                        )
                    )
                    | Q(
                        rating_text="",
                        rating_value__isnull=False,
                        best_rating__isnull=False,
                        worst_rating__isnull=False,
                    )
                ),
                name="ratingmapping_text_or_number",
                violation_error_message=(
                    "Give the publisher's rating text, or its number with the best and worst "
                    "of its scale, not both."
                ),
            ),
            models.UniqueConstraint(
                fields=["publisher_key", "text_key"],
                condition=~Q(text_key=""),
                name="ratingmapping_unique_text",
                violation_error_message="These words are mapped already for this publisher.",
            ),
            models.UniqueConstraint(
                fields=["publisher_key", "rating_value", "best_rating", "worst_rating"],
                condition=Q(rating_value__isnull=False),
                name="ratingmapping_unique_number",
                violation_error_message="This number is mapped already for this publisher.",
            ),
        ]

    def __str__(self) -> str:
        said = self.rating_text or (
            f"{self.rating_value:g} of {self.worst_rating:g}..{self.best_rating:g}"
        )
        return f"{self.publisher or 'any publisher'}: {said} → {self.rating}"

    def save(self, *args, **kwargs):
        self._set_keys()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        # Before the constraints are validated, so a duplicate is a form error.
        self._set_keys()

    def validate_constraints(self, exclude=None):
        # The admin's form leaves out the keys it does not show; the constraints on them
        # must still be checked there, not found by the database as a 500.
        keys = {"publisher_key", "text_key", "rating_text", "rating_value"}
        keys |= {"best_rating", "worst_rating"}
        super().validate_constraints(exclude=set(exclude or ()) - keys)

    def _set_keys(self) -> None:
        self.publisher_key = rating_key(self.publisher)
        self.text_key = rating_key(self.rating_text)


class ExternalFactCheck(models.Model):
    """A fact check published by someone else, imported from their ClaimReview."""

    class Source(models.TextChoices):
        PAGE = "page", "Fact-check page markup"
        FEED = "feed", "ClaimReview JSON-LD or DataFeed"
        SEARCH_API = "search_api", "Fact-check search API"

    url = models.URLField(max_length=2000, unique=True, help_text="The review's url")
    publisher = models.CharField(max_length=200)
    publisher_site = models.CharField(max_length=300, blank=True)
    title = models.CharField(max_length=500, blank=True)
    claim_text = models.TextField()
    claimant = models.CharField(max_length=300, blank=True)
    claimant_kind = models.CharField(
        max_length=20, blank=True, help_text="person or organization, when the publisher says"
    )
    claim_date = models.DateField(null=True, blank=True)
    appearance_url = models.URLField(max_length=2000, blank=True)
    review_date = models.DateField(null=True, blank=True)
    language = models.CharField(max_length=12, blank=True)
    rating_text = models.CharField(max_length=200, blank=True)
    rating_value = models.FloatField(null=True, blank=True)
    best_rating = models.FloatField(null=True, blank=True)
    worst_rating = models.FloatField(null=True, blank=True)
    # Our reading of the publisher's rating, from RatingMapping; NULL when unmapped.
    rating = models.ForeignKey(
        Rating, null=True, blank=True, on_delete=models.SET_NULL, related_name="external"
    )
    source = models.CharField(max_length=20, choices=Source.choices)
    # The claim's sentence embedding (claims.embedding), for matching our claims to it.
    embedding = models.BinaryField(null=True, blank=True, editable=False)
    embedding_model = models.CharField(max_length=100, blank=True, editable=False)
    imported_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-review_date", "-id"]
        verbose_name = "external fact check"
        constraints = [
            models.CheckConstraint(condition=~Q(claim_text=""), name="external_claim_not_empty"),
            models.CheckConstraint(condition=~Q(publisher=""), name="external_publisher_named"),
            models.CheckConstraint(
                condition=~Q(rating_text="") | Q(rating_value__isnull=False),
                name="external_has_rating",
            ),
            models.CheckConstraint(
                condition=Q(source__in=["page", "feed", "search_api"]),
                name="external_source_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.publisher}: {self.rating_text or self.rating_value}"


# The exchange's bookkeeping (matches to other publishers' fact checks, background
# exports) lives in its own module, to keep this one to the review's data.
# Models that live with their code (who wrote each verdict: reviews.contributions; the
# exchange's; the inbox's), registered here, in the app.
from reviews.contributions import VerdictContribution  # noqa: E402, F401
from reviews.exchange_models import ExportJob, ExternalMatch  # noqa: E402, F401
from reviews.inbox.models import MailPreference, Notification  # noqa: E402, F401
