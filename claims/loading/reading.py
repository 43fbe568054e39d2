"""Reading: bytes from files, folders, standard input and mappings turned into Sources
or InputErrors, without touching the database. A .jsonl file or standard input is read a
line at a time, so memory stays flat however many articles it holds. And the payload a
Source travels to a Celery worker as."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace as _replace
from datetime import date, datetime
from pathlib import Path
from typing import BinaryIO

from claims import services
from claims.loading.sources import (
    _SNIFF_BYTES,
    ARTICLE_SUFFIXES,
    CLAIMS_SUFFIX,
    HTML_SUFFIXES,
    STDIN_NAME,
    CuratedClaim,
    InputError,
    Source,
    max_article_bytes,
)
from claims.models import Claimant
from claims.services import ArticleInput, ClaimsError


def _too_big(size: int) -> str:
    return (
        f"{size:,} bytes, over the limit of {max_article_bytes():,} (FACTCHECK_MAX_ARTICLE_BYTES)"
    )


def _decode(where: str, raw: bytes) -> str:
    if b"\x00" in raw:
        raise InputError(where, "binary data, not a text file")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(where, f"not UTF-8 text (byte {error.start} cannot be decoded)") from None


def _parse_date(value, where: str) -> date | None:
    """YYYY-MM-DD, or an ISO date and time (its date is taken)."""
    if value in (None, ""):
        return None
    problem = InputError(where, f"'published' is not a date (YYYY-MM-DD): {str(value)[:40]!r}")
    if not isinstance(value, str) or len(value) > 40:
        raise problem
    try:
        return date.fromisoformat(value)
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(value).date()
    except ValueError:
        raise problem from None


def article_from_mapping(obj, where: str) -> ArticleInput:
    """An ArticleInput from a JSON object with url, title, outlet, published, byline, text."""
    if not isinstance(obj, dict):
        raise InputError(where, "expected a JSON object with at least 'text'")
    if "text" not in obj:
        raise InputError(where, "missing field 'text'")
    text = obj["text"]
    if not isinstance(text, str):
        raise InputError(where, "'text' must be a string")
    if not text.strip():
        raise InputError(where, "'text' is empty")
    for name in ("url", "title", "outlet", "byline", "language"):
        if obj.get(name) is not None and not isinstance(obj[name], str):
            raise InputError(where, f"'{name}' must be a string")
    data = ArticleInput(
        text=text,
        title=obj.get("title") or "",
        url=obj.get("url") or None,
        outlet=obj.get("outlet") or None,
        byline=obj.get("byline") or "",
        published=_parse_date(obj.get("published"), where),
        language=obj.get("language") or "en",
    )
    return validated(data, where)


def validated(data: ArticleInput, where: str) -> ArticleInput:
    """`data` checked as the service will check it, so bad input is refused while reading
    (before anything is queued) with the name of the file."""
    try:
        return services.validate_article_input(data)
    except ClaimsError as error:
        raise InputError(where, error.message) from None


def _read_curated(path: Path) -> tuple[CuratedClaim, ...] | None:
    sidecar = path.with_name(path.name.removesuffix(path.suffix) + CLAIMS_SUFFIX)
    if not sidecar.exists():
        return None
    try:
        items = json.loads(_decode(str(sidecar), sidecar.read_bytes()))
    except json.JSONDecodeError as error:
        raise InputError(
            str(sidecar), f"malformed JSON at line {error.lineno}: {error.msg}"
        ) from None
    if not isinstance(items, list):
        raise InputError(str(sidecar), "expected a JSON list of claims")
    return tuple(_curated_claim(item, f"{sidecar}: claim {n}") for n, item in enumerate(items, 1))


def _curated_claim(item, where: str) -> CuratedClaim:
    """One entry of a .claims.json, checked field by field (a wrong type is a clear
    refusal, not a traceback)."""
    if not isinstance(item, dict) or not isinstance(item.get("text"), str):
        raise InputError(where, "no 'text' (a string)")
    if not item["text"].strip() or "\x00" in item["text"]:
        raise InputError(where, "'text' is empty or holds NUL characters")
    occurrence = item.get("occurrence", 1)
    if occurrence is None:
        occurrence = 1
    if isinstance(occurrence, bool) or not isinstance(occurrence, int) or occurrence < 1:
        raise InputError(where, f"'occurrence' must be a whole number from 1: {occurrence!r}")
    claimant = item.get("claimant")
    if claimant is not None:
        claimant = _curated_claimant(claimant, where)
    return CuratedClaim(text=item["text"], occurrence=occurrence, claimant=claimant)


def _curated_claimant(claimant, where: str) -> dict | None:
    if not isinstance(claimant, dict):
        raise InputError(
            where, f"'claimant' must be an object with a 'name', not {type(claimant).__name__}"
        )
    name = claimant.get("name")
    if not isinstance(name, str) or not name.strip():
        raise InputError(where, "'claimant.name' must be a non-empty string")
    kind = claimant.get("kind") or "person"
    if kind not in Claimant.Kind.values:
        raise InputError(
            where, f"'claimant.kind' must be one of {', '.join(Claimant.Kind.values)}: {kind!r}"
        )
    role = claimant.get("role") or ""
    if not isinstance(role, str):
        raise InputError(where, "'claimant.role' must be a string")
    try:
        name = services.check_line(name, field="claimant", limit=_field_limit(Claimant, "name"))
        role = services.check_line(role, field="claimant", limit=_field_limit(Claimant, "role"))
    except ClaimsError as error:
        raise InputError(where, f"claimant: {error.message}") from None
    return {"name": name, "kind": kind, "role": role}


def _field_limit(model, name: str) -> int:
    return model._meta.get_field(name).max_length


def article_from_html(raw: bytes | str, where: str, *, url: str | None = None) -> ArticleInput:
    """An ArticleInput from a web page: its main text, title, author, date, site and url."""
    from claims.html import extract_page

    page = extract_page(raw, url=url)
    if page is None:
        raise InputError(where, "no article text in this HTML (only menus, links or scripts)")
    page_url = page.url or None
    if page_url:
        try:
            page_url = services.normalise_url(page_url)
        except ClaimsError:
            page_url = None  # a page's own idea of its address is a hint, not input to refuse
    data = ArticleInput(
        text=page.text,
        title=page.title[:500],
        url=url or page_url,
        outlet=page.site_name[:200] or None,
        byline=page.author[:300],
        published=page.published,
    )
    return validated(data, where)


def read_path(path: Path | str, seen: set[str] | None = None) -> Iterator[Source | InputError]:
    """Every article in a file or folder (or `-`, standard input), or the error that stops
    one of them. Never raises InputError: a bad file is yielded and reading goes on.

    Each real file and folder is read once (`seen` holds their resolved paths), so a
    symbolic link back up the tree, or two names for one folder, end the walk."""
    if str(path) == "-":
        import sys

        yield from read_stream(sys.stdin.buffer)
        return
    seen = set() if seen is None else seen
    path = Path(path)
    try:
        real = str(path.resolve(strict=path.exists()))
    except (OSError, RuntimeError):  # a link loop with no end
        yield InputError(str(path), "a symbolic link that leads nowhere (a loop)")
        return
    if real in seen:
        return
    seen.add(real)
    if path.is_dir():
        try:
            children = sorted(path.iterdir())
        except OSError as error:
            yield InputError(str(path), f"cannot read the folder: {error.strerror}")
            return
        for child in children:
            if child.name.endswith(CLAIMS_SUFFIX) or child.suffix.lower() not in ARTICLE_SUFFIXES:
                continue
            yield from read_path(child, seen)
        return
    where = str(path)
    if not path.exists():
        yield InputError(where, "no such file or folder")
        return
    suffix = path.suffix.lower()
    try:
        if suffix not in ARTICLE_SUFFIXES:
            raise InputError(
                where, f"unsupported file type {path.suffix!r} (use .txt, .json, .jsonl, .html)"
            )
        if suffix == ".jsonl":
            # One article a line: the limit is per article, not per file.
            with path.open("rb") as stream:
                yield from _read_lines(stream, where)
            return
        size = path.stat().st_size
        if size > max_article_bytes():
            raise InputError(where, f"the file is {_too_big(size)}")
        raw = path.read_bytes()
        if not raw.strip():
            raise InputError(where, "the file is empty")
        if b"\x00" in raw[:_SNIFF_BYTES]:
            raise InputError(where, "binary data, not a text file")
        if suffix in HTML_SUFFIXES:
            data = article_from_html(raw, where)
        else:
            text = _decode(where, raw)
            if suffix == ".json":
                data = article_from_mapping(_json(text, where), where)
            else:
                title, _, _ = text.partition("\n")
                data = validated(ArticleInput(text=text, title=title.strip()[:500]), where)
        yield Source(where=where, data=data, curated=_read_curated(path))
    except InputError as error:
        yield error


def _json(text: str, where: str):
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(where, f"malformed JSON at line {error.lineno}: {error.msg}") from None


def read_stream(stream: BinaryIO, where: str = STDIN_NAME) -> Iterator[Source | InputError]:
    """Articles from a byte stream: JSON Lines (one object a line), or one JSON document.

    A first line that is a whole object ("{...}") means JSON Lines, read a line at a
    time; anything else is read (up to the size limit) as a single document.
    """
    first = _readline(stream, where, 1)
    while first is not None and isinstance(first, bytes) and not first.strip():
        first = _readline(stream, where, 1)
    if first is None:
        yield InputError(where, "the input is empty")
        return
    if isinstance(first, InputError):
        yield first
        return
    head = first.strip()
    if head.startswith(b"{") and head.endswith(b"}"):
        yield from _read_lines(stream, where, first=first)
        return
    limit = max_article_bytes()
    raw = first + stream.read(limit + 1 - len(first))
    if len(raw) > limit:
        yield InputError(where, f"the input is over the limit of {limit:,} bytes")
        return
    try:
        obj = _json(_decode(where, raw), where)
        yield Source(where=where, data=article_from_mapping(obj, where))
    except InputError as error:
        yield error


def _readline(stream: BinaryIO, where: str, number: int) -> bytes | InputError | None:
    """The next line, or an InputError for a line over the size limit (skipped whole, so
    a huge line never sits in memory), or None at the end."""
    limit = max_article_bytes()
    line = stream.readline(limit + 1)
    if not line:
        return None
    if len(line) > limit and not line.endswith(b"\n"):
        size = len(line)
        while True:
            rest = stream.readline(1 << 20)
            size += len(rest)
            if not rest or rest.endswith(b"\n"):
                break
        return InputError(f"{where}:{number}", f"the line is {_too_big(size)}")
    return line


def _read_lines(
    stream: BinaryIO, where: str, first: bytes | None = None
) -> Iterator[Source | InputError]:
    number = 0
    while True:
        number += 1
        if first is not None:
            line, first = first, None
        else:
            line = _readline(stream, where, number)
        if line is None:
            return
        if isinstance(line, InputError):
            yield line
            continue
        if not line.strip():
            continue
        at = f"{where}:{number}"
        try:
            obj = json.loads(_decode(at, line.rstrip(b"\r\n")))
        except json.JSONDecodeError as error:
            yield InputError(at, f"malformed JSON: {error.msg} (column {error.colno})")
            continue
        except InputError as error:
            yield error
            continue
        try:
            yield Source(where=at, data=article_from_mapping(obj, at))
        except InputError as error:
            yield error


def with_overrides(
    source: Source, *, url: str | None = None, outlet: str | None = None
) -> Source | InputError:
    """`source` with the url or outlet an operator gave on the command line."""
    if not url and not outlet:
        return source
    data = _replace(
        source.data,
        url=url or source.data.url,
        outlet=outlet or source.data.outlet,
    )
    try:
        return _replace(source, data=validated(data, source.where))
    except InputError as error:
        return error


# -- payloads for Celery ----------------------------------------------------------------


def source_to_payload(source: Source) -> dict:
    """A JSON-serialisable form of a Source, for a task message."""
    data = source.data
    return {
        "where": source.where,
        "article": {
            "text": data.text,
            "title": data.title,
            "url": data.url,
            "outlet": data.outlet,
            "byline": data.byline,
            "published": data.published.isoformat() if data.published else None,
            "language": data.language,
        },
        "curated": (
            [
                {"text": c.text, "occurrence": c.occurrence, "claimant": c.claimant}
                for c in source.curated
            ]
            if source.curated is not None
            else None
        ),
    }


def source_from_payload(payload: dict) -> Source:
    where = payload["where"]
    curated = payload.get("curated")
    return Source(
        where=where,
        data=article_from_mapping(payload["article"], where),
        curated=tuple(CuratedClaim(**item) for item in curated) if curated is not None else None,
    )
