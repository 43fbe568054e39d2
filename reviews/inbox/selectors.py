"""Reads of the inbox: a person's notifications with what each row shows, and the
header's unread count. Each is one query, however many rows."""

from __future__ import annotations

from django.db.models import QuerySet

from reviews.inbox.models import Notification


def inbox(user, *, unread_only: bool = False) -> QuerySet[Notification]:
    rows = Notification.objects.filter(user=user).select_related("claim", "transition__actor")
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    return rows.order_by("-created_at", "-id")


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
