"""Writes on outlets, claimants and articles, and the claims an article brings: created
one at a time or in bulk, and an article's text replaced keeping the claims people have
worked on."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q

from claims.bulk import insert_claims_with_history
from claims.models import (
    Article,
    Claim,
    Claimant,
    ClaimEmbedding,
    Outlet,
    SimilarClaim,
    content_hash,
)
from claims.services.inputs import ArticleInput, ClaimInput, ClaimsError, check_span


def get_or_create_outlet(*, name: str, domain: str = "") -> Outlet:
    name = name.strip()
    if not name:
        raise ClaimsError("An outlet needs a name.", field="outlet")
    outlet, _ = Outlet.objects.get_or_create(name=name, defaults={"domain": domain})
    return outlet


def get_or_create_outlets(names: set[str]) -> dict[str, Outlet]:
    """The outlets with these names, created when new: two queries for a whole batch."""
    names = {name.strip() for name in names}
    if "" in names:
        raise ClaimsError("An outlet needs a name.", field="outlet")
    if not names:
        return {}
    found = {o.name: o for o in Outlet.objects.filter(name__in=names)}
    missing = [Outlet(name=name) for name in names if name not in found]
    if missing:
        # ignore_conflicts: a concurrent loader may create the same outlet meanwhile.
        Outlet.objects.bulk_create(missing, ignore_conflicts=True)
        found = {o.name: o for o in Outlet.objects.filter(name__in=names)}
    return found


def get_or_create_claimant(*, name: str, kind: str = "person", role: str = "") -> Claimant:
    name = name.strip()
    if not name:
        raise ClaimsError("A claimant needs a name.", field="claimant")
    if kind not in Claimant.Kind.values:
        raise ClaimsError(f"Claimant kind must be one of {', '.join(Claimant.Kind.values)}.")
    claimant, created = Claimant.objects.get_or_create(
        name=name, kind=kind, defaults={"role": role}
    )
    if not created and role and not claimant.role:
        claimant.role = role
        claimant.save(update_fields=["role"])
    return claimant


def get_or_create_claimants(
    refs: list[tuple[str, str, str]],
) -> dict[tuple[str, str], Claimant]:
    """The claimants named by (name, kind, role) triples, created when new, keyed by
    (name, kind): a handful of queries for a whole article instead of two per claim."""
    wanted: dict[tuple[str, str], str] = {}
    for name, kind, role in refs:
        name = name.strip()
        if not name:
            raise ClaimsError("A claimant needs a name.", field="claimant")
        if kind not in Claimant.Kind.values:
            raise ClaimsError(f"Claimant kind must be one of {', '.join(Claimant.Kind.values)}.")
        if not wanted.get((name, kind)):
            wanted[(name, kind)] = role
    if not wanted:
        return {}
    names = {name for name, _ in wanted}

    def fetch() -> dict[tuple[str, str], Claimant]:
        return {(c.name, c.kind): c for c in Claimant.objects.filter(name__in=names)}

    found = fetch()
    missing = [
        Claimant(name=name, kind=kind, role=role)
        for (name, kind), role in wanted.items()
        if (name, kind) not in found
    ]
    if missing:
        # ignore_conflicts: a concurrent loader may create the same claimant meanwhile.
        Claimant.objects.bulk_create(missing, ignore_conflicts=True)
        found = fetch()
    for key, role in wanted.items():
        claimant = found[key]
        if role and not claimant.role:
            claimant.role = role
            claimant.save(update_fields=["role"])
    return {key: found[key] for key in wanted}


def find_article(data: ArticleInput) -> tuple[Article | None, bool]:
    """The article this input would duplicate: (article, same_text)."""
    digest = content_hash(data.text)
    match = Q(content_hash=digest)
    if data.url:
        match |= Q(url=data.url)
    # One query for both questions; at most two rows can match (both are unique).
    found = list(Article.objects.filter(match).order_by()[:2])
    for article in found:
        if article.content_hash == digest:
            return article, True
    return (found[0], False) if found else (None, False)


def stored_keys(items: list[ArticleInput]) -> tuple[set[str], set[str]]:
    """Which of these urls and content hashes are stored already: one query for a batch."""
    urls = {data.url for data in items if data.url}
    digests = {content_hash(data.text) for data in items}
    rows = Article.objects.filter(Q(url__in=urls) | Q(content_hash__in=digests)).values_list(
        "url", "content_hash"
    )
    stored_urls, stored_digests = set(), set()
    for url, digest in rows:
        stored_urls.add(url)
        stored_digests.add(digest)
    return stored_urls & urls, stored_digests & digests


def create_article(*, data: ArticleInput) -> Article:
    """Store a new article (callers check find_article first; constraints catch the rest)."""
    return create_articles([data])[0]


def create_articles(items: list[ArticleInput]) -> list[Article]:
    """Store new articles in one INSERT (callers check stored_keys or find_article first;
    the unique constraints catch the rest, and a caller's transaction then stores none)."""
    outlets = get_or_create_outlets({data.outlet for data in items if data.outlet})
    articles = [
        Article(
            url=data.url,
            title=data.title,
            outlet=outlets[data.outlet.strip()] if data.outlet else None,
            byline=data.byline,
            published=data.published,
            language=data.language,
            body=data.text,
            content_hash=content_hash(data.text),
        )
        for data in items
    ]
    # The backends we run on (PostgreSQL, SQLite 3.35+) return the new primary keys.
    return Article.objects.bulk_create(articles)


def add_claims(*, article: Article, claims: list[ClaimInput]) -> list[int]:
    """Add claims to an article, skipping spans it already has. Returns the new claims' ids."""
    return add_claims_to_articles([(article, claims)])[0]


def add_claims_to_articles(
    batch: list[tuple[Article, list[ClaimInput]]],
) -> list[list[int]]:
    """add_claims for many articles at once (a bulk load): one query for the spans they
    have, one INSERT for the claims and one for their history rows. Returns the ids of
    each article's new claims, in order."""
    existing = set(
        Claim.objects.filter(article__in=[article.pk for article, _ in batch]).values_list(
            "article_id", "span_start", "span_end"
        )
    )
    rows: list[dict[str, object]] = []
    counts: list[int] = []
    for article, claims in batch:
        before = len(rows)
        for item in claims:
            check_span(article=article, text=item.text, start=item.start, end=item.end)
            key = (article.pk, item.start, item.end)
            if key in existing:
                continue
            existing.add(key)
            rows.append(
                {
                    "article_id": article.pk,
                    "text": item.text,
                    "span_start": item.start,
                    "span_end": item.end,
                    "claimant_id": item.claimant.pk if item.claimant else None,
                    "checkworthiness": item.checkworthiness,
                    "checkworthiness_reasons": list(item.reasons),
                    "origin": item.origin,
                    "claim_date": article.published,
                }
            )
        counts.append(len(rows) - before)
    ids = iter(insert_claims_with_history(rows, change_reason="created"))
    return [[next(ids) for _ in range(count)] for count in counts]


@dataclass(frozen=True)
class Replacement:
    """What replacing an article's text did to the claims it had."""

    removed: int
    kept: int
    detached: int


def editor_touched_claims(article: Article):
    """The claims of `article` that carry people's work, which a machine re-run must keep:
    under review or later, dismissed, added by hand, with a decided similarity link, or
    referred to by anything else (evidence, verdicts, workflow history, duplicates)."""
    decided = [SimilarClaim.Decision.CONFIRMED, SimilarClaim.Decision.REJECTED]
    touched = (
        ~Q(status=Claim.Status.NEW)
        | Q(origin__in=[Claim.Origin.MANUAL, Claim.Origin.SUBMITTED])
        | Q(assignee__isnull=False)
        | Q(duplicate_of__isnull=False)
        | Q(similar_out__decision__in=decided)
        | Q(similar_in__decision__in=decided)
    )
    # Rows of other apps (reviews) point at claims too; claims never imports reviews, so
    # ask the model which relations exist rather than naming them.
    for relation in Claim._meta.related_objects:
        if relation.related_model in (SimilarClaim, ClaimEmbedding):  # machine-made
            continue
        touched |= Q(**{f"{relation.name}__isnull": False})
    return article.claims.filter(touched).distinct()


def _relocate(
    body: str, text: str, near: int, taken: set[tuple[int, int]]
) -> tuple[int, int] | None:
    """The occurrence of `text` in `body` nearest to where it stood, not already taken."""
    best: tuple[int, int] | None = None
    start = body.find(text)
    while start >= 0:
        span = (start, start + len(text))
        if span not in taken and (best is None or abs(start - near) < abs(best[0] - near)):
            best = span
        start = body.find(text, start + 1)
    return best


@transaction.atomic
def replace_article_text(*, article_id: int, data: ArticleInput) -> Replacement:
    """Give an article a new version of its text (same url, corrected or updated by its
    outlet). The machine's untouched claims go; claims carrying people's work stay, moved
    to where their text now stands, or kept with the article's url as their source when
    the new text no longer contains them. Callers then add the new version's claims."""
    article = Article.objects.select_for_update().get(pk=article_id)
    keep = list(editor_touched_claims(article).order_by("span_start", "id"))
    keep_ids = {claim.pk for claim in keep}
    removable = article.claims.exclude(pk__in=keep_ids)
    removed = removable.count()
    # Pending similarity links go with their claims (CASCADE); decided ones are on kept
    # claims only, by editor_touched_claims.
    removable.delete()

    if data.outlet:
        article.outlet = get_or_create_outlet(name=data.outlet)
    article.body = data.text
    article.content_hash = content_hash(data.text)
    article.title = data.title or article.title
    article.byline = data.byline or article.byline
    article.published = data.published or article.published
    article.language = data.language or article.language
    article.save()

    taken: set[tuple[int, int]] = set()
    detached = 0
    for claim in keep:
        span = _relocate(article.body, claim.text, claim.span_start or 0, taken)
        if span is not None:
            taken.add(span)
            claim.span_start, claim.span_end = span
        else:
            # The corrected article no longer says it; the claim and its review stay,
            # sourced to the article's address.
            claim.article = None
            claim.span_start = claim.span_end = None
            claim.source_url = article.url or ""
            detached += 1
        claim.version += 1
        claim.save(update_fields=["article", "span_start", "span_end", "source_url", "version"])
    return Replacement(removed=removed, kept=len(keep) - detached, detached=detached)
