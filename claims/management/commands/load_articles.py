"""manage.py load_articles PATH...: articles and their claims from files, folders or stdin."""

from __future__ import annotations

from collections import Counter

from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError

from claims.loading import (
    InputError,
    LoadResult,
    Source,
    extracted_in_parallel,
    load_article,
    load_articles,
    read_path,
    source_to_payload,
    with_overrides,
)


class Command(BaseCommand):
    help = (
        "Load articles and find their claims. PATH is a file, a folder (its .txt, .json, "
        ".jsonl, .html files) or - for standard input, read as JSON Lines (one article "
        "object a line) or, when the first line is not a whole object, as one JSON "
        "document. .txt: the title on the first line. .json/.jsonl: objects with url, "
        "title, outlet, published, byline and text (only text required). .html: main text "
        "and metadata taken from the page. A <name>.claims.json beside a file gives its "
        "curated claims instead of the extractor's. Idempotent: loading again changes "
        "nothing. Exits 1 when any input was refused; the others still load."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="file, folder or -")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="report what would happen, write nothing",
        )
        parser.add_argument(
            "--async",
            action="store_true",
            dest="run_async",
            help="queue each article for a Celery worker instead of loading it here",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="an article whose url is stored with other text takes the new text; its "
            "claims under review, dismissed or added by hand are kept",
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=1,
            metavar="N",
            help="find claims in N worker processes (for large loads; default 1: in process)",
        )
        parser.add_argument("--outlet", help="the outlet of every article loaded")
        parser.add_argument("--url", help="the article's url (a single article only)")

    def handle(self, *args, paths, dry_run, run_async, replace, outlet, url, jobs, **options):
        if dry_run and run_async:
            raise CommandError("--dry-run and --async do not go together.")
        if jobs < 1:
            raise CommandError("--jobs must be 1 or more.")
        counts: Counter[str] = Counter()
        seen: set[str] = set()  # real paths read, shared by all PATHs: each is read once
        items = (item for path in paths for item in read_path(path, seen))
        if url or outlet:
            items = self._overridden(items, url=url, outlet=outlet)
        try:
            self._load(
                items, counts, dry_run=dry_run, run_async=run_async, replace=replace, jobs=jobs
            )
        except OperationalError as error:
            # The database went away (or stayed locked): what was committed stays, with
            # its background work; running the command again finishes the rest.
            self.stdout.write(self._total(counts, dry_run=dry_run, run_async=run_async))
            first = (str(error).strip().splitlines() or [type(error).__name__])[0]
            raise CommandError(f"the database stopped the load: {first}", returncode=1) from None
        self.stdout.write(self._total(counts, dry_run=dry_run, run_async=run_async))
        if not dry_run:
            # Background work an earlier, interrupted run committed and never handed over
            # (or that waited for a broker that was down) goes now, when it is due.
            from factcheck.outbox import services as outbox

            outbox.requeue_stale()
            outbox.relay()
        if counts["refused"]:
            raise CommandError(f"{counts['refused']} input(s) refused", returncode=1)

    def _load(self, items, counts, *, dry_run, run_async, replace, jobs) -> None:
        if run_async:
            for item in items:
                self._queue(item, counts, replace=replace)
            return
        if jobs > 1:
            items = extracted_in_parallel(items, jobs=jobs)
        if dry_run:
            for item in items:
                self._report(self._dry_run(item, replace=replace), counts)
            return
        for result in load_articles(items, replace=replace):
            self._report(result, counts)

    @staticmethod
    def _overridden(items, *, url, outlet):
        seen = 0
        for item in items:
            if isinstance(item, Source):
                seen += 1
                if url and seen > 1:
                    raise CommandError(
                        "--url names one article, but the input holds more than one."
                    )
                item = with_overrides(item, url=url, outlet=outlet)
            yield item

    @staticmethod
    def _dry_run(item, *, replace):
        if isinstance(item, InputError):
            return item
        try:
            return load_article(item, replace=replace, dry_run=True, link=None)
        except InputError as error:
            return error

    def _queue(self, item, counts, *, replace) -> None:
        if isinstance(item, InputError):
            counts["refused"] += 1
            self.stderr.write(f"error: {item}")
            return
        from factcheck.outbox import enqueue

        # An outbox row (its own transaction): queued even while the broker is away.
        enqueue(
            "claims.tasks.load_article_payload", payload=source_to_payload(item), replace=replace
        )
        counts["queued"] += 1
        self.stdout.write(f"{item.where}: queued — {item.data.title}")

    def _report(self, result: LoadResult | InputError, counts) -> None:
        if isinstance(result, InputError):
            counts["refused"] += 1
            self.stderr.write(f"error: {result}")
            return
        counts[result.outcome] += 1
        counts["claims"] += result.claims_created
        self.stdout.write(result.line())

    @staticmethod
    def _total(counts: Counter[str], *, dry_run: bool, run_async: bool) -> str:
        if run_async:
            return f"total: {counts['queued']} queued, {counts['refused']} refused"
        line = (
            f"total: {counts['new']} new, {counts['unchanged']} unchanged, "
            f"{counts['conflict']} conflict, {counts['replaced']} replaced, "
            f"{counts['refused']} refused; {counts['claims']} claims created"
        )
        return f"{line} (dry run: nothing written)" if dry_run else line


__all__ = ["Command", "LoadResult"]
