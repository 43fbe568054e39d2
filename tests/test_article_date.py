"""claim.article_published, the copy of its article's date the desk sorts and filters on,
is kept by the database (claims 0014): right after every way a claim or an article is
written, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from claims.models import Article, Claim, content_hash
from tests.factories import ArticleFactory, ClaimFactory

pytestmark = pytest.mark.django_db

DAY = dt.date(2022, 2, 24)
LATER = dt.date(2022, 3, 2)


def stored(claim) -> dt.date | None:
    return Claim.objects.values_list("article_published", flat=True).get(pk=claim.pk)


def test_a_claim_takes_its_article_s_date_however_it_is_inserted():
    article = ArticleFactory(published=DAY)
    one = ClaimFactory(article=article)
    assert stored(one) == DAY
    (bulk,) = Claim.objects.bulk_create(
        [
            Claim(
                article=article,
                text="Officials met on February 24 in Moscow.",
                span_start=article.body.index("Officials"),
                span_end=len(article.body),
            )
        ]
    )
    assert stored(bulk) == DAY
    undated = ClaimFactory(article=ArticleFactory(published=None))
    assert stored(undated) is None


def test_an_article_s_new_date_reaches_its_claims_by_save_and_by_update():
    article = ArticleFactory(published=DAY)
    claims = [
        ClaimFactory(article=article),
        ClaimFactory(article=article, text="Officials met on February 24 in Moscow."),
    ]
    other = ClaimFactory(article=ArticleFactory(published=DAY))
    article.published = LATER
    article.save()
    assert [stored(c) for c in claims] == [LATER, LATER]
    Article.objects.filter(pk=article.pk).update(published=None)
    assert [stored(c) for c in claims] == [None, None]
    assert stored(other) == DAY  # another article's claims are left alone


def test_a_save_from_an_older_copy_of_the_claim_cannot_write_a_wrong_date():
    article = ArticleFactory(published=DAY)
    claim = ClaimFactory(article=article)
    stale = Claim.objects.get(pk=claim.pk)
    Article.objects.filter(pk=article.pk).update(published=LATER)
    stale.text = stale.text  # a full save writes every column, the old date too
    stale.save()
    assert stored(claim) == LATER
    Claim.objects.filter(pk=claim.pk).update(article_published=dt.date(1999, 1, 1))
    assert stored(claim) == LATER  # nor can a hand-written one


def test_a_claim_moved_to_another_article_or_to_none_follows():
    claim = ClaimFactory(article=ArticleFactory(published=DAY))
    body = "Elsewhere. The minister said 35 countries abstained on the vote."
    moved_to = Article.objects.create(
        title="Elsewhere",
        url="https://x.example/e",
        body=body,
        content_hash=content_hash(body),
        published=LATER,
    )
    Claim.objects.filter(pk=claim.pk).update(article=moved_to)
    assert stored(claim) == LATER
    Claim.objects.filter(pk=claim.pk).update(
        article=None, span_start=None, span_end=None, source_url="https://x.example/s"
    )
    assert stored(claim) is None


def test_the_triggers_are_in_the_database():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname LIKE 'claims_%%published%%'")
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%published%'"
            )
        names = {row[0] for row in cursor.fetchall()}
    assert {"claims_article_published_to_claims"} <= names and len(names) >= 2
