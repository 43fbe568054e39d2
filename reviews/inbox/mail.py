"""The mail of a notification: a subject and a plain-text body that names the claim, the
step and its comment, and links to the claim's page on the desk (never the admin)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from reviews.inbox.models import Notification

Kind = Notification.Kind

SUBJECTS = {
    Kind.ASSIGNED: "Claim #{id} is assigned to you",
    Kind.SENT_BACK: "Claim #{id} was sent back to you",
    Kind.AWAITING: "Claim #{id} awaits your approval",
    Kind.PUBLISHED: "Claim #{id} is published",
    Kind.CORRECTION: "Claim #{id} needs a correction",
}
OPENINGS = {
    Kind.ASSIGNED: "You have a claim to review:",
    Kind.SENT_BACK: "Your proposed verdict was sent back for more work:",
    Kind.AWAITING: "A verdict is proposed and awaits an editor's approval:",
    Kind.PUBLISHED: "The verdict on this claim is published:",
    Kind.CORRECTION: "This published claim was reopened for a correction:",
}


def desk_link(claim_id: int) -> str:
    """The claim's page on the desk, absolute when the site's url is configured (without
    it we cannot know the host the reader uses), else the path."""
    path = reverse("desk-claim", args=[claim_id])
    base = (settings.FACTCHECK_SITE_URL or "").rstrip("/")
    return f"{base}{path}"


def compose(notification: Notification) -> tuple[str, str]:
    """(subject, body) of the notification's mail."""
    claim, step = notification.claim, notification.transition
    lines = [OPENINGS[notification.kind], "", claim.text, ""]
    if claim.article is not None:
        lines.append(f"From: {claim.article}")
    elif claim.source_url:
        lines.append(f"Source: {claim.source_url}")
    who = step.actor.get_username()
    lines.append(f"{step.get_action_display()} by {who}.")
    if step.comment:
        lines += ["", step.comment]
    lines += ["", f"Open it: {desk_link(claim.pk)}"]
    subject = "[factcheck] " + SUBJECTS[notification.kind].format(id=claim.pk)
    return subject, "\n".join(lines) + "\n"
