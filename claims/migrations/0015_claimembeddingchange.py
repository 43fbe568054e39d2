from django.db import migrations, models

# The log a vector index is brought up to date from (claims.vectors): one row for each
# embedding inserted, deleted or updated, written by triggers so that every path counts
# (linking's bulk insert, the cascade of a deleted claim, a benchmark's COPY). PostgreSQL
# writes a whole statement's rows at once (transition tables), SQLite a row each.
# SQLite drops a table's triggers when Django remakes the table (an AlterField on
# claims_claimembedding): tests/test_vectors.py would show it.

POSTGRES = """
CREATE FUNCTION claims_embedding_changed() RETURNS trigger AS $$
BEGIN
  INSERT INTO claims_claimembeddingchange (claim_id) SELECT claim_id FROM claims_embedding_rows;
  RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER claims_embedding_insert
  AFTER INSERT ON claims_claimembedding REFERENCING NEW TABLE AS claims_embedding_rows
  FOR EACH STATEMENT EXECUTE FUNCTION claims_embedding_changed();
CREATE TRIGGER claims_embedding_update
  AFTER UPDATE ON claims_claimembedding REFERENCING NEW TABLE AS claims_embedding_rows
  FOR EACH STATEMENT EXECUTE FUNCTION claims_embedding_changed();
CREATE TRIGGER claims_embedding_delete
  AFTER DELETE ON claims_claimembedding REFERENCING OLD TABLE AS claims_embedding_rows
  FOR EACH STATEMENT EXECUTE FUNCTION claims_embedding_changed();
"""
POSTGRES_DROP = """
DROP TRIGGER IF EXISTS claims_embedding_insert ON claims_claimembedding;
DROP TRIGGER IF EXISTS claims_embedding_update ON claims_claimembedding;
DROP TRIGGER IF EXISTS claims_embedding_delete ON claims_claimembedding;
DROP FUNCTION IF EXISTS claims_embedding_changed();
"""
SQLITE = [
    """
CREATE TRIGGER claims_embedding_insert AFTER INSERT ON claims_claimembedding FOR EACH ROW
BEGIN INSERT INTO claims_claimembeddingchange (claim_id) VALUES (NEW.claim_id); END
""",
    """
CREATE TRIGGER claims_embedding_update AFTER UPDATE ON claims_claimembedding FOR EACH ROW
BEGIN INSERT INTO claims_claimembeddingchange (claim_id) VALUES (NEW.claim_id); END
""",
    """
CREATE TRIGGER claims_embedding_delete AFTER DELETE ON claims_claimembedding FOR EACH ROW
BEGIN INSERT INTO claims_claimembeddingchange (claim_id) VALUES (OLD.claim_id); END
""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS claims_embedding_insert",
    "DROP TRIGGER IF EXISTS claims_embedding_update",
    "DROP TRIGGER IF EXISTS claims_embedding_delete",
]


def _run(schema_editor, postgres, sqlite) -> None:
    vendor = schema_editor.connection.vendor
    # params=None: the SQL's text is PL/pgSQL, not the driver's placeholders.
    if vendor == "postgresql":
        schema_editor.execute(postgres, None)
    elif vendor == "sqlite":
        for statement in sqlite:
            schema_editor.execute(statement, None)
    else:
        raise NotImplementedError(f"claims 0015: no embedding-change triggers for {vendor}")


def create_triggers(apps, schema_editor):
    _run(schema_editor, POSTGRES, SQLITE)


def drop_triggers(apps, schema_editor):
    _run(schema_editor, POSTGRES_DROP, SQLITE_DROP)


class Migration(migrations.Migration):

    dependencies = [
        ('claims', '0014_article_published'),
    ]

    operations = [
        migrations.CreateModel(
            name='ClaimEmbeddingChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('claim_id', models.BigIntegerField()),
            ],
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
