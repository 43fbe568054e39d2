"""pg_trgm and a GIN trigram index on claim text, for finding similar claims on PostgreSQL.

Only on PostgreSQL: SQLite has neither, and claims.similarity uses a word prefilter there.
No model state changes, so makemigrations stays clean on every database.
"""

from __future__ import annotations

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEX = "claims_claim_text_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON claims_claim USING gin (text gin_trgm_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("claims", "0001_initial")]

    operations = [
        # TrigramExtension does nothing on databases other than PostgreSQL.
        TrigramExtension(),
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
