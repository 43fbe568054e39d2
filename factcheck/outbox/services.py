"""The life of an outbox message.

1. enqueue() writes the row in the caller's transaction; nothing leaves the process yet,
   so a rolled-back write queues nothing and a committed one cannot lose its work.
2. After commit the message is handed over at once: to the broker as one small
   `outbox.run` task carrying the message id, or, on the embedded default (no broker),
   run here. relay() claims each row with a conditional UPDATE (a due pending row's due
   time moved on by RELAY_CLAIM_SECONDS), so two relays never both send it, and a relay
   that dies before the broker has it leaves it due again soon; once the broker took
   it, the row is marked sent. A broker that refuses leaves the row pending, and the
   periodic relay (Celery beat, or `manage.py relay_outbox`) sends it later.
3. run_message() runs the task. It takes a lease with another conditional UPDATE, so a
   duplicate delivery of a message that is running or done does nothing; a run whose
   worker was killed leaves an expired lease, and the message runs again (Redis gives
   the unacknowledged task back after its visibility timeout; the relay re-sends a
   sent message whose lease ran out, whichever comes first).
4. A task that raises is retried with exponential backoff, as a pending row due later,
   until max_attempts; then the row is failed, with its last error, for an operator to
   see (doctor, /healthz, the admin) and retry. A task raises GiveUp to fail at once.

Tasks are plain functions (or Celery tasks, called in process) named by dotted path,
taking JSON keyword arguments; they must be safe to run twice (they take ids and load
the rows), because a worker killed after the work and before recording it runs it again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Min, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from factcheck.outbox.models import Heartbeat, Message

log = logging.getLogger(__name__)

State = Message.State
UNDONE = (State.PENDING, State.SENT)


class GiveUp(Exception):
    """Raised by a task whose work can never succeed: fail now, do not retry."""


# After the broker refused a message, the after-commit hand-over of later writes is
# skipped for this long: each would otherwise wait for its own failed connection, and
# the periodic relay sends them all once the broker is back.
BROKER_DOWN_SECONDS = 15.0
_broker_down_until = 0.0
# A relay that claimed a message and died before the broker took it: the message is
# due again after this long (sent twice at worst, which the run's lease makes harmless).
RELAY_CLAIM_SECONDS = 30


def _eager() -> bool:
    from factcheck.celery import app

    return bool(app.conf.task_always_eager)


def enqueue(
    task: str,
    *,
    key: str | None = None,
    delay: float = 0,
    max_attempts: int | None = None,
    **kwargs,
) -> Message | None:
    """Record `task(**kwargs)` to run after the current transaction commits.

    With a `key`, a second enqueue while a message with that key waits is a no-op
    (returns None). `delay` holds it back that many seconds.
    """
    import_string(task)  # a typo fails the write that asked for it, not a worker later
    if key and Message.objects.filter(key=key, state=State.PENDING).exists():
        return None
    try:
        # A savepoint: on PostgreSQL a failed INSERT would poison the caller's transaction.
        with transaction.atomic():
            message = Message.objects.create(
                task=task,
                kwargs=kwargs,
                key=key or "",
                next_attempt_at=timezone.now() + timedelta(seconds=delay),
                max_attempts=max_attempts or settings.FACTCHECK_TASK_MAX_ATTEMPTS,
            )
    except IntegrityError:
        if key and Message.objects.filter(key=key, state=State.PENDING).exists():
            return None  # a concurrent transaction queued the same work
        raise
    if not delay:
        pk = message.pk
        # robust: the write is committed by now; nothing here may turn it into an error.
        transaction.on_commit(lambda: _hand_over([pk]), robust=True)
    return message


def _hand_over(ids: list[int]) -> None:
    if _eager() or time.monotonic() >= _broker_down_until:
        relay(ids=ids)


@dataclass
class RelayResult:
    sent: int = 0
    ran: int = 0
    refused: int = 0
    error: str = ""


def relay(*, ids: Iterable[int] | None = None, limit: int = 1000) -> RelayResult:
    """Hand due pending messages to the broker (or run them here on the embedded default)."""
    global _broker_down_until
    result = RelayResult()
    now = timezone.now()
    due = Message.objects.filter(state=State.PENDING, next_attempt_at__lte=now)
    if ids is not None:
        due = due.filter(pk__in=list(ids))
    eager = _eager()
    for pk in list(due.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit]):
        if eager:
            # In process the run's own lease is the claim: a process killed mid-run leaves
            # it due again once the lease runs out.
            if run_message(pk) != "skipped":
                result.ran += 1
            continue
        # Claim the row by moving its due time on: a second relay skips it, and should
        # this process die before the broker has it, it is due again in a while.
        claimed = Message.objects.filter(
            pk=pk, state=State.PENDING, next_attempt_at__lte=now
        ).update(next_attempt_at=timezone.now() + timedelta(seconds=RELAY_CLAIM_SECONDS))
        if not claimed:
            continue  # another relay took it
        try:
            _publish(pk)
        except Exception as error:  # the broker is away: keep the row for the next relay
            Message.objects.filter(pk=pk, state=State.PENDING).update(
                next_attempt_at=timezone.now(), last_error=f"broker: {error}"[:2000]
            )
            _broker_down_until = time.monotonic() + BROKER_DOWN_SECONDS
            result.refused += 1
            result.error = str(error)
            log.warning("outbox: the broker refused message %s: %s", pk, error)
            break
        # Conditional: a fast worker may have run (even finished) it already.
        Message.objects.filter(pk=pk, state=State.PENDING, lease_until__isnull=True).update(
            state=State.SENT, sent_at=timezone.now()
        )
        result.sent += 1
    if result.sent:
        _broker_down_until = 0.0
    return result


def _publish(pk: int) -> None:
    from factcheck.outbox.tasks import run

    attempt = Message.objects.filter(pk=pk).values_list("attempts", flat=True).first() or 0
    # retry=False: the relay retries, later, from the row; kombu's own retries would only
    # hold up the request whose commit handed the message over.
    run.apply_async(args=(pk,), task_id=f"outbox-{pk}-{attempt}", retry=False)


def lease_seconds() -> int:
    # Shorter than the broker's visibility timeout, so a redelivered task (the first run's
    # worker died) finds the lease expired and runs; see FACTCHECK_TASK_VISIBILITY_TIMEOUT.
    visibility = settings.FACTCHECK_TASK_VISIBILITY_TIMEOUT
    return visibility - 10 if visibility > 20 else max(1, visibility // 2)


def run_message(pk: int) -> str:
    """Run one message: "done", "retry", "failed", or "skipped" when it is running elsewhere,
    done already, or not handed over (a duplicate delivery)."""
    now = timezone.now()
    lease = now + timedelta(seconds=lease_seconds())
    # Pending too: the relay marks a message sent after the broker took it, and a fast
    # worker may start it before that.
    taken = (
        Message.objects.filter(pk=pk, state__in=UNDONE)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .update(lease_until=lease, attempts=F("attempts") + 1)
    )
    if not taken:
        return "skipped"
    message = Message.objects.get(pk=pk)
    try:
        func = import_string(message.task)
        func(**message.kwargs)
    except GiveUp as error:
        return _finish_failed(message, lease, str(error) or type(error).__name__, final=True)
    except Exception as error:
        log.warning("outbox: %s #%s failed: %r", message.task, pk, error)
        return _finish_failed(message, lease, f"{type(error).__name__}: {error}", final=False)
    Message.objects.filter(pk=pk, lease_until=lease).update(
        state=State.DONE, finished_at=timezone.now(), lease_until=None, last_error=""
    )
    return "done"


def backoff_seconds(attempts: int) -> float:
    base = settings.FACTCHECK_RETRY_BACKOFF_SECONDS
    return min(base * 2 ** max(attempts - 1, 0), 3600)


def _finish_failed(message: Message, lease: datetime, error: str, *, final: bool) -> str:
    now = timezone.now()
    mine = Message.objects.filter(pk=message.pk, lease_until=lease)
    if final or message.attempts >= message.max_attempts:
        mine.update(state=State.FAILED, finished_at=now, lease_until=None, last_error=error[:2000])
        log.error("outbox: gave up %s #%s: %s", message.task, message.pk, error)
        return "failed"
    mine.update(
        state=State.PENDING,
        sent_at=None,
        lease_until=None,
        last_error=error[:2000],
        next_attempt_at=now + timedelta(seconds=backoff_seconds(message.attempts)),
    )
    return "retry"


def requeue_stale() -> int:
    """Put back as pending the sent messages that will not run by themselves: a run whose
    worker died (its lease expired) and, after FACTCHECK_OUTBOX_STALE_SECONDS, a message
    the broker lost (never started). Running one twice is safe; losing one is not."""
    now = timezone.now()
    stale = now - timedelta(seconds=settings.FACTCHECK_OUTBOX_STALE_SECONDS)
    return Message.objects.filter(
        Q(state=State.SENT)
        & (Q(lease_until__lt=now) | Q(lease_until__isnull=True, sent_at__lt=stale))
    ).update(state=State.PENDING, sent_at=None, lease_until=None, next_attempt_at=now)


def retry_failed(*, ids: Iterable[int] | None = None) -> int:
    """An operator's retry: failed messages get a fresh set of attempts."""
    failed = Message.objects.filter(state=State.FAILED)
    if ids is not None:
        failed = failed.filter(pk__in=list(ids))
    return failed.update(
        state=State.PENDING,
        attempts=0,
        finished_at=None,
        sent_at=None,
        next_attempt_at=timezone.now(),
    )


def beat(name: str) -> None:
    """Record that a periodic process ran (read by doctor and /healthz)."""
    Heartbeat.objects.update_or_create(name=name, defaults={"seen_at": timezone.now()})


def finish_undone() -> dict[str, int]:
    """Find the work a fault left undone (settings.FACTCHECK_SWEEPERS: each returns how
    much it queued), put stale messages back, and relay what is due."""
    report: dict[str, int] = {"requeued": requeue_stale()}
    for path in settings.FACTCHECK_SWEEPERS:
        name = path.rsplit(".", 1)[-1]
        try:
            with transaction.atomic():
                report[name] = int(import_string(path)() or 0)
        except Exception:
            # One sweeper's fault (its app's table locked, a bug) must not stop the others.
            log.exception("outbox: sweeper %s failed", path)
            report[name] = -1
    relayed = relay()
    report["relayed"] = relayed.sent + relayed.ran
    return report


@dataclass
class Backlog:
    pending: int
    sent: int
    failed: int
    oldest_undone: datetime | None
    oldest_undone_task: str


def backlog() -> Backlog:
    counts = dict(
        Message.objects.filter(state__in=[*UNDONE, State.FAILED])
        .values_list("state")
        .annotate(n=Count("id"))
        .values_list("state", "n")
    )
    oldest = (
        Message.objects.filter(state__in=UNDONE)
        .order_by("created_at", "pk")
        .values_list("created_at", "task")
        .first()
    )
    return Backlog(
        pending=counts.get(State.PENDING, 0),
        sent=counts.get(State.SENT, 0),
        failed=counts.get(State.FAILED, 0),
        oldest_undone=oldest[0] if oldest else None,
        oldest_undone_task=oldest[1] if oldest else "",
    )


def oldest_undone_age() -> float | None:
    oldest = Message.objects.filter(state__in=UNDONE).aggregate(at=Min("created_at"))["at"]
    return (timezone.now() - oldest).total_seconds() if oldest else None
