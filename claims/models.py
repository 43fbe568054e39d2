"""Outlets, articles, claimants and claims: what the desk checks, and where it was said."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords


def content_hash(text: str) -> str:
    """The identity of an article body: loading the same text twice is a no-op."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Outlet(models.Model):
    name = models.CharField(max_length=200, unique=True)
    domain = models.CharField(max_length=253, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Article(models.Model):
    # Stored normalised (see claims.services.normalise_url); NULL when the source is
    # unknown, which the unique constraint allows any number of times.
    url = models.URLField(max_length=2000, unique=True, null=True, blank=True)
    title = models.CharField(max_length=500, blank=True)
    outlet = models.ForeignKey(
        Outlet, null=True, blank=True, on_delete=models.PROTECT, related_name="articles"
    )
    byline = models.CharField(max_length=300, blank=True)
    published = models.DateField(null=True, blank=True)
    language = models.CharField(max_length=12, default="en")
    body = models.TextField()
    content_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(body=""), name="article_body_not_empty"),
        ]

    def __str__(self) -> str:
        return self.title or self.url or f"Article {self.pk}"


class Claimant(models.Model):
    class Kind(models.TextChoices):
        PERSON = "person", "Person"
        ORGANIZATION = "organization", "Organization"

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PERSON)
    role = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "kind"], name="claimant_unique_name_kind"),
            models.CheckConstraint(
                condition=Q(kind__in=["person", "organization"]), name="claimant_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.role})" if self.role else self.name


class Claim(models.Model):
    class Status(models.TextChoices):
        NEW = "new", "New"
        IN_REVIEW = "in_review", "In review"
        PROPOSED = "proposed", "Proposed"
        PUBLISHED = "published", "Published"
        DISMISSED = "dismissed", "Dismissed"

    class Origin(models.TextChoices):
        CURATED = "curated", "Curated file"
        EXTRACTED = "extracted", "Found by the extractor"
        MANUAL = "manual", "Added by an editor"
        SUBMITTED = "submitted", "Submitted"

    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.PROTECT, related_name="claims"
    )
    # For a claim that comes without an article (a reader's or a client's submission).
    source_url = models.URLField(max_length=2000, blank=True)
    text = models.TextField()
    # Character offsets of `text` in article.body, so pages can highlight it.
    span_start = models.PositiveIntegerField(null=True, blank=True)
    span_end = models.PositiveIntegerField(null=True, blank=True)
    claimant = models.ForeignKey(
        Claimant, null=True, blank=True, on_delete=models.PROTECT, related_name="claims"
    )
    claim_date = models.DateField(null=True, blank=True)
    checkworthiness = models.FloatField(null=True, blank=True)
    checkworthiness_reasons = models.JSONField(default=list, blank=True)
    origin = models.CharField(max_length=20, choices=Origin.choices, default=Origin.MANUAL)
    # Only reviews.services changes status: every change writes a transition row.
    # Indexed by Meta.indexes (status first), not alone.
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_claims",
    )
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )
    # Optimistic concurrency: bumped by every write, so an edit made from a stale copy
    # can be refused instead of overwriting newer work.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The public page exists: a verdict was published (set by the review workflow). It
    # stays while the claim is reopened for a correction, and after a withdrawal, whose
    # note the page then shows where the verdict was.
    is_public = models.BooleanField(default=False)
    # Reopened for a correction: the published verdict stands, marked under review.
    under_review_since = models.DateTimeField(null=True, blank=True)
    # When similarity linking last ran for this claim: null means never, which the
    # periodic sweep for undone work (claims.tasks.sweep_unlinked_claims) looks for.
    linked_at = models.DateTimeField(null=True, blank=True, editable=False)
    # A copy of article.published, kept by the database (triggers, migration claims 0014)
    # whatever writes the claim or its article: the desk's sort by article date walks an
    # index on it, where an order on the joined article's column sorts every claim.
    # Read it from the database; an instance's copy can be older than the row.
    article_published = models.DateField(null=True, blank=True, editable=False)

    # linked_at and article_published are the machine's bookkeeping, not a change anyone
    # made.
    history = HistoricalRecords(excluded_fields=["linked_at", "article_published"])

    class Meta:
        ordering = ["-created_at", "-id"]
        # The claim list's keyset pagination walks one of these in its order and stops
        # after a page: each ordering the API offers (with id as the tie-break the cursor
        # needs), alone and after the status filter the desk always sets. Measured at
        # 1,000,000 claims in bench/http_bench.py.
        indexes = [
            models.Index(fields=["status", "-checkworthiness"]),
            models.Index(
                fields=["created_at"], condition=Q(linked_at__isnull=True), name="claim_unlinked"
            ),
            models.Index(fields=["status", "id"], name="claim_status_id"),
            models.Index(fields=["created_at", "id"], name="claim_created_id"),
            models.Index(fields=["updated_at", "id"], name="claim_updated_id"),
            models.Index(fields=["status", "created_at", "id"], name="claim_status_created_id"),
            models.Index(fields=["status", "updated_at", "id"], name="claim_status_updated_id"),
            # A range of claim dates: the newest id in it, read from the index alone, bounds
            # the default order's walk (claims.api.filters), and the range's rows.
            models.Index(fields=["claim_date", "id"], name="claim_date_id"),
            # A person's claims by state, latest change first (the dashboard's "My claims"
            # and its total): an index range, however many claims others have.
            models.Index(
                fields=["assignee", "status", "-updated_at", "-id"], name="claim_assignee_status"
            ),
            # The desk's queue (new, nobody on it), in the dashboard's order: its first rows
            # and its total (an index-only count) without reading the other claims.
            models.Index(
                fields=["-checkworthiness", "-created_at", "-id"],
                condition=Q(status="new", assignee__isnull=True),
                name="claim_queue",
            ),
            # The desk's sort by article date has its indexes in migration claims 0014:
            # PostgreSQL's need NULLS LAST, which SQLite's CREATE INDEX does not take.
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["new", "in_review", "proposed", "published", "dismissed"]),
                name="claim_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(origin__in=["curated", "extracted", "manual", "submitted"]),
                name="claim_origin_valid",
            ),
            # A claim is either a span of an article or a submission with a source url.
            models.CheckConstraint(
                condition=(
                    Q(article__isnull=False, span_start__isnull=False, span_end__isnull=False)
                    | (
                        Q(article__isnull=True, span_start__isnull=True, span_end__isnull=True)
                        & ~Q(source_url="")
                    )
                ),
                name="claim_has_article_span_or_source_url",
            ),
            # The span is inside the article (its end against the body's length is
            # checked in claims.services, which a CHECK cannot see across tables).
            models.CheckConstraint(
                condition=Q(span_start__isnull=True) | Q(span_start__lt=models.F("span_end")),
                name="claim_span_start_before_end",
            ),
            models.UniqueConstraint(
                fields=["article", "span_start", "span_end"],
                condition=Q(article__isnull=False),
                name="claim_unique_span_per_article",
            ),
            models.CheckConstraint(condition=~Q(text=""), name="claim_text_not_empty"),
            models.CheckConstraint(
                condition=Q(checkworthiness__isnull=True)
                | Q(checkworthiness__gte=0, checkworthiness__lte=1),
                name="claim_checkworthiness_0_to_1",
            ),
        ]

    def __str__(self) -> str:
        return self.text if len(self.text) <= 80 else self.text[:77] + "..."


class SimilarClaim(models.Model):
    """A link between two claims in different articles that state the same thing."""

    class Decision(models.TextChoices):
        PENDING = "pending", "Not reviewed"
        CONFIRMED = "confirmed", "Confirmed by an editor"
        REJECTED = "rejected", "Rejected by an editor"

    # Stored once per pair with from_claim.id < to_claim.id; read in both directions.
    from_claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="similar_out")
    to_claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="similar_in")
    score = models.FloatField()
    # Both claims carry a number or date for the same thing, and they differ.
    conflicting = models.BooleanField(default=False)
    conflict_detail = models.CharField(max_length=300, blank=True)
    decision = models.CharField(max_length=20, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-score", "id"]
        constraints = [
            models.UniqueConstraint(fields=["from_claim", "to_claim"], name="similar_unique_pair"),
            models.CheckConstraint(
                condition=Q(from_claim__lt=models.F("to_claim")), name="similar_ordered_pair"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=1), name="similar_score_0_to_1"
            ),
            models.CheckConstraint(
                condition=Q(decision__in=["pending", "confirmed", "rejected"]),
                name="similar_decision_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.from_claim_id} ~ #{self.to_claim_id} ({self.score:.2f})"


class ClaimEmbedding(models.Model):
    """A claim's sentence embedding, the truth that vector indexes are rebuilt from.

    float32 little-endian bytes (claims.embedding.to_bytes), with the model that made
    them: a vector of another model is stale and is computed again."""

    claim = models.OneToOneField(
        Claim, primary_key=True, on_delete=models.CASCADE, related_name="embedding"
    )
    model = models.CharField(max_length=100)
    vector = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["model", "claim"], name="claimembedding_model_claim")]

    def __str__(self) -> str:
        return f"embedding of #{self.claim_id} ({self.model})"


class ClaimEmbeddingChange(models.Model):
    """A claim whose stored embedding was added, removed or rewritten: database triggers
    (claims 0015) add a row for each in the same transaction, whatever wrote it (linking,
    a cascade from a deleted claim, COPY). A vector index built up to one row of this log
    is brought up to date by reading the rows after it (claims.vectors) instead of
    counting or comparing every stored vector. Nothing else writes it."""

    claim_id = models.BigIntegerField()

    def __str__(self) -> str:
        return f"embedding of #{self.claim_id} changed"


class SimilarityWord(models.Model):
    """One content word of a claim: the lexical index that linking looks candidates up in
    on every database, filled by claims.similarity as claims are linked (and on
    PostgreSQL by migration 0016 for the claims of before).

    The key (word, claim) is the index the prefilter reads: the claims that use a word,
    and how many. No foreign key constraint in the database: rows of deleted claims are
    skipped by the join to claims_claim, and the table never blocks a claim's deletion.
    The table predates this model (migration 0003 made it, WITHOUT ROWID on SQLite);
    migration 0009 gives it a model state without touching it."""

    pk = models.CompositePrimaryKey("word", "claim")
    word = models.CharField(max_length=100)
    claim = models.ForeignKey(
        Claim,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )

    class Meta:
        db_table = "claims_similarity_word"
        indexes = [models.Index(fields=["claim"], name="claims_similarity_word_claim")]

    def __str__(self) -> str:
        return f"{self.word!r} in #{self.claim_id}"


class ArticleIntake(models.Model):
    """An article sent from the desk's browser (pasted or uploaded) that is too long to
    load while the page waits: the loader runs it in the background (claims.tasks.
    load_intake, through the outbox) and writes the outcome here, which the page polls."""

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting for the worker"
        RUNNING = "running", "Finding claims"
        DONE = "done", "Done"
        REFUSED = "refused", "Refused"

    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # What the person sent: "pasted text" or the file's name.
    where = models.CharField(max_length=300)
    title = models.CharField(max_length=500, blank=True)
    characters = models.PositiveIntegerField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The loader's outcome: new, unchanged, conflict (see claims.loading.LoadResult).
    outcome = models.CharField(max_length=20, blank=True)
    claims_created = models.PositiveIntegerField(default=0)
    problem = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["queued", "running", "done", "refused"]),
                name="articleintake_state_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.where} ({self.state})"


class ReaderSubmission(models.Model):
    """Who asked for a claim to be checked (claims.submissions): kept apart from the claim,
    which the desk, the API and the exports show, since a reader's address is never shown.
    Read once, by the mail sent when the claim's verdict is published."""

    claim = models.OneToOneField(Claim, on_delete=models.CASCADE, related_name="reader_submission")
    email = models.EmailField(max_length=254, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # When the one mail went (set before sending, so two runs never send it twice).
    notified_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"submission of #{self.claim_id}"


class ClaimStatusCount(models.Model):
    """How many claims stand in each state, exact without counting them: database triggers
    (claims 0013) add a row for every insert, delete and change of status in the same
    transaction (+1 to the new state, -1 to the old one; one row a state for a whole
    INSERT or DELETE statement on PostgreSQL), so the sum of a state's rows is its count,
    whichever path wrote the claim (the workflow, the loader's COPY or multi-row insert,
    a cascade). `claims.services.counts.fold_status_counts` folds the rows into one a
    state. Read by `claims.selectors.claims_by_status`; nothing else writes it."""

    status = models.CharField(max_length=20)
    n = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.status} {self.n:+d}"
