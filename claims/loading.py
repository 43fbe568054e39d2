"""Turning article files into articles and claims: the one code path behind
`manage.py load_articles`, its Celery task and the API's article creation.

Reading (read_path, read_stream, article_from_mapping) turns bytes into Sources or
InputErrors without touching the database; storing (load_article) writes one Source in one
transaction. Large inputs are streamed: a .jsonl file or standard input is read a line at a
time, so memory stays flat however many articles it holds.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from dataclasses import replace as _replace
from datetime import date, datetime
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.db import DatabaseError, IntegrityError, OperationalError, transaction

from claims import services
from claims.models import Article, Claim, Claimant, content_hash
from claims.services import ArticleInput, ClaimInput, ClaimsError
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


# -- reading ----------------------------------------------------------------------------


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


# -- storing ----------------------------------------------------------------------------


def _claimant_refs(source: Source) -> list[tuple[str, str, str]]:
    """The (name, kind, role) of every claimant the source's claims name."""
    if source.curated is not None:
        return [
            (
                c.claimant.get("name", ""),
                c.claimant.get("kind") or "person",
                c.claimant.get("role") or "",
            )
            for c in source.curated
            if c.claimant
        ]
    return [(f.claimant.name, f.claimant.kind, f.claimant.role) for f in source.found if f.claimant]


def score_sentence(text: str) -> tuple[float, tuple[str, ...]]:
    from claims.extraction import score_sentence as score

    return score(text)


def _curated_claims(
    body: str, curated: tuple[CuratedClaim, ...], claimants: dict[tuple[str, str], Claimant]
) -> list[ClaimInput]:
    claims = []
    for item in curated:
        start, end = services.find_span(body, item.text, item.occurrence)
        claimant = None
        if item.claimant:
            key = (item.claimant.get("name", "").strip(), item.claimant.get("kind") or "person")
            claimant = claimants[key]
        # A curated claim is scored like an extracted one, so "most check-worthy first"
        # orders every claim by the same measure.
        score, reasons = score_sentence(item.text)
        claims.append(
            ClaimInput(
                text=item.text,
                start=start,
                end=end,
                claimant=claimant,
                checkworthiness=score,
                reasons=reasons,
                origin=Claim.Origin.CURATED,
            )
        )
    return claims


def extract(text: str) -> tuple:
    """The extractor's claims for `text` (pure Python: may run in another process)."""
    from claims.extraction import extract_claims

    return tuple(extract_claims(text))


def _extracted_claims(
    found: Iterable, claimants: dict[tuple[str, str], Claimant]
) -> list[ClaimInput]:
    return [
        ClaimInput(
            text=f.text,
            start=f.start,
            end=f.end,
            claimant=claimants[(f.claimant.name.strip(), f.claimant.kind)] if f.claimant else None,
            checkworthiness=round(f.score, 3),
            reasons=f.reasons,
            origin=Claim.Origin.EXTRACTED,
        )
        for f in found
    ]


def extracted_in_parallel(
    items: Iterable[Source | InputError], *, jobs: int, window: int = 512
) -> Iterator[Source | InputError]:
    """`items` with the extractor's claims computed in `jobs` worker processes, in order.

    Extraction is pure CPU work on the text; the database writes stay in this process.
    Items are taken a window at a time (the next window is extracted while the current
    one is stored), so memory stays flat however long the input is.
    """
    import multiprocessing
    from itertools import islice

    from claims.extraction import extract_all

    def needs(item) -> bool:
        return isinstance(item, Source) and item.curated is None and item.found is None

    def submit(pool, chunk):
        texts = [item.data.text for item in chunk if needs(item)]
        per_task = max(1, len(texts) // (jobs * 4))
        parts = [texts[i : i + per_task] for i in range(0, len(texts), per_task)]
        return chunk, pool.map_async(extract_all, parts)

    def finish(chunk, pending) -> Iterator[Source | InputError]:
        found = iter([claims for part in pending.get() for claims in part])
        for item in chunk:
            yield _replace(item, found=next(found)) if needs(item) else item

    iterator = iter(items)
    # spawn, not fork: a forked child would inherit this process's database connection.
    with multiprocessing.get_context("spawn").Pool(jobs) as pool:
        current = submit(pool, list(islice(iterator, window)))
        while current[0]:
            upcoming = submit(pool, list(islice(iterator, window)))
            yield from finish(*current)
            current = upcoming


def queue_linking(claim_ids: list[int]) -> None:
    """Ask the background worker to link new claims to the same claims elsewhere: an
    outbox message in the transaction that stores them, so a load interrupted (or a
    broker away) after the commit never leaves stored claims that nobody will link."""
    from claims.tasks import queue_linking as enqueue_linking

    enqueue_linking(claim_ids)


def _with_claims(source: Source, data: ArticleInput) -> Source:
    """`source` with the extractor's claims found, unless it has them or curated ones."""
    if source.curated is None and source.found is None:
        return _replace(source, found=extract(data.text))
    return source


def load_article(
    source: Source,
    *,
    replace: bool = False,
    dry_run: bool = False,
    link: Callable[[list[int]], None] | None = queue_linking,
) -> LoadResult:
    """Store one article and its claims in one transaction; loading it again is a no-op.

    The same url with different text is a conflict that keeps the stored text, unless
    `replace`, which takes the new text and keeps the claims people have worked on (see
    services.replace_article_text). `dry_run` does all the work and rolls it back. New
    claims are passed to `link` inside the transaction that stores them (by default:
    queue_linking, an outbox message that runs once it commits).
    """
    data = validated(source.data, source.where)
    if source.curated is None and source.found is None:
        # Extraction is the slow part and needs no database: do it before taking the
        # write lock, so concurrent loaders and the pages are not kept waiting, and only
        # for an article that is not stored already.
        existing, same_text = services.find_article(data)
        if existing is not None and (same_text or not replace):
            return _existing(source, existing, same_text)
        source = _with_claims(source, data)
    try:
        with transaction.atomic():
            result = _store(source, data, replace=replace)
            if dry_run:
                result.dry_run = True
                transaction.set_rollback(True)
            elif link is not None and result.claim_ids:
                link(result.claim_ids)
    except ClaimsError as error:
        raise InputError(source.where, error.message) from None
    except IntegrityError as error:
        # Another loader stored the same article between our check and our insert.
        existing, same_text = services.find_article(data)
        if existing is None:
            raise InputError(source.where, _database_refused(error)) from None
        return _existing(source, existing, same_text)
    except OperationalError:
        raise  # the database itself is away or locked: not this article's fault
    except DatabaseError as error:
        # A value the checks above let through and the database refuses (a DataError):
        # this article is refused alone, the run goes on.
        raise InputError(source.where, _database_refused(error)) from None
    return result


def _database_refused(error: Exception) -> str:
    first = (str(error).strip().splitlines() or [type(error).__name__])[0]
    return f"the database refused it: {first[:200]}"


def load_articles(
    items: Iterable[Source | InputError],
    *,
    replace: bool = False,
    link: Callable[[list[int]], None] | None = queue_linking,
    batch: int = 100,
) -> Iterator[LoadResult | InputError]:
    """load_article for a stream of inputs, with the same outcome for each, in order:
    a LoadResult, or the InputError that refused it (passed through from reading).

    New articles are stored `batch` at a time: one transaction and a handful of
    multi-row INSERTs for the lot, where one article at a time spends most of its time in
    per-statement and per-commit costs. Each article is still all or nothing: should any
    of them fail (a claim that is not in its text, another loader storing the same article
    meanwhile), the batch is rolled back whole and its articles are loaded one at a time,
    each in its own transaction, so a bad one is reported and the good ones stored.
    Articles already stored (unchanged, conflict, replaced) take load_article's path.
    """
    from itertools import islice

    iterator = iter(items)
    while chunk := list(islice(iterator, batch)):
        yield from _load_chunk(chunk, replace=replace, link=link)


def _load_chunk(
    chunk: list[Source | InputError], *, replace: bool, link
) -> list[LoadResult | InputError]:
    results: list[LoadResult | InputError | None] = [None] * len(chunk)
    valid: list[tuple[int, Source, ArticleInput]] = []
    for at, item in enumerate(chunk):
        if isinstance(item, InputError):
            results[at] = item
            continue
        try:
            valid.append((at, item, validated(item.data, item.where)))
        except InputError as error:
            results[at] = error

    # New: neither stored nor an earlier input of this chunk (same url or same text).
    stored_urls, stored_digests = services.stored_keys([data for _, _, data in valid])
    new: list[tuple[int, Source, ArticleInput]] = []
    one_by_one: list[int] = []
    for at, source, data in valid:
        digest = content_hash(data.text)
        if digest in stored_digests or (data.url and data.url in stored_urls):
            one_by_one.append(at)
            continue
        stored_digests.add(digest)
        if data.url:
            stored_urls.add(data.url)
        new.append((at, source, data))

    sources = list(chunk)
    if new:
        # Extraction needs no database: done before the write lock is taken (and kept
        # for the one-at-a-time path should the batch fail).
        new = [(at, _with_claims(source, data), data) for at, source, data in new]
        for at, source, _ in new:
            sources[at] = source
        try:
            with transaction.atomic():
                created = _create(new)
                ids = [pk for result in created for pk in result.claim_ids]
                if link is not None and ids:
                    link(ids)
        except OperationalError:
            raise
        except (ClaimsError, DatabaseError):
            one_by_one.extend(at for at, _, _ in new)
        else:
            for (at, _, _), result in zip(new, created, strict=True):
                results[at] = result

    for at in sorted(one_by_one):
        try:
            results[at] = load_article(sources[at], replace=replace, link=link)
        except InputError as error:
            results[at] = error
    return results


def _existing(source: Source, article: Article, same_text: bool) -> LoadResult:
    if same_text:
        return LoadResult(source.where, "unchanged", article)
    return LoadResult(
        source.where,
        "conflict",
        article,
        notes=["same url, different text: kept the stored text (--replace to take the new)"],
    )


def _create(items: list[tuple[int, Source, ArticleInput]]) -> list[LoadResult]:
    """New articles and their claims: a few statements for the lot, whatever its size."""
    articles = services.create_articles([data for _, _, data in items])
    claimants = services.get_or_create_claimants(
        [ref for _, source, _ in items for ref in _claimant_refs(source)]
    )
    created = services.add_claims_to_articles(
        [
            (article, _claims_for(source, article.body, claimants))
            for (_, source, _), article in zip(items, articles, strict=True)
        ]
    )
    return [
        LoadResult(
            source.where,
            "new",
            article,
            claims_created=len(ids),
            claim_ids=ids,
        )
        for (_, source, _), article, ids in zip(items, articles, created, strict=True)
    ]


def _claims_for(
    source: Source, body: str, claimants: dict[tuple[str, str], Claimant]
) -> list[ClaimInput]:
    if source.curated is not None:
        return _curated_claims(body, source.curated, claimants)
    return _extracted_claims(source.found, claimants)


def _store(source: Source, data: ArticleInput, *, replace: bool) -> LoadResult:
    existing, same_text = services.find_article(data)
    if existing is not None and (same_text or not replace):
        return _existing(source, existing, same_text)
    if existing is None:
        return _create([(0, source, data)])[0]
    replaced = services.replace_article_text(article_id=existing.pk, data=data)
    article = Article.objects.get(pk=existing.pk)
    notes = [f"removed {replaced.removed} unreviewed claims"]
    if replaced.kept:
        notes.append(f"kept {replaced.kept} claims people worked on")
    if replaced.detached:
        notes.append(
            f"{replaced.detached} kept claims are no longer in the text: "
            "now sourced to the article's url"
        )
    claimants = services.get_or_create_claimants(_claimant_refs(source))
    claims = _claims_for(source, article.body, claimants)
    # A kept claim stands for its sentence: the extractor's span over the same words
    # (a sentence that grew, or the whole sentence around a hand-picked clause) would
    # put the same claim in front of the desk twice.
    kept = list(article.claims.values_list("span_start", "span_end"))
    claims = [c for c in claims if not any(c.start < end and start < c.end for start, end in kept)]
    created = services.add_claims(article=article, claims=claims)
    return LoadResult(
        source.where,
        "replaced",
        article,
        claims_created=len(created),
        notes=notes,
        claim_ids=created,
    )
