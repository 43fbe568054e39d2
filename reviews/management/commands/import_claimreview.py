"""manage.py import_claimreview PATH_OR_URL...: other publishers' fact checks in."""

from __future__ import annotations

import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from reviews.claimreview_fetch import fetch_reviews_input
from reviews.claimreview_import import (
    ImportReport,
    RatingMap,
    UnreadableInput,
    import_reviews,
    read_reviews,
)

SUFFIXES = {".json", ".jsonld", ".html", ".htm"}


class Command(BaseCommand):
    help = (
        "Import ClaimReview as external fact checks. Each argument is a file, a folder (its "
        ".json, .jsonld, .html files), an http(s) url (fetched through the guarded fetcher) "
        "or - for standard input: a fact-check page (its "
        "JSON-LD or microdata ClaimReview), ClaimReview JSON-LD or a DataFeed of them, or "
        "the public fact-check search API's JSON. Idempotent by the review's url. Prints "
        "a line per input and per refused item; exits 1 when anything was refused."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH_OR_URL")

    def handle(self, *args, paths: list[str], **options):
        mapping, total, refused = RatingMap(), ImportReport(), 0
        for name, data in self._inputs(paths):
            if isinstance(data, str):  # the input itself was refused
                self.stderr.write(f"{name}: {data}")
                refused += 1
                continue
            data, html = data if isinstance(data, tuple) else (data, None)
            try:
                report = import_reviews(items=list(read_reviews(data, html=html)), mapping=mapping)
            except UnreadableInput as exc:
                self.stderr.write(f"{name}: {exc}")
                refused += 1
                continue
            for where, problem in report.refused:
                self.stderr.write(f"{name}: {where}: {problem}")
            self.stdout.write(f"{name}: {_summary(report)}")
            for key in ("created", "updated", "unchanged", "duplicates", "unmapped", "withdrawn"):
                setattr(total, key, getattr(total, key) + getattr(report, key))
            total.refused += report.refused
        refused += len(total.refused)
        self.stdout.write(f"total: {_summary(total, refused=refused)}")
        if refused:
            raise CommandError(f"{refused} refused", returncode=1)

    def _inputs(self, paths: list[str]):
        for arg in paths:
            if arg == "-":
                yield "<stdin>", sys.stdin.buffer.read()
            elif arg.startswith(("http://", "https://")):
                try:
                    yield arg, fetch_reviews_input(arg)
                except UnreadableInput as exc:
                    yield arg, str(exc)
            else:
                path = Path(arg)
                if path.is_dir():
                    files = sorted(p for p in path.rglob("*") if p.suffix.lower() in SUFFIXES)
                    if not files:
                        yield arg, "no .json, .jsonld or .html files in this folder"
                    for file in files:
                        yield from self._file(file)
                else:
                    yield from self._file(path)

    def _file(self, path: Path):
        try:
            size = path.stat().st_size
            if size > settings.FACTCHECK_MAX_IMPORT_BYTES:
                yield str(path), f"larger than {settings.FACTCHECK_MAX_IMPORT_BYTES} bytes"
                return
            yield str(path), path.read_bytes()
        except OSError as exc:
            yield str(path), f"cannot be read ({exc.strerror or exc})"


def _summary(report: ImportReport, *, refused: int | None = None) -> str:
    refused = len(report.refused) if refused is None else refused
    return (
        f"{report.created} new, {report.updated} updated, {report.unchanged} unchanged, "
        f"{report.duplicates} duplicate, "
        + (f"{report.withdrawn} withdrawn (removed), " if report.withdrawn else "")
        + f"{refused} refused; {report.unmapped} with an unmapped rating"
    )
