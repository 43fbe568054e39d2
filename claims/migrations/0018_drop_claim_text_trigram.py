"""Drop the GiST trigram index on claims_claim.text (PostgreSQL; 0003 made it).

Nothing reads it any more: similarity linking takes its candidates from the vector
index and the word table on every database (0016), search on PostgreSQL is full-text
(the stored tsvector and its GIN index), and the admin's searches OR the claim's text
with other tables' columns, which no index on one table serves. Keeping it up cost the
server about 2 s for every 40,000 claims a bulk load writes, a quarter of its work for
the load (bench/README.md, load_bench.py). Dropped CONCURRENTLY, so a deployment keeps
writing claims meanwhile; the pg_trgm extension stays."""

from django.db import migrations

TRIGRAM_INDEX = "claims_claim_text_trgm"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {TRIGRAM_INDEX}")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {TRIGRAM_INDEX} ON claims_claim "
            "USING gist (text gist_trgm_ops)"
        )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("claims", "0017_claim_date_id"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
