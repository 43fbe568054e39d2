"""Full-text search on PostgreSQL: a stored tsvector on claims (text) and articles (title and
body), kept up to date by the database itself (generated columns) and GIN-indexed.

The columns are not model fields (nothing but search reads them), so the migration state
is unchanged and `makemigrations --check` stays clean; on SQLite this migration does
nothing and the API searches with a substring match instead.
"""

from django.db import migrations

# to_tsvector with an explicit configuration is immutable, as a generated column needs.
# A tsvector holds at most 1 MB, so only the first 500,000 characters of a very long
# article are indexed.
FORWARD = [
    """
    ALTER TABLE claims_claim ADD COLUMN search_vector tsvector
        GENERATED ALWAYS AS (to_tsvector('english'::regconfig, text)) STORED
    """,
    "CREATE INDEX claims_claim_search_vector ON claims_claim USING gin (search_vector)",
    """
    ALTER TABLE claims_article ADD COLUMN search_vector tsvector
        GENERATED ALWAYS AS (
            to_tsvector('english'::regconfig, left(title || ' ' || body, 500000))
        ) STORED
    """,
    "CREATE INDEX claims_article_search_vector ON claims_article USING gin (search_vector)",
]
BACKWARD = [
    "ALTER TABLE claims_claim DROP COLUMN IF EXISTS search_vector",
    "ALTER TABLE claims_article DROP COLUMN IF EXISTS search_vector",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("claims", "0001_initial")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
