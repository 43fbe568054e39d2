"""The word table (claims.SimilarityWord): the lexical index claim linking reads its
word candidates from, on every database, and the set-based SQL linking writes with.

`candidates` finds, for each claim of a batch, the claims of other articles sharing at
least PREFILTER_MIN_HITS of its PREFILTER_WORDS rarest words (rarity counted in the table
up to COMMON_WORD_CLAIMS): two queries for a batch, whatever its size. `index_words`
records a batch's words, and `insert_new` stores rows a table has not got yet in one
statement on PostgreSQL (claims.similarity stores its links with it).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import connection, transaction

from claims.models import Claim, SimilarityWord

if TYPE_CHECKING:
    from claims.similarity import Features

# How many candidates one claim brings back from the word table before scoring.
CANDIDATES_PER_CLAIM = 25
# Words looked up in the word table, and how many of them a candidate must contain:
# a restatement keeps most names and key words but adds its own ("on Thursday").
PREFILTER_WORDS = 5
PREFILTER_MIN_HITS = 2
# A word this many claims use is too common to shortlist with ("pakistan" in a third of
# a million claims): its count stops here, and it is not looked up.
COMMON_WORD_CLAIMS = 1000


def index_words(claims: list[Claim], found: dict[int, Features]) -> None:
    """Record each claim's content words in the word table (SimilarityWord): the index
    the lexical candidates are looked up in. Idempotent (the pair is the table's key)."""
    rows = [(word[:100], claim.pk) for claim in claims for word in found[claim.pk].words]
    insert_new(SimilarityWord, ("word", "claim_id"), ("text", "bigint"), rows)


# Placeholders in one statement, under SQLite's and psycopg's limits: a batch larger than
# this (thousands of claims) takes a few statements instead of one.
_MAX_PARAMS = 30000


def _tables(rows: list[tuple], types: tuple[str, ...]) -> Iterable[tuple[str, list]]:
    """`rows` as the body of a CTE and its parameters: on PostgreSQL one array per column
    (unnest: one statement, whatever the batch), elsewhere VALUES, a few statements for a
    batch of thousands of claims."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        arrays = ", ".join(f"%s::{kind}[]" for kind in types)
        columns = [
            _array_literal(column, kind)
            for column, kind in zip(zip(*rows, strict=True), types, strict=True)
        ]
        yield f"SELECT * FROM unnest({arrays})", columns  # noqa: S608 (placeholders only)
        return
    one = "(" + ", ".join(f"CAST(%s AS {kind})" for kind in types) + ")"
    size = max(1, _MAX_PARAMS // len(types))
    for start in range(0, len(rows), size):
        chunk = rows[start : start + size]
        yield "VALUES " + ", ".join([one] * len(chunk)), [v for row in chunk for v in row]


def _array_literal(values: Iterable, kind: str) -> str:
    """A column as PostgreSQL's text form of an array, cast by the query (`%s::kind[]`):
    psycopg adapts a list value by value in Python (0.1 to 0.2 s for the 30,000 links
    of a batch of 1,000 claims at a million), where one string goes as it is. None is
    NULL (a claim of no article); a text is quoted (a backslash before each backslash
    and double quote), so any text, "NULL" too, is one element as written."""

    def element(value) -> str:
        if value is None:
            return "NULL"
        if kind == "text":
            return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
        if kind == "boolean":
            return "t" if value else "f"
        return str(value)

    return "{" + ",".join(map(element, values)) + "}"


def insert_new(model, columns: tuple[str, ...], types: tuple[str, ...], rows, more=None) -> int:
    """INSERT the rows the table does not have yet (ON CONFLICT DO NOTHING: a row of the
    same key, written before or by a concurrent run, is kept as it is), with the column
    values of `more` the same in every row; how many were inserted. One statement on
    PostgreSQL, whatever the number of rows: bulk_create compiled each of a batch's tens
    of thousands of values in Python first (1.9 s for the links of 1,000 claims).
    Identifiers are the model's, quoted; every value is a parameter."""
    more = more or {}
    quote = connection.ops.quote_name
    names = ", ".join(quote(name) for name in (*columns, *more))
    constants = "".join(", %s" for _ in more)
    inserted = 0
    with connection.cursor() as cursor:
        for table, params in _tables(rows, types):
            # WHERE true: SQLite reads an ON after a FROM as the join's without it.
            cursor.execute(
                f"INSERT INTO {quote(model._meta.db_table)} ({names}) "  # noqa: S608
                f"SELECT q.*{constants} FROM ({table}) q WHERE true ON CONFLICT DO NOTHING",
                [*more.values(), *params],
            )
            inserted += cursor.rowcount
    return inserted


def _word_counts(words: list[str]) -> dict[str, int]:
    """How many claims use each word, read from the word table's key and counted only up to
    COMMON_WORD_CLAIMS: a common word costs a bounded index read, not a count of hundreds
    of thousands of rows. One query for every word of a batch."""
    counts: dict[str, int] = {}
    with connection.cursor() as cursor:
        for table, params in _tables([(word,) for word in words], ("text",)):
            cursor.execute(
                f"""
                WITH q(word) AS ({table})
                SELECT q.word, (SELECT COUNT(*) FROM (
                    SELECT 1 FROM claims_similarity_word s WHERE s.word = q.word LIMIT %s
                ) capped)
                FROM q
                """,  # noqa: S608 (placeholders only)
                [*params, COMMON_WORD_CLAIMS],
            )
            counts.update(cursor.fetchall())
    return counts


# PostgreSQL plans the word lookups of a batch from the table's average word, which at a
# million claims is thousands of rows: it read the whole word index and every claim (a
# merge join, then a hash join, 1.9 s for a batch of 1,000 at 1,000,000 claims) where the
# looked-up words, rare by choice, have a few rows each. The subqueries (kept apart by
# OFFSET 0) make it look each word and each candidate up by its index. SQLite plans
# nested lookups by index anyway, and has no LATERAL. By vendor: (the word table's rows
# of a looked-up word, the candidate's row).
_JOINS = {
    "postgresql": (
        "CROSS JOIN LATERAL (SELECT w.claim_id FROM claims_similarity_word w "
        "WHERE w.word = q.word OFFSET 0) s",
        "CROSS JOIN LATERAL (SELECT cc.article_id FROM claims_claim cc "
        "WHERE cc.id = p.other OFFSET 0) c",
    ),
    "other": (
        "JOIN claims_similarity_word s ON s.word = q.word",
        "JOIN claims_claim c ON c.id = p.other",
    ),
}


def candidates(claims: list[Claim], found: dict[int, Features]) -> dict[int, list[int]]:
    """For each claim, the claims of other articles sharing at least two of its rarest
    words (PREFILTER_WORDS of them, rarity counted in the word table, words used by
    COMMON_WORD_CLAIMS claims or more left out), most shared first: two queries for the
    whole batch, whatever its size."""
    candidates: dict[int, list[int]] = {claim.pk: [] for claim in claims}
    words = sorted({word[:100] for claim in claims for word in found[claim.pk].words})
    counts = _word_counts(words) if words else {}
    looked_up = []
    for claim in claims:
        # The claim's own words are indexed: a count of 1 is a word no other claim has.
        shared = [
            w
            for w in sorted({w[:100] for w in found[claim.pk].words})
            if 1 < counts.get(w, 0) < COMMON_WORD_CLAIMS
        ]
        rarest = sorted(shared, key=lambda w: (counts[w], w))[:PREFILTER_WORDS]
        if len(rarest) >= PREFILTER_MIN_HITS:
            looked_up += [(claim.pk, claim.article_id, word) for word in rarest]
    word_rows, claim_row = _JOINS.get(connection.vendor, _JOINS["other"])
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql" and looked_up:
            # The estimate above makes PostgreSQL compile this query (JIT), which took
            # longer than running it (0.17 s of 0.6 s).
            cursor.execute("SET LOCAL jit = off")
        for table, params in _tables(looked_up, ("bigint", "bigint", "text")):
            # The join to claims_claim drops words of deleted claims; same-article claims
            # are never links.
            cursor.execute(
                f"""
                WITH q(claim_id, article_id, word) AS ({table}),
                pairs AS (
                    SELECT q.claim_id, q.article_id, s.claim_id AS other, COUNT(*) AS n
                    FROM q {word_rows}
                    WHERE s.claim_id <> q.claim_id
                    GROUP BY q.claim_id, q.article_id, s.claim_id
                    HAVING COUNT(*) >= %s
                ),
                ranked AS (
                    SELECT p.claim_id, p.other, ROW_NUMBER() OVER (
                        PARTITION BY p.claim_id ORDER BY p.n DESC, p.other DESC
                    ) AS r
                    FROM pairs p {claim_row}
                    WHERE p.article_id IS NULL OR c.article_id IS NULL
                       OR c.article_id <> p.article_id
                )
                SELECT claim_id, other FROM ranked WHERE r <= %s ORDER BY claim_id, r
                """,  # noqa: S608 (placeholders only)
                [*params, PREFILTER_MIN_HITS, CANDIDATES_PER_CLAIM],
            )
            for claim_id, other in cursor.fetchall():
                candidates[claim_id].append(other)
    return candidates
