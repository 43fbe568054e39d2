"""manage.py doctor: is everything background work needs answering? Exit 1 when not."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from factcheck.outbox.health import run_checks


class Command(BaseCommand):
    help = (
        "Check the database, the broker, the worker's heartbeat, the outbox's backlog and "
        "its oldest undone task; print one line each; exit 1 when any fails."
    )

    def handle(self, *args, **options):
        checks = run_checks()
        for check in checks:
            mark = "ok  " if check.ok else "FAIL"
            self.stdout.write(f"{mark} {check.name}: {check.detail}")
        failed = [c.name for c in checks if not c.ok]
        if failed:
            raise CommandError(f"{len(failed)} check(s) failed: {', '.join(failed)}", returncode=1)
        self.stdout.write("all checks passed")
