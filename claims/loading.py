"""Turning article files into articles and claims: the one code path behind
`manage.py load_articles` and the API's article creation."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.db import transaction

from claims import services
from claims.models import Article, Claim
from claims.services import ArticleInput, ClaimInput, ClaimsError

CLAIMS_SUFFIX = ".claims.json"
ARTICLE_SUFFIXES = (".txt", ".json", ".jsonl")


class InputError(Exception):
    """One input that cannot be loaded: names where (file, line) and what is wrong."""

    def __init__(self, where: str, problem: str):
        super().__init__(f"{where}: {problem}")
        self.where = where
        self.problem = problem


@dataclass(frozen=True)
class CuratedClaim:
    text: str
    occurrence: int = 1
    claimant: dict | None = None


@dataclass(frozen=True)
class Source:
    """One article read from somewhere, not yet stored."""

    where: str
    data: ArticleInput
    curated: tuple[CuratedClaim, ...] | None = None


@dataclass
class LoadResult:
    where: str
    outcome: str  # "new" | "unchanged" | "conflict"
    article: Article | None
    claims_created: int = 0
    notes: list[str] = field(default_factory=list)

    def line(self) -> str:
        title = self.article.title if self.article else ""
        extra = f" ({'; '.join(self.notes)})" if self.notes else ""
        return f"{self.where}: {self.outcome}, {self.claims_created} claims — {title}{extra}"


# -- reading ----------------------------------------------------------------------------


def _decode(path: Path, raw: bytes) -> str:
    if b"\x00" in raw:
        raise InputError(str(path), "binary data, not a text file")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(
            str(path), f"not UTF-8 text (byte {error.start} cannot be decoded)"
        ) from None


def _parse_date(value, where: str) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise InputError(where, f"'published' is not a date (YYYY-MM-DD): {value!r}") from None


def article_from_mapping(obj, where: str) -> ArticleInput:
    """An ArticleInput from a JSON object with url, title, outlet, published, byline, text."""
    if not isinstance(obj, dict):
        raise InputError(where, "expected a JSON object with at least 'text'")
    if "text" not in obj:
        raise InputError(where, "missing field 'text'")
    text = obj["text"]
    if not isinstance(text, str):
        raise InputError(where, "'text' must be a string")
    for name in ("url", "title", "outlet", "byline", "language"):
        if obj.get(name) is not None and not isinstance(obj[name], str):
            raise InputError(where, f"'{name}' must be a string")
    return ArticleInput(
        text=text,
        title=obj.get("title") or "",
        url=obj.get("url") or None,
        outlet=obj.get("outlet") or None,
        byline=obj.get("byline") or "",
        published=_parse_date(obj.get("published"), where),
        language=obj.get("language") or "en",
    )


def _read_curated(path: Path) -> tuple[CuratedClaim, ...] | None:
    sidecar = path.with_name(path.name.removesuffix(path.suffix) + CLAIMS_SUFFIX)
    if not sidecar.exists():
        return None
    try:
        items = json.loads(_decode(sidecar, sidecar.read_bytes()))
    except json.JSONDecodeError as error:
        raise InputError(
            str(sidecar), f"malformed JSON at line {error.lineno}: {error.msg}"
        ) from None
    if not isinstance(items, list):
        raise InputError(str(sidecar), "expected a JSON list of claims")
    curated = []
    for number, item in enumerate(items, 1):
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            raise InputError(str(sidecar), f"claim {number} has no 'text'")
        curated.append(
            CuratedClaim(
                text=item["text"],
                occurrence=int(item.get("occurrence") or 1),
                claimant=item.get("claimant"),
            )
        )
    return tuple(curated)


def read_path(path: Path) -> Iterator[Source | InputError]:
    """Every article in a file or folder, or the error that stops one of them."""
    if path.is_dir():
        for child in sorted(path.iterdir()):
            if child.name.endswith(CLAIMS_SUFFIX) or child.suffix not in ARTICLE_SUFFIXES:
                continue
            yield from read_path(child)
        return
    where = str(path)
    if not path.exists():
        yield InputError(where, "no such file or folder")
        return
    try:
        raw = path.read_bytes()
        if not raw.strip():
            raise InputError(where, "the file is empty")
        text = _decode(path, raw)
        if path.suffix == ".jsonl":
            yield from _read_jsonl(path, text)
            return
        if path.suffix == ".json":
            try:
                obj = json.loads(text)
            except json.JSONDecodeError as error:
                raise InputError(
                    where, f"malformed JSON at line {error.lineno}: {error.msg}"
                ) from None
            data = article_from_mapping(obj, where)
        elif path.suffix == ".txt":
            title, _, _ = text.partition("\n")
            data = ArticleInput(text=text, title=title.strip())
        else:
            raise InputError(
                where, f"unsupported file type {path.suffix!r} (use .txt, .json, .jsonl)"
            )
        yield Source(where=where, data=data, curated=_read_curated(path))
    except InputError as error:
        yield error


def _read_jsonl(path: Path, text: str) -> Iterator[Source | InputError]:
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as error:
            yield InputError(where, f"malformed JSON: {error.msg}")
            continue
        try:
            yield Source(where=where, data=article_from_mapping(obj, where))
        except InputError as error:
            yield error


# -- storing ----------------------------------------------------------------------------


def _curated_claims(body: str, curated: tuple[CuratedClaim, ...]) -> list[ClaimInput]:
    claims = []
    for item in curated:
        start, end = services.find_span(body, item.text, item.occurrence)
        claimant = None
        if item.claimant:
            claimant = services.get_or_create_claimant(
                name=item.claimant.get("name", ""),
                kind=item.claimant.get("kind") or "person",
                role=item.claimant.get("role") or "",
            )
        claims.append(
            ClaimInput(
                text=item.text, start=start, end=end, claimant=claimant, origin=Claim.Origin.CURATED
            )
        )
    return claims


def _extracted_claims(body: str) -> list[ClaimInput]:
    from claims.extraction import extract_claims

    claims = []
    for found in extract_claims(body):
        claimant = None
        if found.claimant is not None:
            claimant = services.get_or_create_claimant(
                name=found.claimant.name, kind=found.claimant.kind, role=found.claimant.role
            )
        claims.append(
            ClaimInput(
                text=found.text,
                start=found.start,
                end=found.end,
                claimant=claimant,
                checkworthiness=round(found.score, 3),
                reasons=found.reasons,
                origin=Claim.Origin.EXTRACTED,
            )
        )
    return claims


def load_article(source: Source) -> LoadResult:
    """Store one article and its claims in one transaction; loading it again is a no-op."""
    try:
        data = services.validate_article_input(source.data)
    except ClaimsError as error:
        raise InputError(source.where, error.message) from None
    with transaction.atomic():
        existing, same_text = services.find_article(data)
        if existing is not None:
            outcome = "unchanged" if same_text else "conflict"
            notes = [] if same_text else ["same url, different text: kept the stored text"]
            return LoadResult(source.where, outcome, existing, notes=notes)
        article = services.create_article(data=data)
        try:
            if source.curated is not None:
                claims = _curated_claims(article.body, source.curated)
            else:
                claims = _extracted_claims(article.body)
        except ClaimsError as error:
            raise InputError(source.where, error.message) from None
        created = services.add_claims(article=article, claims=claims)
        return LoadResult(source.where, "new", article, claims_created=len(created))
