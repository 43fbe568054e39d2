"""A model for the word table that migration 0003 made with raw SQL (claims.SimilarityWord).

State only: the table, its key (word, claim_id) and its claim_id index already exist on
every database, exactly as the model describes them, so nothing is run against it."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("claims", "0008_score_every_claim")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SimilarityWord",
                    fields=[
                        (
                            "pk",
                            models.CompositePrimaryKey(
                                "word",
                                "claim",
                                blank=True,
                                editable=False,
                                primary_key=True,
                                serialize=False,
                            ),
                        ),
                        ("word", models.CharField(max_length=100)),
                        (
                            "claim",
                            models.ForeignKey(
                                db_constraint=False,
                                db_index=False,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="claims.claim",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "claims_similarity_word",
                        "indexes": [
                            models.Index(fields=["claim"], name="claims_similarity_word_claim")
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
