"""Background work of the review desk. Tasks take ids, are idempotent, and retry."""

from __future__ import annotations

import hashlib
import logging
import urllib.error
import urllib.request

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone

from claims.models import Claim
from reviews.models import Evidence

log = logging.getLogger(__name__)

ARCHIVE_MAX_BYTES = 5_000_000
ARCHIVE_TIMEOUT_SECONDS = 20


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_assignment(claim_id: int, user_id: int) -> None:
    """Tell a reviewer that a claim was assigned to them."""
    claim = Claim.objects.select_related("article").filter(pk=claim_id).first()
    user = get_user_model().objects.filter(pk=user_id).first()
    if claim is None or user is None or not user.email:
        return
    if claim.assignee_id != user.pk:  # reassigned since: this mail would be wrong
        return
    lines = ["You have a claim to review:", "", claim.text, ""]
    if claim.article is not None:
        lines.append(f"From: {claim.article}")
    elif claim.source_url:
        lines.append(f"Source: {claim.source_url}")
    if settings.FACTCHECK_SITE_URL:
        # Without a configured site url we cannot know the host the reader uses.
        base = settings.FACTCHECK_SITE_URL.rstrip("/")
        lines.append(f"Open it: {base}{reverse('admin:claims_claim_change', args=[claim.pk])}")
    send_mail(
        subject=f"[factcheck] Claim #{claim.pk} is assigned to you",
        message="\n".join(lines) + "\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[user.email],
    )


def fetch(url: str) -> tuple[int, bytes, str]:
    """GET a page: (HTTP status, body, content type). Raises OSError when unreachable."""
    if not url.lower().startswith(("http://", "https://")):
        raise ValueError(f"Only http(s) pages are archived, not {url!r}.")
    request = urllib.request.Request(url, headers={"User-Agent": "factcheck-archiver/1.0"})  # noqa: S310 (scheme checked above)
    try:
        with urllib.request.urlopen(request, timeout=ARCHIVE_TIMEOUT_SECONDS) as response:  # noqa: S310
            return (
                response.status,
                response.read(ARCHIVE_MAX_BYTES),
                response.headers.get("Content-Type", ""),
            )
    except urllib.error.HTTPError as error:
        return error.code, error.read(ARCHIVE_MAX_BYTES), error.headers.get("Content-Type", "")


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def archive_evidence(evidence_id: int) -> None:
    """Keep a copy of an evidence page: time, HTTP status, content hash, extracted text."""
    evidence = Evidence.objects.filter(pk=evidence_id).only("url").first()
    if evidence is None:
        return
    status, body, content_type = fetch(evidence.url)
    from claims.html import html_to_text

    text = body.decode("utf-8", errors="replace")
    if "html" in content_type.lower():
        text = html_to_text(text)
    # A conditional update: if the url changed while we fetched, a newer task archives it.
    Evidence.objects.filter(pk=evidence_id, url=evidence.url).update(
        archived_at=timezone.now(),
        archive_status=status,
        archive_hash=hashlib.sha256(body).hexdigest(),
        archive_text=text[:200_000],
        archive_error="" if status < 400 else f"HTTP {status}",
    )
