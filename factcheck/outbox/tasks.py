"""The outbox's Celery tasks: the one task every message travels as, and the periodic
relay and sweep (scheduled by CELERY_BEAT_SCHEDULE in settings)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="outbox.run")
def run(message_id: int) -> str:
    """Run one outbox message (idempotent: a duplicate delivery is skipped)."""
    from factcheck.outbox.services import run_message

    return run_message(message_id)


@shared_task(name="outbox.relay")
def relay() -> int:
    """Send what is due and recover runs whose worker died; proves the worker alive."""
    from factcheck.outbox import services

    services.beat("worker")
    services.requeue_stale()
    result = services.relay()
    return result.sent + result.ran


@shared_task(name="outbox.finish_undone")
def finish_undone() -> dict[str, int]:
    """Find and finish the work a fault left undone (see services.finish_undone)."""
    from factcheck.outbox import services

    return services.finish_undone()
