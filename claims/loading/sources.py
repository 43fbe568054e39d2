"""What loading passes around: a Source read from somewhere and not yet stored, the
InputError that refuses one input and the LoadResult of storing one."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings

from claims.models import Article
from claims.services import ArticleInput
from factcheck.errors import DomainError

CLAIMS_SUFFIX = ".claims.json"
HTML_SUFFIXES = (".html", ".htm")
ARTICLE_SUFFIXES = (".txt", ".json", ".jsonl", *HTML_SUFFIXES)
STDIN_NAME = "<stdin>"
# How much of a file is looked at to tell text from binary data.
_SNIFF_BYTES = 8192


class InputError(DomainError):
    """One input that cannot be loaded: names where (file, line) and what is wrong (400)."""

    def __init__(self, where: str, problem: str):
        super().__init__(problem)
        self.where = where
        self.problem = problem

    def __str__(self) -> str:
        return f"{self.where}: {self.problem}"


@dataclass(frozen=True)
class CuratedClaim:
    text: str
    occurrence: int = 1
    claimant: dict | None = None


@dataclass(frozen=True)
class Source:
    """One article read from somewhere, not yet stored.

    `found` may carry the extractor's output computed elsewhere (a worker process of a
    bulk load); load_article extracts when it is None.
    """

    where: str
    data: ArticleInput
    curated: tuple[CuratedClaim, ...] | None = None
    found: tuple | None = None


@dataclass
class LoadResult:
    where: str
    outcome: str  # "new" | "unchanged" | "conflict" | "replaced"
    article: Article | None
    claims_created: int = 0
    notes: list[str] = field(default_factory=list)
    claim_ids: list[int] = field(default_factory=list)
    dry_run: bool = False

    def line(self) -> str:
        title = self.article.title if self.article else ""
        extra = f" ({'; '.join(self.notes)})" if self.notes else ""
        prefix = "would be " if self.dry_run else ""
        return (
            f"{self.where}: {prefix}{self.outcome}, {self.claims_created} claims — {title}{extra}"
        )


def max_article_bytes() -> int:
    return settings.FACTCHECK_MAX_ARTICLE_BYTES
