"""manage.py load_articles PATH...: articles (and their claims) from .txt, .json, .jsonl."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from claims.loading import InputError, load_article, read_path


class Command(BaseCommand):
    help = (
        "Load articles from files or folders (.txt with the title on the first line, "
        ".json or .jsonl objects with url, title, outlet, published, byline, text). "
        "A <name>.claims.json beside an article gives its curated claims. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="files or folders")

    def handle(self, *args, paths, **options):
        counts = {"new": 0, "unchanged": 0, "conflict": 0, "refused": 0}
        claims = 0
        for path in paths:
            for item in read_path(Path(path)):
                if isinstance(item, InputError):
                    counts["refused"] += 1
                    self.stderr.write(f"error: {item}")
                    continue
                try:
                    result = load_article(item)
                except InputError as error:
                    counts["refused"] += 1
                    self.stderr.write(f"error: {error}")
                    continue
                counts[result.outcome] += 1
                claims += result.claims_created
                self.stdout.write(result.line())
        self.stdout.write(
            f"total: {counts['new']} new, {counts['unchanged']} unchanged, "
            f"{counts['conflict']} conflict, {counts['refused']} refused; {claims} claims created"
        )
        if counts["refused"]:
            raise CommandError(f"{counts['refused']} input(s) refused", returncode=1)
