"""Background work of intake: loading queued articles and linking similar claims.

Tasks take ids or a self-contained payload, call the same services as the command and
the API, and are safe to run twice (loading is idempotent by content hash; linking
stores each pair once and never touches a decided link).
"""

from __future__ import annotations

import logging

from celery import shared_task

log = logging.getLogger(__name__)


LINK_TASK = "claims.tasks.link_similar_claims"
# Claims a sweep queues for linking per message (and per sweep: the rest wait for the next).
SWEEP_LINK_BATCH = 2000
SWEEP_LINK_MOST = 20_000


@shared_task
def link_similar_claims(claim_ids: list[int]) -> int:
    """Link new claims to the claims of other articles that state the same thing, and
    note that they were linked (the sweep for undone work looks for those that were not)."""
    from django.utils import timezone

    from claims.models import Claim
    from claims.similarity import link_similar

    made = link_similar(claim_ids)
    Claim.objects.filter(pk__in=claim_ids).update(linked_at=timezone.now())
    return made


def queue_linking(claim_ids: list[int]) -> None:
    """Record, in the caller's transaction, that these new claims are to be linked, and
    announce them (claims.signals.claims_created) in the same transaction: every path
    that stores new claims comes through here."""
    from claims.signals import claims_created
    from factcheck.outbox import enqueue

    if claim_ids:
        enqueue(LINK_TASK, claim_ids=list(claim_ids))
        claims_created.send(sender=LINK_TASK, claim_ids=list(claim_ids))


def sweep_unlinked_claims() -> int:
    """Queue linking for claims never linked (their message failed, or they were stored
    before the outbox), older than FACTCHECK_SWEEP_GRACE_SECONDS."""
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    from claims.models import Claim
    from factcheck.outbox import enqueue

    grace = timezone.now() - timedelta(seconds=settings.FACTCHECK_SWEEP_GRACE_SECONDS)
    ids = list(
        Claim.objects.filter(linked_at__isnull=True, created_at__lt=grace)
        .order_by("pk")
        .values_list("pk", flat=True)[:SWEEP_LINK_MOST]
    )
    for at in range(0, len(ids), SWEEP_LINK_BATCH):
        chunk = ids[at : at + SWEEP_LINK_BATCH]
        # Keyed by the chunk: a sweep that runs again before the last one's messages ran
        # does not queue the same claims twice.
        enqueue(LINK_TASK, key=f"sweep:link:{chunk[0]}-{chunk[-1]}", claim_ids=chunk)
    return len(ids)


def prune_vector_log() -> int:
    """Delete the vector indexes' change log but its last FACTCHECK_VECTOR_LOG_KEEP rows
    (claims.vectors.prune_log); returns how many rows went."""
    from claims.vectors import prune_log

    return prune_log()


def rebuild_vector_index(model: str, built: int) -> bool:
    """Build a vector index that outgrew its cells, beside the workers searching the old
    one (claims.vectors.rebuild); nothing when a newer build is there already."""
    from claims.vectors import rebuild

    return rebuild(model=model, built=built)


def fold_status_counts() -> int:
    """Fold the rows the status-count triggers added (claims.services.counts): the
    dashboard's claims by state stay a few rows to read."""
    from claims.services import fold_status_counts as fold

    return fold()


@shared_task
def load_article_payload(payload: dict, replace: bool = False) -> str:
    """Load one article queued by `load_articles --async` (see loading.source_to_payload).

    Returns the summary line; input the loader refuses is logged, not retried.
    """
    from claims.loading import InputError, load_article, source_from_payload

    try:
        result = load_article(source_from_payload(payload), replace=replace)
    except InputError as error:
        log.warning("refused queued article: %s", error)
        return f"error: {error}"
    log.info("%s", result.line())
    return result.line()


def load_intake(intake_id: int, payload: dict) -> str:
    """Load an article sent from the desk's browser that was too long to wait for
    (claims.intake.queue_article), and record its outcome on its ArticleIntake."""
    from claims.intake import run_intake

    return run_intake(intake_id=intake_id, payload=payload)
