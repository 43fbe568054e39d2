"""The outbox's tasks for webhooks: one delivery attempt, and the owner's mail when a
hook is paused. Both take ids and are safe to run twice."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse


@shared_task
def deliver(delivery_id: int) -> str:
    """Send one delivery (services.deliver); a failure that may pass raises, and the
    outbox tries again with backoff."""
    from reviews.webhooks.services import deliver as send

    return send(delivery_id)


@shared_task
def notify_paused(webhook_id: int) -> None:
    """Tell a hook's owner that it was paused, and how to resume it."""
    from reviews.webhooks.models import Webhook

    hook = Webhook.objects.select_related("owner").filter(pk=webhook_id).first()
    if hook is None or not hook.is_paused or not hook.owner.email:
        return
    lines = [
        f"Your webhook {hook.url} is paused: {hook.paused_reason}.",
        "",
        "Nothing is sent to it until you resume it; what happens meanwhile is kept and",
        f"sent then. Resume it in the admin or with POST /api/v1/webhooks/{hook.pk}/resume/.",
    ]
    if settings.FACTCHECK_SITE_URL:
        base = settings.FACTCHECK_SITE_URL.rstrip("/")
        lines.append(f"Open it: {base}{reverse('admin:webhooks_webhook_change', args=[hook.pk])}")
    send_mail(
        subject=f"[factcheck] Webhook #{hook.pk} is paused",
        message="\n".join(lines) + "\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[hook.owner.email],
    )
