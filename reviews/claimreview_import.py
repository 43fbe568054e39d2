"""ClaimReview in: other publishers' fact checks from their pages' markup, from ClaimReview
JSON-LD and DataFeed files, and from the public fact-check search API's JSON, stored as
ExternalFactCheck rows keyed by the review's url.

Reading never writes: `read_reviews` turns one input into (where, ReviewInput | Refused)
pairs, a bad item refused alone with a line that names it. `import_reviews` writes each
good item in its own transaction, so a failure cannot leave half an item or undo the rest.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field

import extruct
from django.db import IntegrityError, transaction

from claims.services import ClaimsError, normalise_url
from factcheck.outbox import enqueue
from reviews.models import ExternalFactCheck, Rating, RatingMapping, rating_key

SCHEMA_PREFIXES = ("http://schema.org/", "https://schema.org/", "schema:")
# schema.org's defaults for a Rating that gives a value without its scale.
DEFAULT_BEST, DEFAULT_WORST = 5.0, 1.0


class UnreadableInput(Exception):
    """The whole input is not something we read (not JSON or HTML, no reviews in it)."""


@dataclass(frozen=True)
class Refused:
    problem: str


@dataclass(frozen=True)
class ReviewInput:
    url: str
    publisher: str
    claim_text: str
    source: str
    publisher_site: str = ""
    title: str = ""
    claimant: str = ""
    claimant_kind: str = ""
    claim_date: dt.date | None = None
    appearance_url: str = ""
    review_date: dt.date | None = None
    language: str = ""
    rating_text: str = ""
    rating_value: float | None = None
    best_rating: float | None = None
    worst_rating: float | None = None
    # The publisher withdrew the review (creativeWorkStatus "withdrawn", as our own feed
    # marks one): a stored copy is removed, none is made.
    withdrawn: bool = False


class _Bad(Exception):
    pass


# -- reading -----------------------------------------------------------------------------


def read_reviews(data: bytes, *, html: bool | None = None) -> Iterator[tuple[str, object]]:
    """The ClaimReviews in one input, each as (where, ReviewInput or Refused).

    `html` None: decided from the bytes (markup starts with "<")."""
    text = data.decode("utf-8-sig", errors="replace").lstrip()
    if html is None:
        html = text.startswith("<")
    if html:
        yield from _from_html(text)
        return
    try:
        doc = json.loads(text)
    except ValueError as exc:
        raise UnreadableInput(f"not JSON or HTML ({exc})") from None
    if isinstance(doc, dict) and "claims" in doc and "@context" not in doc:
        yield from _from_search_api(doc)
        return
    found = list(_claimreview_nodes(doc, ""))
    if not found:
        raise UnreadableInput("no ClaimReview, DataFeed or search API claims in it")
    for where, node in found:
        yield where, _parse_node(node, source=ExternalFactCheck.Source.FEED)


def _from_html(text: str) -> Iterator[tuple[str, object]]:
    try:
        data = extruct.extract(text, syntaxes=["json-ld", "microdata"], uniform=True)
    except Exception as exc:  # extruct raises whatever its parsers do on broken markup
        raise UnreadableInput(f"the page's markup cannot be read ({exc})") from None
    found = []
    for syntax in ("json-ld", "microdata"):
        for i, doc in enumerate(data.get(syntax) or []):
            found += _claimreview_nodes(doc, f"{syntax}[{i}]")
    if not found:
        raise UnreadableInput("no ClaimReview in the page's markup")
    for where, node in found:
        yield where, _parse_node(node, source=ExternalFactCheck.Source.PAGE)


def _local(name: object) -> str:
    name = str(name)
    for prefix in SCHEMA_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def _types(node: object) -> set[str]:
    if not isinstance(node, dict):
        return set()
    kinds = node.get("@type", [])
    return {_local(k) for k in (kinds if isinstance(kinds, list) else [kinds])}


def _get(node: object, name: str):
    if not isinstance(node, dict):
        return None
    for key in (name, *(p + name for p in SCHEMA_PREFIXES)):
        if key in node:
            value = node[key]
            if isinstance(value, list):
                value = value[0] if value else None
            if isinstance(value, dict) and "@value" in value:
                value = value["@value"]
            return value
    return None


def _claimreview_nodes(doc: object, where: str) -> Iterator[tuple[str, object]]:
    """ClaimReview nodes at the places feeds put them; other things become refusals."""
    if isinstance(doc, list):
        for i, node in enumerate(doc):
            yield from _claimreview_nodes(node, f"{where}[{i}]")
        return
    if not isinstance(doc, dict):
        return
    here = where or "the document"
    if "@graph" in doc:
        yield from _claimreview_nodes(doc["@graph"], f"{where}@graph")
    kinds = _types(doc)
    if "ClaimReview" in kinds:
        yield here, doc
    elif "DataFeed" in kinds:
        elements = doc.get("dataFeedElement", [])
        for i, element in enumerate(elements if isinstance(elements, list) else [elements]):
            at = f"{where}{'.' if where else ''}dataFeedElement[{i}]"
            element_kinds = _types(element)
            if "ClaimReview" in element_kinds:
                yield at, element
            elif "DataFeedItem" in element_kinds:
                items = element.get("item", [])
                items = items if isinstance(items, list) else [items]
                reviews = [(j, it) for j, it in enumerate(items) if "ClaimReview" in _types(it)]
                if not reviews:
                    yield at, Refused("a DataFeedItem without a ClaimReview item")
                for j, item in reviews:
                    yield f"{at}.item[{j}]", item
            else:
                named = ", ".join(sorted(element_kinds)) or "no @type"
                yield at, Refused(f"not a ClaimReview ({named})")


def _text(value: object, what: str, *, required: bool = False, limit: int = 0) -> str:
    if isinstance(value, dict):
        value = _get(value, "name")
    if value is None:
        value = ""
    if not isinstance(value, str | int | float):
        raise _Bad(f"{what}: not text")
    value = " ".join(str(value).split())
    if required and not value:
        raise _Bad(f"no {what}")
    if limit and len(value) > limit:
        raise _Bad(f"{what}: longer than {limit} characters")
    return value


def _url(value: object, what: str, *, required: bool = False) -> str:
    if isinstance(value, dict):
        value = _get(value, "url") or value.get("@id")
    value = _text(value, what, required=required)
    if not value:
        return ""
    try:
        return normalise_url(value)
    except ClaimsError:
        raise _Bad(f"{what}: {value!r} is not an http(s) url") from None


def _date(value: object, what: str) -> dt.date | None:
    value = _text(value, what)
    if not value:
        return None
    try:
        if len(value) == 10:
            return dt.date.fromisoformat(value)
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        raise _Bad(f"{what}: {value!r} is not a date") from None


def _number(value: object, what: str) -> float | None:
    if value is None or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise _Bad(f"{what}: {value!r} is not a number") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise _Bad(f"{what}: {value!r} is not a number")
    return number


def _parse_node(node: object, *, source: str) -> object:
    if isinstance(node, Refused):
        return node
    try:
        return _review_from_node(node, source=source)
    except _Bad as exc:
        return Refused(str(exc))


def _review_from_node(node: dict, *, source: str) -> ReviewInput:
    url = _url(_get(node, "url") or node.get("@id"), "url", required=True)
    claim_text = _text(_get(node, "claimReviewed"), "claimReviewed", required=True)
    author = _get(node, "author") or _get(node, "publisher")
    publisher = _text(author, "author (the publisher)", required=True, limit=200)
    publisher_site = _url(author, "author.url") if isinstance(author, dict) else ""
    status = _get(node, "creativeWorkStatus")
    if isinstance(status, str) and status.strip().casefold() == "withdrawn":
        return ReviewInput(
            url=url, publisher=publisher, claim_text=claim_text, source=source, withdrawn=True
        )
    rating = _get(node, "reviewRating")
    if not isinstance(rating, dict):
        raise _Bad("no reviewRating")
    rating_text = _text(
        _get(rating, "alternateName") or _get(rating, "name"),
        "reviewRating.alternateName",
        limit=200,
    )
    value = _number(_get(rating, "ratingValue"), "reviewRating.ratingValue")
    best = worst = None
    if value is not None:
        best = _number(_get(rating, "bestRating"), "reviewRating.bestRating")
        worst = _number(_get(rating, "worstRating"), "reviewRating.worstRating")
        best = DEFAULT_BEST if best is None else best
        worst = DEFAULT_WORST if worst is None else worst
        if not min(best, worst) <= value <= max(best, worst):
            raise _Bad(f"reviewRating.ratingValue: {value:g} is outside {worst:g}..{best:g}")
    if not rating_text and value is None:
        raise _Bad("reviewRating has neither alternateName nor ratingValue")
    item = _get(node, "itemReviewed")
    item = item if isinstance(item, dict) else {}
    claimant = _get(item, "author")
    kinds = _types(claimant)
    kind = "organization" if "Organization" in kinds else "person" if "Person" in kinds else ""
    appearance = _get(item, "firstAppearance") or _get(item, "appearance")
    return ReviewInput(
        url=url,
        publisher=publisher,
        publisher_site=publisher_site,
        claim_text=claim_text,
        source=source,
        title=_text(_get(node, "headline") or _get(node, "name"), "headline")[:500],
        claimant=_text(claimant, "itemReviewed.author", limit=300),
        claimant_kind=kind,
        claim_date=_date(_get(item, "datePublished"), "itemReviewed.datePublished"),
        appearance_url=_url(appearance, "itemReviewed.appearance") if appearance else "",
        review_date=_date(_get(node, "datePublished"), "datePublished"),
        language=_text(_get(node, "inLanguage"), "inLanguage", limit=12),
        rating_text=rating_text,
        rating_value=value,
        best_rating=best,
        worst_rating=worst,
    )


def _from_search_api(doc: dict) -> Iterator[tuple[str, object]]:
    """The search API's claims, each with its claimReview list (no numeric ratings)."""
    claims = doc["claims"]
    if not isinstance(claims, list):
        raise UnreadableInput("'claims' is not a list")
    for i, claim in enumerate(claims):
        where = f"claims[{i}]"
        if not isinstance(claim, dict):
            yield where, Refused("not an object")
            continue
        reviews = claim.get("claimReview")
        if not isinstance(reviews, list) or not reviews:
            yield where, Refused("no claimReview")
            continue
        for j, review in enumerate(reviews):
            yield f"{where}.claimReview[{j}]", _search_api_review(claim, review)


def _search_api_review(claim: dict, review: object) -> object:
    try:
        if not isinstance(review, dict):
            raise _Bad("not an object")
        publisher = review.get("publisher") or {}
        if not isinstance(publisher, dict):
            raise _Bad("publisher: not an object")
        site = _text(publisher.get("site"), "publisher.site", limit=300)
        rating_text = _text(review.get("textualRating"), "textualRating", limit=200)
        if not rating_text:
            raise _Bad("no textualRating")
        return ReviewInput(
            url=_url(review.get("url"), "url", required=True),
            publisher=_text(publisher.get("name") or site, "publisher", required=True, limit=200),
            publisher_site=site,
            claim_text=_text(claim.get("text"), "text (the claim)", required=True),
            source=ExternalFactCheck.Source.SEARCH_API,
            title=_text(review.get("title"), "title")[:500],
            claimant=_text(claim.get("claimant"), "claimant", limit=300),
            claim_date=_date(claim.get("claimDate"), "claimDate"),
            review_date=_date(review.get("reviewDate"), "reviewDate"),
            language=_text(review.get("languageCode"), "languageCode", limit=12),
            rating_text=rating_text,
        )
    except _Bad as exc:
        return Refused(str(exc))


# -- the rating mapping ------------------------------------------------------------------


class RatingMap:
    """The desk's RatingMapping table, read once per import."""

    def __init__(self) -> None:
        self.numbers: dict[tuple, Rating] = {}
        self.texts: dict[tuple, Rating] = {}
        for row in RatingMapping.objects.select_related("rating"):
            if row.text_key:
                self.texts[(row.publisher_key, row.text_key)] = row.rating
            else:
                key = (row.publisher_key, row.rating_value, row.best_rating, row.worst_rating)
                self.numbers[key] = row.rating

    def rating_for(
        self,
        *,
        publisher: str,
        rating_text: str,
        rating_value: float | None,
        best_rating: float | None,
        worst_rating: float | None,
    ) -> Rating | None:
        """The publisher's number on its scale first, then its words; None when unmapped."""
        pub = rating_key(publisher)
        if rating_value is not None:
            for who in (pub, ""):
                found = self.numbers.get((who, rating_value, best_rating, worst_rating))
                if found:
                    return found
        text = rating_key(rating_text)
        if text:
            for who in (pub, ""):
                found = self.texts.get((who, text))
                if found:
                    return found
        return None


def remap_external_fact_checks() -> int:
    """Read every stored external rating again through the mapping table (after an edit to
    it); returns how many changed."""
    mapping, changed, batch = RatingMap(), 0, []
    for row in ExternalFactCheck.objects.only(
        "id", "publisher", "rating_text", "rating_value", "best_rating", "worst_rating", "rating"
    ).iterator(chunk_size=2000):
        rating = mapping.rating_for(
            publisher=row.publisher,
            rating_text=row.rating_text,
            rating_value=row.rating_value,
            best_rating=row.best_rating,
            worst_rating=row.worst_rating,
        )
        if (rating.pk if rating else None) != row.rating_id:
            row.rating = rating
            batch.append(row)
        if len(batch) >= 2000:
            ExternalFactCheck.objects.bulk_update(batch, ["rating"])
            changed, batch = changed + len(batch), []
    if batch:
        ExternalFactCheck.objects.bulk_update(batch, ["rating"])
        changed += len(batch)
    return changed


# -- writing -----------------------------------------------------------------------------


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    refused: list[tuple[str, str]] = field(default_factory=list)
    unmapped: int = 0
    # Reviews their publisher withdrew: the stored copies removed (or none made).
    withdrawn: int = 0

    def as_dict(self) -> dict:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "duplicates": self.duplicates,
            "unmapped": self.unmapped,
            "withdrawn": self.withdrawn,
            "refused": [{"item": where, "problem": problem} for where, problem in self.refused],
        }


def import_reviews(
    *, items: Iterable[tuple[str, object]], mapping: RatingMap | None = None
) -> ImportReport:
    """Store each ReviewInput as an ExternalFactCheck, created or updated by its url; a
    refused item is reported and the others still stored."""
    mapping = mapping or RatingMap()
    report, seen, changed = ImportReport(), {}, []
    for where, item in items:
        if isinstance(item, Refused):
            report.refused.append((where, item.problem))
            continue
        if item.url in seen:
            # The same review twice in one input: the first one stands.
            report.duplicates += 1
            continue
        seen[item.url] = where
        if item.withdrawn:
            ExternalFactCheck.objects.filter(url=item.url).delete()
            report.withdrawn += 1
            continue
        rating = mapping.rating_for(
            publisher=item.publisher,
            rating_text=item.rating_text,
            rating_value=item.rating_value,
            best_rating=item.best_rating,
            worst_rating=item.worst_rating,
        )
        if rating is None:
            report.unmapped += 1
        outcome = store_external_fact_check(review=item, rating=rating)
        setattr(report, outcome, getattr(report, outcome) + 1)
        if outcome != "unchanged":
            changed.append(item.url)
    if changed:
        # New and changed fact checks are matched to our claims in the background.
        ids = list(ExternalFactCheck.objects.filter(url__in=changed).values_list("pk", flat=True))
        enqueue("reviews.tasks.match_new_fact_checks", external_ids=ids)
    return report


def store_external_fact_check(*, review: ReviewInput, rating: Rating | None) -> str:
    """Create or update the row for one review; "created", "updated" or "unchanged"."""
    fields = {k: v for k, v in asdict(review).items() if k not in ("url", "withdrawn")}
    fields["rating"] = rating
    for attempt in range(2):
        try:
            with transaction.atomic():
                row = ExternalFactCheck.objects.select_for_update().filter(url=review.url).first()
                if row is None:
                    ExternalFactCheck.objects.create(url=review.url, **fields)
                    return "created"
                same = all(getattr(row, k) == v for k, v in fields.items() if k != "rating")
                if same and row.rating_id == (rating.pk if rating else None):
                    return "unchanged"
                for k, v in fields.items():
                    setattr(row, k, v)
                row.embedding, row.embedding_model = None, ""  # its text may have changed
                row.save()
                return "updated"
        except IntegrityError:
            # Another import created the same url meanwhile: update that row instead.
            if attempt:
                raise
    raise AssertionError("unreachable")
