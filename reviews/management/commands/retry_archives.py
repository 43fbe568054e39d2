"""manage.py retry_archives [EVIDENCE_ID...]: fetch failed evidence archives again."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from reviews import services
from reviews.models import Evidence


class Command(BaseCommand):
    help = (
        "Give failed evidence archives a fresh set of attempts (all failed ones, or the "
        "evidence ids given) and queue them."
    )

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", type=int, metavar="EVIDENCE_ID")

    def handle(self, *args, ids, **options):
        failed = Evidence.objects.filter(archive_state=Evidence.ArchiveState.FAILED)
        if ids:
            failed = failed.filter(pk__in=ids)
        count = sum(
            services.retry_archive(evidence_id=pk) for pk in failed.values_list("pk", flat=True)
        )
        self.stdout.write(f"{count} failed archive(s) queued again")
