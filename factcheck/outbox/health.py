"""What `manage.py doctor` and /healthz report: database, broker, worker heartbeat, the
outbox's backlog and its oldest undone task. Each check is ok or not, with one line."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.utils import timezone


@dataclass
class Check:
    name: str
    ok: bool
    detail: str


def _eager() -> bool:
    from factcheck.celery import app

    return bool(app.conf.task_always_eager)


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return Check("database", True, f"{connection.vendor} answers")
    except Exception as error:
        return Check("database", False, f"unreachable: {type(error).__name__}")


def check_broker() -> Check:
    if _eager():
        return Check("broker", True, "none configured: tasks run in process (embedded default)")
    from factcheck.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=settings.CELERY_BROKER_CONNECTION_TIMEOUT)
        return Check("broker", True, "answers")
    except Exception as error:
        return Check("broker", False, f"unreachable: {type(error).__name__}")


def heartbeat_limit() -> float:
    return max(3 * settings.FACTCHECK_RELAY_INTERVAL, 30)


def check_worker() -> Check:
    from factcheck.outbox.models import Heartbeat

    if _eager():
        return Check("worker", True, "none needed: tasks run in process (embedded default)")
    try:
        seen = Heartbeat.objects.filter(name="worker").values_list("seen_at", flat=True).first()
    except Exception as error:
        return Check("worker", False, f"cannot read the heartbeat: {type(error).__name__}")
    if seen is None:
        return Check("worker", False, "no heartbeat yet: is `celery worker --beat` running?")
    age = (timezone.now() - seen).total_seconds()
    if age > heartbeat_limit():
        return Check(
            "worker", False, f"last heartbeat {age:.0f} s ago (limit {heartbeat_limit():.0f} s)"
        )
    return Check("worker", True, f"heartbeat {age:.0f} s ago")


def check_outbox() -> list[Check]:
    from factcheck.outbox.services import backlog

    try:
        b = backlog()
    except Exception as error:
        return [Check("outbox", False, f"cannot read: {type(error).__name__}")]
    checks = [
        Check(
            "outbox",
            b.failed == 0,
            f"{b.pending} pending, {b.sent} sent, {b.failed} failed"
            + (" (see the admin, or `manage.py relay_outbox --retry-failed`)" if b.failed else ""),
        )
    ]
    if b.oldest_undone is None:
        checks.append(Check("oldest undone task", True, "none"))
    else:
        age = (timezone.now() - b.oldest_undone).total_seconds()
        limit = settings.FACTCHECK_HEALTH_MAX_TASK_AGE
        checks.append(
            Check(
                "oldest undone task",
                age <= limit,
                f"{b.oldest_undone_task}, queued {age:.0f} s ago (limit {limit} s)",
            )
        )
    return checks


def run_checks() -> list[Check]:
    database = check_database()
    if not database.ok:
        return [database, check_broker()]
    return [database, check_broker(), check_worker(), *check_outbox()]
