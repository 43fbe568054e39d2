"""An index on (claim_date, id) for the claim list's claim-date ranges (issue 13).

Built with CREATE INDEX CONCURRENTLY on PostgreSQL, so a deployment keeps writing claims
while it builds: about 1 s at 1,000,000 claims on an idle table. SQLite has no such
thing and builds it as usual."""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class AddIndexConcurrentlyOnPostgres(AddIndexConcurrently):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)
        else:
            migrations.AddIndex.database_forwards(
                self, app_label, schema_editor, from_state, to_state
            )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
        else:
            migrations.AddIndex.database_backwards(
                self, app_label, schema_editor, from_state, to_state
            )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("claims", "0016_fill_similarity_words_postgres"),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="claim",
            index=models.Index(fields=["claim_date", "id"], name="claim_date_id"),
        ),
    ]
