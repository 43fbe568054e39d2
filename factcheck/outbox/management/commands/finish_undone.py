"""manage.py finish_undone: the periodic job that finishes what a fault left undone.

Celery beat runs it every FACTCHECK_SWEEP_INTERVAL seconds where there is a worker; on the
embedded default run it from cron, or leave it running with --every.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from factcheck.outbox import services


class Command(BaseCommand):
    help = (
        "Queue the work a fault left undone (claims never linked, evidence never archived, "
        "reminders for stale reviews; see FACTCHECK_SWEEPERS), put back outbox messages "
        "that will not run by themselves, and relay what is due. --every N repeats it "
        "every N seconds (the embedded default's scheduler)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--every", type=float, metavar="SECONDS", help="repeat forever")

    def handle(self, *args, every, **options):
        while True:
            services.beat("scheduler")
            report = services.finish_undone()
            self.stdout.write(", ".join(f"{name}: {n}" for name, n in report.items()))
            if not every:
                return
            time.sleep(every)
