"""What the claim services take in, checked: article and claim inputs, urls in their one
stored spelling, single-line fields, claim spans, and ClaimsError, the refusal they all raise."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit, urlunsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from claims.models import (
    Article,
    Claim,
    Claimant,
    Outlet,
)
from factcheck.errors import DomainError


class ClaimsError(DomainError):
    """Input the tracker refuses, with a message a person can act on (400)."""


_validate_url = URLValidator(schemes=["http", "https"])


def normalise_url(url: str) -> str:
    """The one spelling of an article url we store: lower-case scheme and host, no fragment,
    no default port, no trailing slash on a non-root path."""
    url = url.strip()
    try:
        _validate_url(url)
    except ValidationError:
        raise ClaimsError(f"{url!r} is not an http(s) url.", field="url") from None
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.port and not (
        (parts.scheme == "http" and parts.port == 80)
        or (parts.scheme == "https" and parts.port == 443)
    ):
        host = f"{host}:{parts.port}"
    path = parts.path or "/"
    if len(path) > 1 and path.endswith("/"):
        path = path.rstrip("/")
    return urlunsplit((parts.scheme.lower(), host, path, parts.query, ""))


@dataclass(frozen=True)
class ClaimInput:
    """A claim to add to an article: its text and where it stands in the body."""

    text: str
    start: int
    end: int
    claimant: Claimant | None = None
    checkworthiness: float | None = None
    reasons: tuple[str, ...] = ()
    origin: str = Claim.Origin.EXTRACTED


@dataclass(frozen=True)
class ArticleInput:
    text: str
    title: str = ""
    url: str | None = None
    outlet: str | None = None
    byline: str = ""
    published: date | None = None
    language: str = "en"
    extra: dict = field(default_factory=dict)


# C0 control characters and DEL: never part of a name, title or address. (The body may
# hold tabs and line breaks; NUL, which PostgreSQL cannot store, is refused everywhere.)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _limit(model, name: str) -> int:
    return model._meta.get_field(name).max_length


def check_line(value: str, *, field: str, limit: int, label: str | None = None) -> str:
    """A one-line field (title, byline, name, url) checked against its column: no control
    characters, at most `limit` characters. Returns it stripped."""
    label = label or field
    value = value.strip()
    found = _CONTROL.search(value)
    if found:
        raise ClaimsError(
            f"The {label} contains a control character ({found.group()!r} at {found.start()}).",
            field=field,
        )
    if len(value) > limit:
        raise ClaimsError(
            f"The {label} is {len(value):,} characters, over the limit of {limit:,}.",
            field=field,
        )
    return value


def validate_article_input(data: ArticleInput) -> ArticleInput:
    """Refuse what would make a bad article row (the columns' limits, characters no column
    should hold, an impossible url); return the input cleaned, the url normalised."""
    if not isinstance(data.text, str) or not data.text.strip():
        raise ClaimsError("The article text is empty.", field="text")
    if "\x00" in data.text:
        raise ClaimsError("The article text contains NUL bytes (binary data?).", field="text")
    url = None
    if data.url:
        check_line(data.url, field="url", limit=_limit(Article, "url"))
        url = normalise_url(data.url)
        # Normalising may lengthen it (a default path "/" added).
        check_line(url, field="url", limit=_limit(Article, "url"))
    title = check_line(data.title or "", field="title", limit=_limit(Article, "title"))
    outlet = check_line(data.outlet or "", field="outlet", limit=_limit(Outlet, "name")) or None
    byline = check_line(data.byline or "", field="byline", limit=_limit(Article, "byline"))
    language = check_line(
        data.language or "en", field="language", limit=_limit(Article, "language")
    )
    if data.published is not None and not isinstance(data.published, date):
        raise ClaimsError("The published date is not a date.", field="published")
    return ArticleInput(
        text=data.text,
        title=title,
        url=url,
        outlet=outlet,
        byline=byline,
        published=data.published,
        language=language or "en",
        extra=data.extra,
    )


def check_span(*, article: Article, text: str, start: int, end: int) -> None:
    if not (0 <= start < end <= len(article.body)):
        raise ClaimsError(
            f"The span {start}-{end} is not inside the article ({len(article.body)} characters).",
            field="span",
        )
    if article.body[start:end] != text:
        raise ClaimsError("The claim text is not the article text at that span.", field="text")


def find_span(body: str, text: str, occurrence: int = 1) -> tuple[int, int]:
    """Where the n-th occurrence of `text` stands in `body`."""
    start = -1
    for _ in range(max(occurrence, 1)):
        start = body.find(text, start + 1)
        if start < 0:
            raise ClaimsError(f"The claim text {text[:60]!r} is not in the article.", field="text")
    return start, start + len(text)
