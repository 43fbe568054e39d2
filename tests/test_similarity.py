"""Similar-claim linking: the same claim restated by another outlet, with or without a
changed number, and an unrelated article. Runs on SQLite and PostgreSQL (the word table
on both), with the exact vector search and the approximate index."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import Q

from claims import services, similarity, vectors
from claims.loading import Source, load_article
from claims.models import Claim, SimilarClaim
from claims.services import ArticleInput
from claims.tasks import link_similar_claims

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def tasks_run_in_process(monkeypatch):
    """With a broker configured (the PostgreSQL + Redis run) tasks would go to Redis with
    no worker to run them; these tests run them in process, as the embedded default does.
    A real worker is exercised in test_intake_worker.py."""
    from factcheck.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)


SEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "articles"
SEED_20_YEARS = "first by a Pakistani Prime Minister in 20 years"
SEED_35_COUNTRIES = "They were among 35 countries that refused to vote"


@pytest.fixture(params=["exact", "approximate"])
def candidates(request, settings):
    """Each test runs with the exact vector search and with the approximate index (faiss
    IVF, which a desk gets from FACTCHECK_VECTOR_EXACT_BELOW embeddings on), on a fresh
    index of this test's database."""
    if request.param == "approximate":
        settings.FACTCHECK_VECTOR_EXACT_BELOW = 1
    vectors._indexes.clear()
    yield request.param
    vectors._indexes.clear()


@pytest.fixture
def seeds(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_articles", str(SEEDS), stdout=io.StringIO())
    return Claim.objects.all()


def publish(text: str, url: str, django_capture_on_commit_callbacks) -> list[Claim]:
    """Load an article written in the test through the loader, running its after-commit
    work (the linking task) as a worker would."""
    with django_capture_on_commit_callbacks(execute=True):
        result = load_article(
            Source(where=url, data=ArticleInput(text=text, title="Test report", url=url))
        )
    assert result.outcome == "new"
    return list(result.article.claims.all())


def links_of(claim: Claim):
    return SimilarClaim.objects.filter(Q(from_claim=claim) | Q(to_claim=claim))


def link_between(claim: Claim, seed: Claim) -> SimilarClaim:
    """The link of `claim` to `seed` (a restatement may be linked to other seed claims
    that overlap it, such as the visit and the meeting, as well)."""
    return links_of(claim).get(Q(from_claim=seed) | Q(to_claim=seed))


def the_claim(claims: list[Claim], fragment: str) -> Claim:
    hits = [claim for claim in claims if fragment in claim.text]
    assert len(hits) == 1, [claim.text for claim in claims]
    return hits[0]


def hand_added(text: str, fragment: str, editor, django_capture_on_commit_callbacks) -> Claim:
    """`fragment` of an article of `text` (loaded without linking, its found claims
    removed) added by an editor's hand, and linked as a worker would."""
    with django_capture_on_commit_callbacks(execute=True):
        article = load_article(
            Source(where="t", data=ArticleInput(text=text, url=f"https://x.example/{hash(text)}")),
            link=None,
        ).article
    article.claims.all().delete()
    start = text.index(fragment)
    with django_capture_on_commit_callbacks(execute=True):
        return services.add_manual_claim(
            article_id=article.pk, actor=editor, start=start, end=start + len(fragment)
        )


def correct_to(claim: Claim, text: str, fragment: str, editor, django_capture_on_commit_callbacks):
    """An editor's correction of `claim` to another span of its article, linked again."""
    from claims.services.corrections import edit_claim

    start = text.index(fragment)
    with django_capture_on_commit_callbacks(execute=True):
        edit_claim(claim=claim, actor=editor, span=(start, start + len(fragment)))


def test_restating_a_seed_claim_with_another_number_gives_a_conflicting_link(
    candidates, seeds, django_capture_on_commit_callbacks
):
    seed = Claim.objects.get(text__contains=SEED_20_YEARS)
    claims = publish(
        "Khan in Moscow\n\n"
        "Khan’s trip to Moscow was the first by a Pakistani prime minister in 23 years, "
        "officials said on Thursday.\n",
        "https://other.example/khan-moscow",
        django_capture_on_commit_callbacks,
    )
    mine = the_claim(claims, "23 years")

    link = link_between(mine, seed)
    assert {link.from_claim_id, link.to_claim_id} == {seed.pk, mine.pk}
    assert link.from_claim_id < link.to_claim_id
    assert link.conflicting is True
    assert link.conflict_detail in ("20 years vs 23 years", "23 years vs 20 years")
    assert 0.5 <= link.score <= 1
    assert link.decision == SimilarClaim.Decision.PENDING


def test_restating_a_seed_claim_with_the_same_number_gives_a_plain_link(
    candidates, seeds, django_capture_on_commit_callbacks
):
    seed = Claim.objects.get(text__contains=SEED_35_COUNTRIES)
    claims = publish(
        "The UN vote\n\n"
        "Pakistan was one of 35 countries that refused to vote on the UN resolution "
        "deploring Russia’s actions in Ukraine.\n",
        "https://other.example/un-vote",
        django_capture_on_commit_callbacks,
    )
    mine = the_claim(claims, "35 countries")

    link = link_between(mine, seed)
    assert {link.from_claim_id, link.to_claim_id} == {seed.pk, mine.pk}
    assert link.conflicting is False
    assert link.conflict_detail == ""


def test_a_changed_count_of_countries_conflicts(
    candidates, seeds, django_capture_on_commit_callbacks
):
    seed = Claim.objects.get(text__contains=SEED_35_COUNTRIES)
    claims = publish(
        "The UN vote\n\n"
        "Pakistan was one of 34 countries that refused to vote on the UN resolution "
        "deploring Russia’s actions in Ukraine.\n",
        "https://third.example/un-vote",
        django_capture_on_commit_callbacks,
    )
    link = link_between(the_claim(claims, "34 countries"), seed)
    assert seed.pk in (link.from_claim_id, link.to_claim_id)
    assert link.conflicting is True
    assert "35 countries" in link.conflict_detail and "34 countries" in link.conflict_detail


SEED_MET = "met with Russian President Vladimir Putin after Russian soldiers"


def test_of_one_articles_claims_only_the_best_match_is_linked_not_its_context(
    candidates, seeds, django_capture_on_commit_callbacks
):
    """A sentence about the first visit in two decades that mentions the meeting scores
    over the threshold against the seed article's meeting claim too; an article states a
    fact once, so only its best claim (the first visit) is linked."""
    first = Claim.objects.get(text__contains=SEED_20_YEARS)
    met = Claim.objects.get(text__contains=SEED_MET)
    assert first.article_id == met.article_id
    claims = publish(
        "Khan in Moscow\n\n"
        "When Imran Khan met Vladimir Putin in Moscow it was the first visit by a Pakistani "
        "prime minister in two decades.\n",
        "https://other.example/first-visit",
        django_capture_on_commit_callbacks,
    )
    mine = the_claim(claims, "two decades")

    vectors_of = similarity.ensure_embeddings([mine, first, met])

    def value(seed: Claim) -> float:
        return similarity.combined(
            float(vectors_of[mine.pk] @ vectors_of[seed.pk]),
            similarity.score(similarity.features(mine.text), similarity.features(seed.text)),
            similarity.figure_agreement(mine.text, seed.text),
        )

    threshold = similarity.link_min_score()
    assert value(met) >= threshold
    assert value(first) - value(met) > similarity.SAME_ARTICLE_MARGIN
    assert link_between(mine, first).score == value(first)
    assert not links_of(mine).filter(Q(from_claim=met) | Q(to_claim=met)).exists()


def test_an_unrelated_article_gets_no_links(candidates, seeds, django_capture_on_commit_callbacks):
    claims = publish(
        "Council budget\n\n"
        "The city council of Leeds approved a budget of 12 million pounds for new schools "
        "on Tuesday, the mayor said.\n\n"
        "Enrolment rose by 4 percent in 2023, according to the education department.\n",
        "https://local.example/budget",
        django_capture_on_commit_callbacks,
    )
    assert claims, "the unrelated article should still have claims of its own"
    assert not SimilarClaim.objects.filter(
        Q(from_claim__in=claims) | Q(to_claim__in=claims)
    ).exists()


def test_claims_of_the_same_article_are_never_linked(
    candidates, django_capture_on_commit_callbacks
):
    claims = publish(
        "Repeated\n\n"
        "The minister said 35 countries abstained in the vote on Wednesday.\n\n"
        "The minister said 35 countries abstained in the vote on Wednesday, again.\n",
        "https://one.example/repeat",
        django_capture_on_commit_callbacks,
    )
    assert len(claims) == 2
    assert not SimilarClaim.objects.exists()


def test_linking_again_creates_nothing_and_keeps_the_editors_decision(
    candidates, seeds, editor, django_capture_on_commit_callbacks
):
    claims = publish(
        "Khan in Moscow\n\n"
        "Khan’s trip to Moscow was the first by a Pakistani prime minister in 23 years, "
        "officials said on Thursday.\n",
        "https://other.example/khan-moscow",
        django_capture_on_commit_callbacks,
    )
    seed = Claim.objects.get(text__contains=SEED_20_YEARS)
    link = link_between(the_claim(claims, "23 years"), seed)
    before = SimilarClaim.objects.count()
    services.decide_similarity(link_id=link.pk, actor=editor, decision="rejected")
    every_claim = list(Claim.objects.values_list("pk", flat=True))

    assert link_similar_claims.delay(every_claim).get() == 0
    assert link_similar_claims.delay([claim.pk for claim in claims]).get() == 0

    assert SimilarClaim.objects.count() == before
    link.refresh_from_db()
    assert link.decision == SimilarClaim.Decision.REJECTED
    assert link.decided_by == editor


def test_a_claim_an_editor_adds_by_hand_is_linked_too(
    candidates, seeds, editor, django_capture_on_commit_callbacks
):
    text = (
        "Moscow trip\n\nThe weather was cold. Khan’s visit was the first by a Pakistani "
        "prime minister in 23 years, and it began on the day Russia invaded.\n"
    )
    fragment = "Khan’s visit was the first by a Pakistani prime minister in 23 years"
    claim = hand_added(text, fragment, editor, django_capture_on_commit_callbacks)
    link = link_between(claim, Claim.objects.get(text__contains=SEED_20_YEARS))
    assert link.conflicting is True


def test_a_claim_whose_words_an_editor_corrects_is_matched_by_its_new_words(
    candidates, seeds, editor, django_capture_on_commit_callbacks
):
    """The vector and the word rows follow the text: kept from the old words, the claim
    would go on being matched as what it no longer says."""
    from claims.models import ClaimEmbedding, SimilarityWord

    text = (
        "Moscow trip\n\nThe weather in the city was cold and grey for the whole of the stay. "
        "Khan’s visit was the first by a Pakistani prime minister in 23 years.\n"
    )
    weather = "The weather in the city was cold and grey for the whole of the stay."
    claim = hand_added(text, weather, editor, django_capture_on_commit_callbacks)
    assert not links_of(claim).exists()

    fragment = "Khan’s visit was the first by a Pakistani prime minister in 23 years"
    correct_to(claim, text, fragment, editor, django_capture_on_commit_callbacks)

    claim.refresh_from_db()
    assert claim.text == fragment
    link = link_between(claim, Claim.objects.get(text__contains=SEED_20_YEARS))
    assert link.conflicting is True
    words = set(SimilarityWord.objects.filter(claim=claim).values_list("word", flat=True))
    assert words == similarity.features(fragment).words
    from claims import embedding

    (row,) = ClaimEmbedding.objects.filter(claim=claim)
    expected = embedding.embed([fragment])[0]
    assert float(embedding.from_bytes(row.vector) @ expected) == pytest.approx(1.0, abs=1e-5)


@pytest.mark.parametrize("decision", ["pending", "confirmed", "rejected"])
def test_a_corrected_claim_loses_the_links_of_its_old_words_that_no_editor_decided(
    candidates, seeds, editor, decision, django_capture_on_commit_callbacks
):
    text = (
        "Moscow trip\n\nKhan’s visit was the first by a Pakistani prime minister in 23 years. "
        "The weather in the city was cold and grey for the whole of the stay.\n"
    )
    fragment = "Khan’s visit was the first by a Pakistani prime minister in 23 years"
    claim = hand_added(text, fragment, editor, django_capture_on_commit_callbacks)
    seed = Claim.objects.get(text__contains=SEED_20_YEARS)
    link = link_between(claim, seed)
    if decision != "pending":
        services.decide_similarity(link_id=link.pk, actor=editor, decision=decision)

    weather = "The weather in the city was cold and grey for the whole of the stay."
    correct_to(claim, text, weather, editor, django_capture_on_commit_callbacks)

    kept = SimilarClaim.objects.filter(pk=link.pk).first()
    if decision == "pending":
        assert kept is None
        assert not links_of(claim).exists()
    else:
        assert kept is not None and kept.decision == decision and kept.decided_by == editor


def test_scores_and_conflicts_are_computed_from_the_words_and_figures():
    a_text = "The pipeline will cost $2.5 billion, the ministry said."
    b_text = "The ministry said the pipeline will cost $3 billion."
    c_text = "The ministry said the pipeline will cost $2.5 billion."
    a, b, c = (similarity.features(t) for t in (a_text, b_text, c_text))
    assert similarity.score(a, b) == similarity.score(a, c) == 1.0
    assert similarity.conflict(a_text, b_text) == "$2.5 billion vs $3 billion"
    assert similarity.conflict(a_text, c_text) == ""
    d = "The conflict began on February 24, the ministry said."
    e = "The conflict began on February 23, the ministry said."
    assert similarity.conflict(d, e) == "February 24 vs February 23"


def test_linking_a_batch_takes_as_many_queries_as_linking_one_claim(
    candidates, seeds, django_assert_num_queries
):
    """Both retrievals answer a whole batch at once (the word table in two queries, the
    vector index in one search): no query per claim."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ids = list(seeds.order_by("pk").values_list("pk", flat=True))
    similarity.link_similar(ids)  # every index up to date

    with CaptureQueriesContext(connection) as one:
        similarity.link_similar(ids[:1])
    with django_assert_num_queries(len(one)):
        similarity.link_similar(ids[:12])


def test_the_set_based_insert_stores_text_as_written_whatever_its_characters():
    """insert_new sends each column as one array on PostgreSQL (its text form, quoted
    here), VALUES elsewhere: quotes, backslashes, braces, commas and the word NULL come
    back as they went in, and a row already stored is kept."""
    from claims import word_table
    from claims.models import SimilarityWord
    from tests.factories import ClaimFactory

    claim = ClaimFactory()
    words = ['say "20"', "back\\slash", '\\"', "{braces}", "a, b", "NULL", "", "it's", "“curly”"]
    rows = [(word, claim.pk) for word in words]
    columns, types = ("word", "claim_id"), ("text", "bigint")
    assert word_table.insert_new(SimilarityWord, columns, types, rows) == len(words)
    assert word_table.insert_new(SimilarityWord, columns, types, rows) == 0
    stored = SimilarityWord.objects.filter(claim=claim).values_list("word", flat=True)
    assert sorted(stored) == sorted(words)


def test_a_submitted_claim_of_no_article_is_linked_to_the_claim_it_restates(
    candidates, seeds, django_capture_on_commit_callbacks
):
    """A reader's submission has no article: the word table is asked with a NULL article
    for it, and no claim is of its article."""
    from claims.services.edits import create_submitted_claim

    seed = Claim.objects.get(text__contains=SEED_20_YEARS)
    with django_capture_on_commit_callbacks(execute=True):
        mine = create_submitted_claim(
            text="Khan's trip to Moscow was the first by a Pakistani prime minister in 20 years.",
            source_url="https://social.example/p/1",
        )
    assert mine.article_id is None
    link = link_between(mine, seed)
    assert link.conflicting is False
