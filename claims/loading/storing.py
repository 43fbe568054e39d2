"""Storing: one Source in one transaction (load_article), many in chunks (load_articles),
with the extractor's claims, curated claims and the linking of new claims queued in the
same transaction; and the extraction of a bulk load in worker processes."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace as _replace

from django.db import DatabaseError, IntegrityError, OperationalError, transaction

from claims import services
from claims.loading.reading import validated
from claims.loading.sources import CuratedClaim, InputError, LoadResult, Source
from claims.models import Article, Claim, Claimant, content_hash
from claims.services import ArticleInput, ClaimInput, ClaimsError


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
