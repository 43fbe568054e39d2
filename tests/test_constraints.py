"""The database itself refuses rows that break the tracker's invariants."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from claims.models import Article, Claim, content_hash
from reviews.models import Verdict
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    RatingFactory,
    UserFactory,
    VerdictFactory,
)

pytestmark = pytest.mark.django_db


def refused(fn) -> bool:
    try:
        with transaction.atomic():
            fn()
    except IntegrityError:
        return True
    return False


def test_article_url_and_content_hash_are_unique():
    a = ArticleFactory()
    assert refused(lambda: ArticleFactory(url=a.url))
    assert refused(lambda: Article.objects.create(body=a.body, content_hash=a.content_hash))


def test_articles_without_url_may_coexist():
    ArticleFactory(url=None)
    ArticleFactory(url=None)
    assert Article.objects.filter(url__isnull=True).count() == 2


def test_empty_article_body_is_refused():
    assert refused(lambda: Article.objects.create(body="", content_hash=content_hash("")))


def test_claim_span_must_start_before_it_ends(article):
    assert refused(
        lambda: Claim.objects.create(article=article, text="x", span_start=10, span_end=10)
    )
    assert refused(
        lambda: Claim.objects.create(article=article, text="x", span_start=12, span_end=3)
    )


def test_claim_needs_an_article_span_or_a_source_url(article):
    assert refused(lambda: Claim.objects.create(text="Something happened."))
    assert refused(lambda: Claim.objects.create(article=article, text="x"))
    Claim.objects.create(text="Something happened.", source_url="https://example.org/post")


def test_claim_status_is_one_of_the_workflow_states(claim):
    assert refused(lambda: Claim.objects.filter(pk=claim.pk).update(status="approved"))


def test_the_same_span_of_an_article_is_one_claim(claim):
    assert refused(
        lambda: ClaimFactory(article=claim.article, text=claim.text, span_start=claim.span_start)
    )


def test_at_most_one_approved_verdict_per_claim(claim):
    rating, editor, author = RatingFactory(), UserFactory(), UserFactory()

    def approved(**kw):
        return VerdictFactory(
            claim=claim,
            rating=rating,
            author=author,
            approver=editor,
            proposed_by=author,
            approved_at="2022-03-03T00:00:00Z",
            **kw,
        )

    approved(state=Verdict.State.APPROVED)
    assert refused(lambda: approved(state=Verdict.State.APPROVED))
    approved(state=Verdict.State.SUPERSEDED)  # the history of corrections is allowed


def test_at_most_one_open_verdict_per_claim(claim):
    VerdictFactory(claim=claim, state=Verdict.State.DRAFT)
    assert refused(lambda: VerdictFactory(claim=claim, state=Verdict.State.PROPOSED))


def test_approver_cannot_be_the_proposer(claim):
    someone = UserFactory()
    assert refused(
        lambda: VerdictFactory(
            claim=claim,
            state=Verdict.State.APPROVED,
            author=someone,
            proposed_by=someone,
            approver=someone,
            approved_at="2022-03-03T00:00:00Z",
        )
    )


def test_evidence_stance_and_kind_are_checked(claim):
    from tests.factories import EvidenceFactory

    assert refused(lambda: EvidenceFactory(claim=claim, stance="agrees"))
    assert refused(lambda: EvidenceFactory(claim=claim, kind="rumour"))


def test_rating_value_must_lie_within_its_scale():
    assert refused(lambda: RatingFactory(label="Odd", slug="odd", value=9))
    assert refused(lambda: RatingFactory(label="Half", slug="half", value=3, best_value=None))
    RatingFactory(
        label="Misleading", slug="misleading", value=None, best_value=None, worst_value=None
    )
