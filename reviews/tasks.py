"""Background work of the review desk. Tasks take ids and are idempotent; they reach a
worker through the outbox (factcheck.outbox), which retries them with backoff."""

from __future__ import annotations

import hashlib
import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from claims.models import Claim
from factcheck import fetch as guarded
from reviews.models import Evidence

log = logging.getLogger(__name__)


@shared_task
def notify_assignment(claim_id: int, user_id: int) -> None:
    """Tell a reviewer that a claim was assigned to them (the messages queued before the
    inbox; assignments now mail through `mail_notification`). A mail server that refuses
    raises, and the outbox tries again later."""
    from reviews.inbox.mail import desk_link

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
    lines.append(f"Open it: {desk_link(claim.pk)}")
    send_mail(
        subject=f"[factcheck] Claim #{claim.pk} is assigned to you",
        message="\n".join(lines) + "\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[user.email],
    )


@shared_task
def mail_notification(notification_id: int) -> None:
    """Mail a notification to its person, as they chose (reviews.inbox). Safe to run
    twice; a mail server that refuses raises, and the outbox tries again later."""
    from reviews.inbox.mail import compose
    from reviews.inbox.models import Notification

    notification = (
        Notification.objects.select_related("user", "claim__article", "transition__actor")
        .filter(pk=notification_id)
        .first()
    )
    if notification is None or not notification.user.email or not notification.user.is_active:
        return
    claim = notification.claim
    if (
        notification.kind == Notification.Kind.ASSIGNED
        and claim.assignee_id != notification.user_id
    ):
        return  # reassigned since: this mail would be wrong
    subject, body = compose(notification)
    send_mail(
        subject=subject,
        message=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[notification.user.email],
    )


def fetch(url: str) -> tuple[int, bytes, str]:
    """GET a page through the guarded client: (HTTP status, body, content type). Raises
    FetchRefused for a url we will not fetch, FetchFailed when it does not answer."""
    response = guarded.fetch(url)
    return response.status, response.body, response.content_type


class ArchiveRetry(Exception):
    """Tells the outbox to try again later."""


# A page that answers these may answer later; any other 4xx will not.
_TRANSIENT_STATUSES = {408, 425, 429}


@shared_task
def archive_evidence(evidence_id: int) -> None:
    """Keep a copy of an evidence page: time, HTTP status, content hash, extracted text.

    A fetch that fails for a reason that may pass (no answer, a 5xx, a 429) is retried
    through the outbox with backoff, up to FACTCHECK_ARCHIVE_MAX_ATTEMPTS; then, or at
    once for a reason that will not pass (a 404, a url we do not fetch), the evidence is
    marked failed with the reason. Safe to run twice: only a pending copy is fetched.
    """
    evidence = Evidence.objects.filter(pk=evidence_id).only("url", "archive_state").first()
    if evidence is None or evidence.archive_state != Evidence.ArchiveState.PENDING:
        return
    url = evidence.url
    try:
        status, body, content_type = fetch(url)
    except guarded.FetchRefused as error:
        # Loopback, private, link-local ... addresses, other schemes, oversize answers:
        # the archive's final state says why, and nothing was fetched from there.
        return _archive_failed(evidence_id, url, f"refused: {error.reason}", final=True)
    except (guarded.FetchFailed, OSError) as error:
        reason = getattr(error, "reason", None) or error
        return _archive_failed(evidence_id, url, f"{type(error).__name__}: {reason}", final=False)
    if status >= 400:
        transient = status >= 500 or status in _TRANSIENT_STATUSES
        return _archive_failed(evidence_id, url, f"HTTP {status}", final=not transient)
    from claims.html import html_to_text

    text = body.decode("utf-8", errors="replace")
    if "html" in content_type.lower():
        text = html_to_text(text)
    # A conditional update: if the url changed while we fetched, a newer task archives it.
    Evidence.objects.filter(pk=evidence_id, url=url).update(
        archive_state=Evidence.ArchiveState.ARCHIVED,
        archive_attempts=F("archive_attempts") + 1,
        archived_at=timezone.now(),
        archive_status=status,
        archive_hash=hashlib.sha256(body).hexdigest(),
        archive_text=text[:200_000],
        archive_error="",
    )


def _archive_failed(evidence_id: int, url: str, reason: str, *, final: bool) -> None:
    reason = reason[:300]
    row = Evidence.objects.filter(pk=evidence_id, url=url)
    row.update(archive_attempts=F("archive_attempts") + 1, archive_error=reason)
    attempts = row.values_list("archive_attempts", flat=True).first() or 0
    if final or attempts >= settings.FACTCHECK_ARCHIVE_MAX_ATTEMPTS:
        row.update(archive_state=Evidence.ArchiveState.FAILED)
        log.warning("archive of evidence %s failed for good: %s", evidence_id, reason)
        return
    raise ArchiveRetry(reason)


# -- the periodic sweep (factcheck.outbox.services.finish_undone) ----------------------


def sweep_unarchived_evidence() -> int:
    """Queue the archive of evidence still pending with no archive queued (its message
    failed, or it predates the outbox)."""
    from factcheck.outbox.models import Message
    from reviews.services import queue_archive

    grace = timezone.now() - timedelta(seconds=settings.FACTCHECK_SWEEP_GRACE_SECONDS)
    undone = Message.objects.filter(state__in=["pending", "sent"], task=ARCHIVE_TASK)
    queued = {m.kwargs.get("evidence_id") for m in undone.only("kwargs")}
    count = 0
    for pk in Evidence.objects.filter(
        archive_state=Evidence.ArchiveState.PENDING, created_at__lt=grace
    ).values_list("pk", flat=True)[:1000]:
        if pk not in queued:
            queue_archive(pk)
            count += 1
    return count


ARCHIVE_TASK = "reviews.tasks.archive_evidence"
MAIL_TASK = "reviews.tasks.notify_assignment"
REMINDER_TASK = "reviews.tasks.send_reminder"


def send_reminders() -> int:
    """Queue one reminder a day for each reviewer with a claim waiting longer than
    FACTCHECK_REMIND_REVIEW_DAYS, and for each editor while a proposal has waited longer
    than FACTCHECK_REMIND_APPROVAL_HOURS. The day is in the message key, and keys of sent
    reminders are kept, so a sweep that runs every few minutes mails once a day."""
    from factcheck.outbox import enqueue
    from factcheck.outbox.models import Message

    now = timezone.now()
    today = now.date().isoformat()
    waiting = now - timedelta(days=settings.FACTCHECK_REMIND_REVIEW_DAYS)
    reviewers = set(
        Claim.objects.filter(
            status=Claim.Status.IN_REVIEW, assignee__isnull=False, updated_at__lt=waiting
        ).values_list("assignee_id", flat=True)
    )
    wanted = [(f"remind:review:{uid}:{today}", uid, "review") for uid in sorted(reviewers)]
    old = now - timedelta(hours=settings.FACTCHECK_REMIND_APPROVAL_HOURS)
    if Claim.objects.filter(status=Claim.Status.PROPOSED, updated_at__lt=old).exists():
        editors = (
            get_user_model()
            .objects.filter(is_active=True)
            .filter(Q(groups__name="Editor") | Q(is_superuser=True))
            .exclude(email="")
            .distinct()
            .values_list("pk", flat=True)
        )
        wanted += [(f"remind:approve:{uid}:{today}", uid, "approve") for uid in sorted(editors)]
    seen = set(
        Message.objects.filter(key__in=[k for k, _, _ in wanted]).values_list("key", flat=True)
    )
    count = 0
    for key, uid, kind in wanted:
        if key not in seen and enqueue(REMINDER_TASK, key=key, user_id=uid, kind=kind):
            count += 1
    return count


@shared_task
def send_reminder(user_id: int, kind: str) -> None:
    """Mail a reviewer the claims that wait for them, or an editor the approval queue."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return
    now = timezone.now()
    if kind == "review":
        since = now - timedelta(days=settings.FACTCHECK_REMIND_REVIEW_DAYS)
        claims = Claim.objects.filter(
            status=Claim.Status.IN_REVIEW, assignee=user, updated_at__lt=since
        )
        intro = "These claims have waited for your review:"
    else:
        since = now - timedelta(hours=settings.FACTCHECK_REMIND_APPROVAL_HOURS)
        claims = Claim.objects.filter(status=Claim.Status.PROPOSED, updated_at__lt=since)
        intro = "These proposed verdicts wait for an editor's approval:"
    claims = list(claims.order_by("updated_at", "pk")[:50])
    if not claims:
        return
    lines = [intro, ""]
    lines += [f"#{c.pk} (since {c.updated_at:%Y-%m-%d}): {c}" for c in claims]
    send_mail(
        subject=f"[factcheck] {len(claims)} claim(s) waiting",
        message="\n".join(lines) + "\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[user.email],
    )


@shared_task
def run_export(job_id: int) -> str:
    """Write a background export's file (reviews.export_jobs.run_export)."""
    from reviews.export_jobs import run_export as run

    return run(job_id)


@shared_task
def match_external_fact_checks(claim_ids: list[int]) -> int:
    """Match new claims to imported fact checks (reviews.external_matching)."""
    from reviews.external_matching import match_claims

    return match_claims(claim_ids)


@shared_task
def match_new_fact_checks(external_ids: list[int]) -> int:
    """Match newly imported fact checks to our claims (reviews.external_matching)."""
    from reviews.external_matching import match_fact_checks

    return match_fact_checks(external_ids)


def mail_reader_submitters(claim_id: int) -> int:
    """Tell each reader who asked for this claim to be checked, and left an address, that
    its verdict is published: once each, ever (a correction later sends nothing). Each
    row is claimed before its mail goes, so two runs cannot both send it; a mail server
    that refuses puts the row back and raises, and the outbox tries again later."""
    from claims.models import ReaderSubmission
    from reviews.models import Verdict

    verdict = (
        Verdict.objects.filter(claim_id=claim_id, state=Verdict.State.APPROVED)
        .select_related("rating", "claim")
        .first()
    )
    if verdict is None:  # withdrawn or reopened since: nothing to announce
        return 0
    waiting = ReaderSubmission.objects.filter(claim_id=claim_id, notified_at__isnull=True).exclude(
        email=""
    )
    lines = [
        "You asked us to check this claim:",
        "",
        f"  {verdict.claim.text}",
        "",
        f"Our verdict: {verdict.rating.label}. {verdict.summary}",
    ]
    if settings.FACTCHECK_SITE_URL:
        base = settings.FACTCHECK_SITE_URL.rstrip("/")
        path = reverse("public-claim", args=[claim_id])
        lines += ["", f"The fact check: {base}{path}"]
    lines += ["", "This is the only mail we send about it. Thank you for asking."]
    sent = 0
    for submission in waiting:
        claimed = ReaderSubmission.objects.filter(
            pk=submission.pk, notified_at__isnull=True
        ).update(notified_at=timezone.now())
        if not claimed:
            continue
        try:
            send_mail(
                subject=f"[factcheck] Our fact check of the claim you sent: {verdict.rating.label}",
                message="\n".join(lines) + "\n",
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[submission.email],
            )
        except Exception:
            ReaderSubmission.objects.filter(pk=submission.pk).update(notified_at=None)
            raise
        sent += 1
    return sent
