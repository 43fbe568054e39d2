"""Linking a claim to the claims of other articles that state the same thing.

Hybrid retrieval, then one score, so that no insert compares every pair:

1. candidates from two indexes, each asked once for a whole batch of claims: the vector
   index (claims.vectors: sentence embeddings stored in claims.ClaimEmbedding, exact
   search for a small desk, an approximate index persisted beside a large database),
   which finds restatements in other words, and the word table (SimilarityWord: word ->
   claim, filled here as claims are linked) on every database: the claims of other
   articles sharing two of a claim's rarest words, rarity counted in the table up to
   COMMON_WORD_CLAIMS (claims.word_table). (PostgreSQL used a pg_trgm
   nearest-neighbour walk, one per claim and about 0.9 s of it at a million claims.)
2. one score for each candidate (see combined): mostly the embeddings' cosine, with the
   overlap of content words (numbers taken out) as a tie-breaker, moved up or down by how
   the two claims' figures relate (claims.figures.agreement: figures of one type that fit
   are evidence of one fact; figures of no common type, or of one type but orders of
   magnitude apart, or a figure against none, of two facts about the same people). A
   link is suggested at FACTCHECK_LINK_MIN_SCORE, to the best-scoring claims of each
   other article only (SAME_ARTICLE_MARGIN); at FACTCHECK_CONFLICT_MIN_SCORE and above
   its figures are compared after normalising them (claims.figures), and differing ones
   flag it conflicting with a note such as "20 years vs 23 years".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from django.conf import settings
from django.db import connection, transaction

from claims import aliases, figures, word_table
from claims.extraction.text import without_dateline
from claims.models import Claim, ClaimEmbedding, SimilarClaim, SimilarityWord
from claims.vectors import stored_vectors, vector_index

# How many candidates one claim brings back from the vector index before scoring (the
# word table brings back claims.word_table.CANDIDATES_PER_CLAIM).
SEMANTIC_CANDIDATES = 25

# fmt: off
_STOPWORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before
being below between both but by can could did do does doing down during each few for from
further had has have having he her here hers herself him himself his how i if in into is it
its itself just me more most my myself no nor not now of off on once only or other our ours
out over own same she should so some such than that the their theirs them themselves then
there these they this those through to too under until up very was we were what when where
which while who whom why will with would you your yours mr mrs ms dr said says say told tell
tells according added stated noted asked wrote year years ago last week month day since per
cent percent another one two three four five six seven eight nine ten
""".split())  # noqa: SIM905 (a word list reads better as text)
# fmt: on
# "year(s)", "percent" and the number words are stopwords for the score (they come with
# the figures, which are compared separately) but still name the unit of a figure.
_UNIT_WORDS = frozenset({"year", "month", "week", "day", "percent", "cent"})

_MONTHS = frozenset(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"]
)  # fmt: skip
_MULTIPLIERS = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_CURRENCIES = "$£€¥₹"
_TOKEN = re.compile(r"[$£€¥₹]?\d+(?:,\d{3})*(?:\.\d+)?%?|[A-Za-z][A-Za-z’'-]*")


def _stem(word: str) -> str:
    """A crude English stem, enough to match "countries"/"country", "visits"/"visit"."""
    word = word.lower().replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    word = word.strip("'-")
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


@dataclass(frozen=True)
class Figure:
    unit: str  # what is counted ("year", "country", "date:february", "year-date")
    value: str  # as written, for the conflict note
    number: float


@dataclass(frozen=True)
class Features:
    words: frozenset[str]
    figures: tuple[Figure, ...]


def _number(token: str) -> float | None:
    digits = token.lstrip("$£€¥₹").rstrip("%").replace(",", "")
    try:
        return float(digits)
    except ValueError:
        return None


def features(text: str) -> Features:
    """The content words and figures of a claim, its names and titles in their canonical
    forms (claims.aliases), so "Islamabad" and "Pakistan" are one word."""
    tokens = _TOKEN.findall(aliases.canonical(text))
    words: set[str] = set()
    figures: list[Figure] = []
    for i, token in enumerate(tokens):
        number = _number(token) if token[0] in "$£€¥₹" or token[0].isdigit() else None
        if number is None:
            stem = _stem(token)
            if stem not in _STOPWORDS and len(stem) > 2:
                words.add(stem)
            continue
        value = token
        rest = [t for t in tokens[i + 1 : i + 4] if _number(t) is None]
        if rest and rest[0].lower() in _MULTIPLIERS:
            value = f"{token} {rest[0].lower()}"
            number *= _MULTIPLIERS[rest[0].lower()]
            rest = rest[1:]
        if token[0] in _CURRENCIES:
            # An amount of money: "$2.5 billion" vs "$3 billion" for the same pipeline.
            figures.append(Figure(f"money:{token[0]}", value, number))
            continue
        previous = tokens[i - 1].lower() if i > 0 else ""
        if previous in _MONTHS and number < 32:
            figures.append(Figure(f"date:{previous}", f"{tokens[i - 1]} {token}", number))
            continue
        if token.endswith("%"):
            figures.append(Figure("percent", value, number))
            continue
        if 1800 <= number <= 2100 and token.isdigit() and not (rest and _stem(rest[0]) == "year"):
            figures.append(Figure("year-date", value, number))
            continue
        # What the figure counts: the next word that is not filler ("35 other countries").
        for word in rest[:3]:
            stem = _stem(word)
            if stem in _UNIT_WORDS or (stem not in _STOPWORDS and len(stem) > 2):
                figures.append(Figure(stem, f"{value} {word}", number))
                break
    return Features(frozenset(words), tuple(figures))


def score(a: Features, b: Features) -> float:
    """How far two claims say the same thing, 0..1: the Dice overlap of their content words,
    or, when one is much shorter (a restatement of part of a longer claim), 0.8 of the
    share of the shorter one's words that the longer one has."""
    if not a.words or not b.words:
        return 0.0
    shared = len(a.words & b.words)
    dice = 2 * shared / (len(a.words) + len(b.words))
    contained = 0.8 * shared / min(len(a.words), len(b.words))
    return round(max(dice, contained), 3)


# -- embeddings and the vector index -----------------------------------------------------


def ensure_embeddings(claims: list[Claim]) -> dict[int, np.ndarray]:
    """The embeddings of `claims`, computing and storing those missing or of another
    model. Safe to run twice (one row per claim).

    A vector of another model is of older aliases too, as claims.embedding.MODEL_NAME
    names their version: the claim's word rows were taken from the same older canonical
    text, and are written again with the vector, so that both indexes find it by the
    forms new claims are written in."""
    from claims import embedding

    ids, matrix = stored_vectors(embedding.MODEL_NAME, [c.pk for c in claims])
    stored = dict(zip(ids.tolist(), matrix, strict=True))
    missing = [c for c in claims if c.pk not in stored]
    if missing:
        vectors = embedding.embed([c.text for c in missing])
        rows = [
            ClaimEmbedding(claim_id=c.pk, model=embedding.MODEL_NAME, vector=embedding.to_bytes(v))
            for c, v in zip(missing, vectors, strict=True)
        ]
        with transaction.atomic():
            # A vector of an older model is replaced; a concurrent run's row is kept.
            older = ClaimEmbedding.objects.filter(claim_id__in=[c.pk for c in missing]).exclude(
                model=embedding.MODEL_NAME
            )
            stale = set(older.values_list("claim_id", flat=True))
            if stale:
                older.delete()
                SimilarityWord.objects.filter(claim_id__in=stale).delete()
                rewritten = [c for c in missing if c.pk in stale]
                word_table.index_words(rewritten, {c.pk: features(c.text) for c in rewritten})
            ClaimEmbedding.objects.bulk_create(rows, ignore_conflicts=True)
        stored.update({c.pk: v for c, v in zip(missing, vectors, strict=True)})
    return stored


# -- one score ----------------------------------------------------------------------------

# The weight of the embeddings' cosine in the score; the rest is the lexical overlap.
SEMANTIC_WEIGHT = 0.8


# Added to the score for each relation of the two claims' figures (see
# claims.figures.agreement). Near-misses share people, event and words with the claim
# they miss, so the embeddings score them like paraphrases; what they rarely share is
# the kind of figure the fact is about. A restatement keeps its figure's type (a count
# stays a count, a date a date), even when it gets the figure wrong ("near": no change,
# the link is made and flagged conflicting, and a little evidence of one fact: the same
# type of figure, of the same size). A figure of one claim with nothing of its type in
# the other, whether the other has figures of another type or none, is evidence of
# another fact, as a figure is most often what a fact is about ("a two-day visit"
# against "the third visit by a Pakistani leader"); not as strong as figures far apart,
# as a restatement may drop a figure (a headline).
FIGURE_ADJUSTMENT = {
    "agree": 0.05,
    "near": 0.02,
    "none": 0.0,
    "one": -0.07,
    "disjoint": -0.07,
    "far": -0.15,
}
_BEST_AGREEMENT = max(FIGURE_ADJUSTMENT, key=FIGURE_ADJUSTMENT.__getitem__)


# An article states a fact once: of the claims of one article a new claim matches, the
# best takes the link, and others only within this of its score. The others are the
# article's context (the same people and event), which near-misses share.
SAME_ARTICLE_MARGIN = 0.05


def combined(cosine: float, lexical: float, agreement: str = "none") -> float:
    """One score for a pair, 0..1: mostly meaning (the cosine of the sentence
    embeddings), with the shared content words as a tie-breaker that favours a
    restatement keeping names and key words, adjusted by how their figures relate
    (`agreement`, from claims.figures.agreement; see FIGURE_ADJUSTMENT)."""
    value = SEMANTIC_WEIGHT * max(cosine, 0.0) + (1 - SEMANTIC_WEIGHT) * lexical
    value += FIGURE_ADJUSTMENT[agreement]
    return round(min(max(value, 0.0), 1.0), 3)


def figure_agreement(a_text: str, b_text: str) -> str:
    """How the figures of two claims relate (claims.figures.agreement)."""
    return figures.agreement(_figures_of(a_text), _figures_of(b_text))


@lru_cache(maxsize=16384)
def _features_of_other(text: str) -> Features:
    """A candidate's features: the same claims come back as candidates batch after batch."""
    return features(text)


# A batch of 1,000 claims meets about 5,000 others: a smaller cache was read through.
@lru_cache(maxsize=16384)
def _figures_of(text: str) -> tuple:
    # A wire story's dateline ("ISLAMABAD, Feb 24 (Wire) -") says when it was filed, not
    # a figure of the claim.
    return figures.extract(text[without_dateline(text, 0, len(text)) :])


def link_min_score() -> float:
    return float(getattr(settings, "FACTCHECK_LINK_MIN_SCORE", 0.6))


def conflict_min_score() -> float:
    return float(getattr(settings, "FACTCHECK_CONFLICT_MIN_SCORE", 0.6))


def conflict(a_text: str, b_text: str) -> str:
    """ "20 years vs 23 years" when the two claims give figures for the same thing that
    cannot both hold, after normalising them (claims.figures); empty when they agree."""
    return figures.describe(figures.conflicts(_figures_of(a_text), _figures_of(b_text)))


# -- linking ------------------------------------------------------------------------------


def link_similar(claim_ids: Iterable[int]) -> int:
    """Link each claim to the claims of other articles that state the same thing. Returns
    the number of links created. Safe to run twice: existing links are left alone (an
    editor's decision is never touched), and each pair is stored once.

    Candidates come from two indexes, the vector index (meaning) and the word table
    (shared rare words), each asked once for the batch; each candidate then gets one
    score (see combined: meaning, shared words, and how the figures relate)."""
    claims = list(Claim.objects.filter(pk__in=list(claim_ids)).only("id", "text", "article_id"))
    if not claims:
        return 0
    mine = {claim.pk: features(claim.text) for claim in claims}
    vectors = ensure_embeddings(claims)
    queries = np.vstack([vectors[claim.pk] for claim in claims])
    # The vector index searches while the word table is written and read (see
    # claims.vectors.VectorIndex.start_search).
    searched = vector_index().start_search(queries, SEMANTIC_CANDIDATES + 1)
    # Index the whole batch first, so claims loaded together from different articles
    # find each other too.
    word_table.index_words(claims, mine)
    candidates = word_table.candidates(claims, mine)
    for claim, nearest in zip(claims, searched(), strict=True):
        seen = set(candidates[claim.pk])
        candidates[claim.pk] += [i for i, _ in nearest if i != claim.pk and i not in seen]

    other_ids = {other for found in candidates.values() for other in found}
    others = list(Claim.objects.filter(pk__in=other_ids).only("id", "text", "article_id"))
    other_vectors = ensure_embeddings(others)
    # What scoring reads of a candidate, by id, looked up once for the batch: a batch of
    # 1,000 at a million claims scores about 50,000 pairs.
    known = {other.pk: (other.text, other.article_id, other_vectors[other.pk]) for other in others}
    threshold, conflict_threshold = link_min_score(), conflict_min_score()
    proposed: dict[tuple[int, int], tuple] = {}
    for claim in claims:
        pk, text, article_id, vector, words = (
            claim.pk,
            claim.text,
            claim.article_id,
            vectors[claim.pk],
            mine[claim.pk],
        )
        scored: list[tuple[float, int, int | None, str]] = []
        for other_id in candidates[pk]:
            found = known.get(other_id)
            if found is None or other_id == pk:
                continue
            other_text, other_article, other_vector = found
            if article_id is not None and other_article == article_id:
                continue
            cosine = float(vector @ other_vector)
            # Shared words add at most 1 - SEMANTIC_WEIGHT: a cosine too low for that to
            # lift is left without reading the other's words.
            if combined(cosine, 1.0, _BEST_AGREEMENT) < threshold:
                continue
            lexical = score(words, _features_of_other(other_text))
            # Figures are read only where they can matter.
            if combined(cosine, lexical, _BEST_AGREEMENT) < threshold:
                continue
            value = combined(cosine, lexical, figure_agreement(text, other_text))
            if value >= threshold:
                scored.append((value, other_id, other_article, other_text))
        for value, other_id, other_text in _best_of_each_article(scored):
            pair = (min(pk, other_id), max(pk, other_id))
            detail = conflict(text, other_text) if value >= conflict_threshold else ""
            proposed[pair] = (*pair, value, bool(detail), detail)
    if not proposed:
        return 0
    return _store_links(proposed)


def _best_of_each_article(
    scored: list[tuple[float, int, int | None, str]],
) -> list[tuple[float, int, str]]:
    """Of one claim's scored candidates (score, id, article, text), the score, id and text
    of those no other claim of their article beats by more than SAME_ARTICLE_MARGIN (a
    claim of no article stands alone)."""

    def article(other_id: int, article_id: int | None) -> object:
        return article_id if article_id is not None else ("claim", other_id)

    best: dict[object, float] = {}
    for value, other_id, article_id, _ in scored:
        key = article(other_id, article_id)
        best[key] = max(best.get(key, 0.0), value)
    return [
        (value, other_id, text)
        for value, other_id, article_id, text in scored
        if value >= best[article(other_id, article_id)] - SAME_ARTICLE_MARGIN
    ]


def _store_links(proposed: dict[tuple[int, int], tuple]) -> int:
    """Store the pairs not stored yet; how many. A stored pair is never touched (an
    editor's decision on it stands); the unique pair constraint keeps one of a pair a
    concurrent run proposed too."""
    from django.utils import timezone

    return word_table.insert_new(
        SimilarClaim,
        ("from_claim_id", "to_claim_id", "score", "conflicting", "conflict_detail"),
        ("bigint", "bigint", "double precision", "boolean", "text"),
        list(proposed.values()),
        more={
            "decision": SimilarClaim.Decision.PENDING.value,
            "created_at": connection.ops.adapt_datetimefield_value(timezone.now()),
        },
    )
