"""Background work of intake: loading queued articles and linking similar claims.

Tasks take ids or a self-contained payload, call the same services as the command and
the API, and are safe to run twice (loading is idempotent by content hash; linking
stores each pair once and never touches a decided link).
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import OperationalError

log = logging.getLogger(__name__)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def link_similar_claims(claim_ids: list[int]) -> int:
    """Link new claims to the claims of other articles that state the same thing."""
    from claims.similarity import link_similar

    return link_similar(claim_ids)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
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
