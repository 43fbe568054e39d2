"""manage.py relay_outbox: hand due outbox messages to the broker (or, on the embedded
default, run them here). Celery beat does this every FACTCHECK_RELAY_INTERVAL seconds."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from factcheck.outbox import services


class Command(BaseCommand):
    help = (
        "Send the outbox's due messages to the broker, or run them in process when no "
        "broker is configured. --retry-failed gives failed messages a fresh set of attempts "
        "first. Exits 1 when the broker refused."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--retry-failed",
            action="store_true",
            help="put failed messages back to be tried again",
        )

    def handle(self, *args, retry_failed, **options):
        if retry_failed:
            self.stdout.write(f"{services.retry_failed()} failed message(s) put back")
        requeued = services.requeue_stale()
        started = time.monotonic()
        result = services.relay(limit=100_000)
        line = (
            f"relayed: {result.sent} sent, {result.ran} run in process, {requeued} requeued "
            f"({time.monotonic() - started:.1f} s)"
        )
        self.stdout.write(line)
        if result.refused:
            raise CommandError(f"the broker refused: {result.error}", returncode=1)
