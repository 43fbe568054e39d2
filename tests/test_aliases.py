"""Canonical forms before matching (claims.aliases): capitals and seats of government
named by their country, titles of one office by one title; left alone inside names and
compounds. And the vectors: embedded in that form, recomputed when the forms change."""

from __future__ import annotations

import numpy as np
import pytest

from claims import aliases, embedding, similarity
from claims.models import ClaimEmbedding
from tests.factories import ArticleFactory, ClaimFactory


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # capitals, from the library's table
        ("Islamabad wants talks.", "Pakistan wants talks."),
        ("Khan flew to Moscow on Wednesday.", "Khan flew to Russia on Wednesday."),
        ("New Delhi, not Islamabad, is its partner.", "India, not Pakistan, is its partner."),
        # other spellings, and a capital standing for more than its country
        ("Kiev and Kyiv", "Ukraine and Ukraine"),
        ("Washington was irritated.", "United States was irritated."),
        ("Bogota and Bogotá", "Colombia and Colombia"),
        ("Brussels wants sanctions.", "The European Union wants sanctions."),
        ("talks in Brussels", "talks in the European Union"),
        # seats of government, at the start of a sentence too
        ("talks in the Kremlin", "talks in Russia"),
        ("The Kremlin said no.", "Russia said no."),
        ("Downing Street denied it.", "The United Kingdom denied it."),
        ("a letter to Downing Street", "a letter to the United Kingdom"),
        ("The White House objected.", "The United States objected."),
        # titles, in any case, keeping a capital first letter
        ("The Pakistani head of government said", "The Pakistani prime minister said"),
        ("the first Pakistani premier to go", "the first Pakistani prime minister to go"),
        ("Premier Li arrived.", "Prime minister Li arrived."),
        ("China's Premier Li arrived.", "China's prime minister Li arrived."),
        ("Pakistan's PM shook hands.", "Pakistan's prime minister shook hands."),
        ("Two former PMs spoke.", "Two former prime ministers spoke."),
        ("He met the Russian leader.", "He met the Russian president."),
        # possessives keep their 's
        ("Moscow's plan", "Russia's plan"),
        ("the Kremlin’s partner", "Russia’s partner"),
        ("Islamabad’s view", "Pakistan’s view"),
    ],
)
def test_names_and_titles_are_put_in_their_canonical_form(text, expected):
    assert aliases.canonical(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # inside a hyphenated word: a place, not the government
        "A Moscow-based think tank",
        "the Delhi-Lahore bus",
        # part of a longer word
        "Muscovites and Moscowitz",
        "the Kremlinology of it",
        # part of a name: before or after a capitalised word
        "The Washington Post reported it.",
        "a portrait of George Washington",
        "the Paris Agreement",
        "Moscow State University",
        # treaties, institutions and places in the city
        "the Minsk agreements",
        "the Oslo accords",
        "at Moscow airport",
        # capitals that are mostly first names or other places, and small territories'
        "Sofia said",
        "Santiago de Compostela",
        "Victoria and Hamilton",
        # the sports league and the adjective
        "the Premier League",
        "India is Russia's premier partner.",
        # the time of day, and datelines in capitals
        "at 5 PM",
        "the pm said",
        "from 2 to 5 pms",
        "MOSCOW, 24 February.",
    ],
)
def test_names_and_compounds_are_left_alone(text):
    assert aliases.canonical(text) == text


def test_the_lexical_features_use_the_canonical_forms():
    words = similarity.features("Islamabad’s view is shared by the premier.").words
    assert {"pakistan", "prime", "minister"} <= words
    assert not {"islamabad", "premier"} & words


def test_a_capital_and_its_country_embed_alike():
    by_capital, by_country, other = embedding.embed(
        [
            "Islamabad holds that disputes should be settled by talks.",
            "Pakistan holds that disputes should be settled by talks.",
            "India holds that disputes should be settled by talks.",
        ]
    )
    assert float(by_capital @ by_country) == pytest.approx(1.0, abs=1e-6)
    assert float(by_capital @ other) < 0.99


def test_the_model_name_changes_with_the_tables(tmp_path, monkeypatch):
    table = tmp_path / "aliases.toml"
    table.write_text(aliases.TABLE.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(aliases, "TABLE", table)
    assert aliases._version() == aliases.VERSION
    table.write_text(table.read_text(encoding="utf-8") + "\n# one more line\n", encoding="utf-8")
    assert aliases._version() != aliases.VERSION
    assert embedding.MODEL_NAME.endswith(f"+aliases-{aliases.VERSION}")


@pytest.mark.django_db
def test_a_vector_stored_under_other_aliases_is_computed_again():
    text = "Islamabad wants deeper relations with Moscow."
    claim = ClaimFactory(article=ArticleFactory(body=f"Report. {text} More."), text=text)
    stale = f"{embedding.MODEL}+aliases-0.00000000"
    ClaimEmbedding.objects.filter(claim=claim).delete()
    ClaimEmbedding.objects.create(
        claim=claim, model=stale, vector=embedding.to_bytes(np.zeros(embedding.DIM))
    )

    vectors = similarity.ensure_embeddings([claim])

    (row,) = ClaimEmbedding.objects.filter(claim=claim)
    assert row.model == embedding.MODEL_NAME != stale
    expected = embedding.embed(["Pakistan wants deeper relations with Russia."])[0]
    assert float(embedding.from_bytes(row.vector) @ expected) == pytest.approx(1.0, abs=1e-6)
    assert float(vectors[claim.pk] @ expected) == pytest.approx(1.0, abs=1e-6)


@pytest.mark.django_db
def test_the_word_rows_of_a_vector_under_other_aliases_are_written_again():
    """Words taken under older aliases ("islamabad", before it was read as Pakistan) are
    stale with the vector: the word table would go on finding the claim by forms no new
    claim is indexed under."""
    from claims.models import SimilarityWord

    text = "Islamabad wants deeper relations with Moscow."
    claim = ClaimFactory(article=ArticleFactory(body=f"Report. {text} More."), text=text)
    ClaimEmbedding.objects.filter(claim=claim).delete()
    ClaimEmbedding.objects.create(
        claim=claim,
        model=f"{embedding.MODEL}+aliases-0.00000000",
        vector=embedding.to_bytes(np.zeros(embedding.DIM)),
    )
    SimilarityWord.objects.filter(claim=claim).delete()
    SimilarityWord.objects.bulk_create(
        SimilarityWord(word=word, claim=claim) for word in ("islamabad", "moscow", "deeper")
    )

    similarity.ensure_embeddings([claim])

    words = set(SimilarityWord.objects.filter(claim=claim).values_list("word", flat=True))
    assert words == similarity.features(text).words
    assert {"pakistan", "russia"} <= words
    assert not {"islamabad", "moscow"} & words


@pytest.mark.django_db
def test_the_word_rows_of_a_current_vector_are_left_alone():
    from claims.models import SimilarityWord

    text = "Islamabad wants deeper relations with Moscow."
    claim = ClaimFactory(article=ArticleFactory(body=f"Report. {text} More."), text=text)
    similarity.ensure_embeddings([claim])
    SimilarityWord.objects.filter(claim=claim).delete()
    SimilarityWord.objects.create(word="kept", claim=claim)

    similarity.ensure_embeddings([claim])

    assert list(SimilarityWord.objects.filter(claim=claim).values_list("word", flat=True)) == [
        "kept"
    ]
