"""The transactional outbox: background work recorded in the same transaction as the write
that calls for it, and handed to Celery (or run in process) only after that commits.

It knows no app: a message names a task by its dotted path and carries JSON arguments.
See services.py for the life of a message and ARCHITECTURE.md for where it sits.
"""

from __future__ import annotations


def enqueue(task: str, *, key: str | None = None, delay: float = 0, **kwargs):
    """Record `task(**kwargs)` to run once the current transaction commits."""
    from factcheck.outbox.services import enqueue as _enqueue

    return _enqueue(task, key=key, delay=delay, **kwargs)
