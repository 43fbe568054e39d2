"""Linking reads the word table on PostgreSQL too (it used the pg_trgm walk there, about
0.9 s a claim at 1,000,000 claims), so PostgreSQL databases get the words of the claims
stored since 0003, which indexed the claims of the day: those written while the trigram
walk was the PostgreSQL path were never added. Batched, and idempotent (the pair is the
key). SQLite's table is already full: linking has always filled it there."""

from __future__ import annotations

from django.db import migrations

BATCH = 5000


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from claims.similarity import features

    last = 0
    with schema_editor.connection.cursor() as cursor:
        while True:
            # Only claims with no words yet: a database whose table is full passes quickly.
            cursor.execute(
                "SELECT c.id, c.text FROM claims_claim c WHERE c.id > %s AND NOT EXISTS ("
                " SELECT 1 FROM claims_similarity_word w WHERE w.claim_id = c.id)"
                " ORDER BY c.id LIMIT %s",
                [last, BATCH],
            )
            batch = cursor.fetchall()
            if not batch:
                return
            last = batch[-1][0]
            rows = sorted({(word[:100], pk) for pk, text in batch for word in features(text).words})
            if rows:
                cursor.executemany(
                    "INSERT INTO claims_similarity_word (word, claim_id) VALUES (%s, %s)"
                    " ON CONFLICT DO NOTHING",
                    rows,
                )


class Migration(migrations.Migration):
    dependencies = [("claims", "0015_claimembeddingchange")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
