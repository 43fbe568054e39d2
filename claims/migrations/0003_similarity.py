"""Indexes for finding similar claims without comparing every pair.

- PostgreSQL: pg_trgm and a GiST trigram index on claims_claim.text. GiST, not GIN:
  it answers "the 25 nearest claims" (ORDER BY text <-> ... LIMIT) by walking the
  index, where a GIN threshold search must first fetch and rank every claim above the
  threshold, thousands when many claims share a sentence pattern.
- Every database: claims_similarity_word (word, claim_id), the word index that
  claims.similarity fills as claims are linked and looks candidates up in when trigram
  search is not available (SQLite). Existing claims are indexed here.

Raw tables and indexes only: no model state changes, so makemigrations stays clean.
"""

from __future__ import annotations

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

TRIGRAM_INDEX = "claims_claim_text_trgm"
WORD_TABLE = "claims_similarity_word"


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {TRIGRAM_INDEX} ON claims_claim "
            "USING gist (text gist_trgm_ops)"
        )
    # The primary key (word, claim_id) is the index the prefilter reads: the claims that
    # use a word, and how many. No foreign key: rows of deleted claims are skipped by a
    # join, and the table never blocks a claim's deletion.
    suffix = " WITHOUT ROWID" if vendor == "sqlite" else ""
    schema_editor.execute(
        f"CREATE TABLE IF NOT EXISTS {WORD_TABLE} ("
        "word varchar(100) NOT NULL, claim_id bigint NOT NULL, "
        f"PRIMARY KEY (word, claim_id)){suffix}"
    )
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {WORD_TABLE}_claim ON {WORD_TABLE} (claim_id)"
    )
    # Claims stored before this migration: index their words now.
    from claims.similarity import features

    Claim = apps.get_model("claims", "Claim")
    rows = [
        (word[:100], pk)
        for pk, text in Claim.objects.values_list("pk", "text").iterator()
        for word in features(text).words
    ]
    if rows:
        with schema_editor.connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {WORD_TABLE} (word, claim_id) VALUES (%s, %s)", sorted(set(rows))
            )


def backwards(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {WORD_TABLE}")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}")


class Migration(migrations.Migration):
    dependencies = [("claims", "0002_search")]

    operations = [
        # TrigramExtension does nothing on databases other than PostgreSQL.
        TrigramExtension(),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
