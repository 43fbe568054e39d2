"""Linking a claim to the claims of other articles that state the same thing.

Two steps, so that no insert compares every pair:

1. candidates from an index: on PostgreSQL, the nearest claims by pg_trgm distance
   (GiST trigram index from migration 0002), all of a batch in one LATERAL query; on
   SQLite, a word table (claims_similarity_word, word -> claim, from migration 0002,
   filled by this module as claims are linked): claims sharing at least two of the
   claim's rarest words, rarity counted in that table, capped;
2. a score computed here the same way on both databases: the overlap of the two claims'
   content words with the numbers taken out (see score), so that "in 20 years" and "in 23
   years" score as the same statement, and a separate check that marks the link
   conflicting when both give a figure for the same thing and the figures differ.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction

from claims.models import Claim, SimilarClaim

# Score at which two claims are taken to state the same thing. Restatements of the seed
# claims in another outlet's words score 0.64-0.8; claims that merely share a topic
# ("Pakistan", "Russia") or a sentence pattern with other names score under 0.55.
LINK_MIN_SCORE = 0.6
# How many candidates one claim brings back from the index before scoring.
CANDIDATES_PER_CLAIM = 25
# pg_trgm similarity a candidate needs; low, because the index only shortlists.
TRIGRAM_THRESHOLD = 0.25
# Words looked up in the SQLite prefilter, and how many of them a candidate must contain:
# a restatement keeps most names and key words but adds its own ("on Thursday").
PREFILTER_WORDS = 5
PREFILTER_MIN_HITS = 2

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
    tokens = _TOKEN.findall(text)
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


def conflict(a: Features, b: Features) -> str:
    """A note like "20 years vs 23 years" when both give a figure for the same thing and
    no figure of one matches a figure of the other; empty when they agree."""
    notes = []
    for unit in sorted({f.unit for f in a.figures} & {f.unit for f in b.figures}):
        mine = [f for f in a.figures if f.unit == unit]
        theirs = [f for f in b.figures if f.unit == unit]
        if not {f.number for f in mine} & {f.number for f in theirs}:
            notes.append(
                f"{', '.join(f.value for f in mine)} vs {', '.join(f.value for f in theirs)}"
            )
    return "; ".join(notes)[:300]


# -- candidates ---------------------------------------------------------------------------


def _candidates_postgres(claims: list[Claim]) -> dict[int, list[int]]:
    """For each claim, the ids of the most trigram-similar claims of other articles, in one
    query for the whole batch: a nearest-neighbour walk of the GiST trigram index
    (ORDER BY distance LIMIT), which stays cheap however many claims look alike."""
    ids = [claim.pk for claim in claims]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT q.id, c.id
            FROM claims_claim q
            CROSS JOIN LATERAL (
                SELECT o.id, o.text <-> q.text AS distance
                FROM claims_claim o
                WHERE o.id <> q.id
                  AND (q.article_id IS NULL OR o.article_id IS NULL
                       OR o.article_id <> q.article_id)
                ORDER BY o.text <-> q.text
                LIMIT %s
            ) c
            WHERE q.id = ANY(%s) AND c.distance <= %s
            """,
            [CANDIDATES_PER_CLAIM, ids, 1 - TRIGRAM_THRESHOLD],
        )
        found: dict[int, list[int]] = {claim_id: [] for claim_id in ids}
        for claim_id, other_id in cursor.fetchall():
            found[claim_id].append(other_id)
    return found


WORD_TABLE = "claims_similarity_word"


def index_words(claims: list[Claim], found: dict[int, Features]) -> None:
    """Record each claim's content words in the word table (migration 0002): the index the
    prefilter looks candidates up in. Idempotent (the pair is the table's key)."""
    rows = [(word[:100], claim.pk) for claim in claims for word in found[claim.pk].words]
    if not rows:
        return
    with connection.cursor() as cursor:
        # The table name is a constant; the values are parameters.
        if connection.vendor == "postgresql":
            sql = (
                f"INSERT INTO {WORD_TABLE} (word, claim_id) VALUES (%s, %s) ON CONFLICT DO NOTHING"  # noqa: S608
            )
        else:
            sql = f"INSERT OR IGNORE INTO {WORD_TABLE} (word, claim_id) VALUES (%s, %s)"  # noqa: S608
        cursor.executemany(sql, rows)


def _candidates_prefilter(claim: Claim, words: frozenset[str]) -> list[int]:
    """Claims of other articles sharing at least two of this claim's rarest words, found
    through the word table's index: rarity is counted there (how many claims use the
    word), so a common word never drags in half the database."""
    if len(words) < PREFILTER_MIN_HITS:
        return []
    listed = sorted(words)
    marks = ", ".join(["%s"] * len(listed))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT word, COUNT(*) FROM {WORD_TABLE} WHERE word IN ({marks}) GROUP BY word",  # noqa: S608
            listed,
        )
        counts = dict(cursor.fetchall())
        # The claim's own words are indexed: a count of 1 is a word no other claim has.
        shared = [w for w in listed if counts.get(w, 0) > 1]
        rarest = sorted(shared, key=lambda w: (counts[w], w))[:PREFILTER_WORDS]
        if len(rarest) < PREFILTER_MIN_HITS:
            return []
        marks = ", ".join(["%s"] * len(rarest))
        params: list = [*rarest, claim.pk]
        other_article = ""
        if claim.article_id is not None:
            other_article = "AND (c.article_id IS NULL OR c.article_id <> %s)"
            params.append(claim.article_id)
        cursor.execute(
            # The join drops words of deleted claims; same-article claims are never links.
            f"""
            SELECT w.claim_id FROM {WORD_TABLE} w
            JOIN claims_claim c ON c.id = w.claim_id
            WHERE w.word IN ({marks}) AND w.claim_id <> %s {other_article}
            GROUP BY w.claim_id
            HAVING COUNT(*) >= %s
            ORDER BY COUNT(*) DESC, w.claim_id DESC
            LIMIT %s
            """,  # noqa: S608 (table name is a constant; values are parameters)
            [*params, PREFILTER_MIN_HITS, CANDIDATES_PER_CLAIM],
        )
        return [row[0] for row in cursor.fetchall()]


def use_trigram() -> bool:
    return connection.vendor == "postgresql"


# -- linking ------------------------------------------------------------------------------


def link_similar(claim_ids: Iterable[int]) -> int:
    """Link each claim to the claims of other articles that state the same thing. Returns
    the number of links created. Safe to run twice: existing links are left alone (an
    editor's decision is never touched), and each pair is stored once."""
    claims = list(Claim.objects.filter(pk__in=list(claim_ids)).only("id", "text", "article_id"))
    if not claims:
        return 0
    mine = {claim.pk: features(claim.text) for claim in claims}
    if use_trigram():
        candidates = _candidates_postgres(claims)
    else:
        # Index the whole batch first, so claims loaded together from different articles
        # find each other too.
        index_words(claims, mine)
        candidates = {
            claim.pk: _candidates_prefilter(claim, mine[claim.pk].words) for claim in claims
        }

    other_ids = {other for found in candidates.values() for other in found}
    others = {
        claim.pk: (claim, features(claim.text))
        for claim in Claim.objects.filter(pk__in=other_ids).only("id", "text", "article_id")
    }
    proposed: dict[tuple[int, int], SimilarClaim] = {}
    for claim in claims:
        for other_id in candidates[claim.pk]:
            other, theirs = others[other_id]
            if claim.article_id is not None and other.article_id == claim.article_id:
                continue
            value = score(mine[claim.pk], theirs)
            if value < LINK_MIN_SCORE:
                continue
            pair = (min(claim.pk, other.pk), max(claim.pk, other.pk))
            detail = conflict(mine[claim.pk], theirs)
            proposed[pair] = SimilarClaim(
                from_claim_id=pair[0],
                to_claim_id=pair[1],
                score=value,
                conflicting=bool(detail),
                conflict_detail=detail,
            )
    if not proposed:
        return 0
    return _store_links(proposed)


@transaction.atomic
def _store_links(proposed: dict[tuple[int, int], SimilarClaim]) -> int:
    from_ids = {pair[0] for pair in proposed}
    existing = set(
        SimilarClaim.objects.filter(from_claim_id__in=from_ids).values_list(
            "from_claim_id", "to_claim_id"
        )
    )
    new = [link for pair, link in proposed.items() if pair not in existing]
    # ignore_conflicts: a concurrent run may have stored the same pair meanwhile; the
    # unique pair constraint keeps one, and never replaces a decided link.
    SimilarClaim.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)
