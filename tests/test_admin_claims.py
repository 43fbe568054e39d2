"""The claims side of the admin writes through the same paths as everything else: a new
article through the loader, a similarity decision through its service."""

from __future__ import annotations

import pytest
from django.urls import reverse

from claims.models import Article, SimilarClaim, content_hash
from tests.factories import ArticleFactory, ClaimFactory

pytestmark = pytest.mark.django_db

BODY = (
    "Islamabad, 6 March 2022. Prime Minister Imran Khan said on Sunday that 35 countries "
    "abstained on the UN vote. He met President Putin in Moscow on 24 February."
)


@pytest.fixture
def staff_editor(editor, client):
    editor.is_staff = True
    editor.save(update_fields=["is_staff"])
    client.force_login(editor)
    return editor


def article_form(**overrides):
    return {
        "url": "https://News.example/khan-rally#top",
        "title": "Khan at a rally",
        "outlet": "",
        "byline": "",
        "published": "2022-03-06",
        "language": "en",
        "body": BODY,
        "claims-TOTAL_FORMS": "0",
        "claims-INITIAL_FORMS": "0",
        "claims-MIN_NUM_FORMS": "0",
        "claims-MAX_NUM_FORMS": "1000",
        **overrides,
    }


def test_an_article_added_in_the_admin_takes_the_loaders_path(client, staff_editor):
    response = client.post(reverse("admin:claims_article_add"), article_form())
    assert response.status_code == 302
    article = Article.objects.get(title="Khan at a rally")
    assert article.content_hash == content_hash(BODY)
    assert article.url == "https://news.example/khan-rally"  # normalised, as the loader does
    assert article.claims.exists()  # the extractor ran


def test_a_url_typed_without_a_scheme_is_taken_as_https(client, staff_editor):
    response = client.post(
        reverse("admin:claims_article_add"), article_form(url="news.example/khan-rally")
    )
    assert response.status_code == 302
    assert Article.objects.get().url == "https://news.example/khan-rally"


def test_the_same_article_twice_is_a_form_error(client, staff_editor):
    client.post(reverse("admin:claims_article_add"), article_form())
    response = client.post(reverse("admin:claims_article_add"), article_form(title="Again"))
    assert response.status_code == 200
    assert b"already stored" in response.content
    assert Article.objects.count() == 1


def test_a_similarity_decision_in_the_admin_records_who_decided(client, staff_editor):
    a, b = ClaimFactory(), ClaimFactory(article=ArticleFactory())
    first, second = sorted([a, b], key=lambda c: c.pk)
    link = SimilarClaim.objects.create(from_claim=first, to_claim=second, score=0.9)
    url = reverse("admin:claims_similarclaim_change", args=[link.pk])

    client.post(url, {"decision": "pending"})  # saving it unchanged decides nothing
    link.refresh_from_db()
    assert (link.decision, link.decided_by) == ("pending", None)

    response = client.post(url, {"decision": "confirmed"})
    assert response.status_code == 302
    link.refresh_from_db()
    assert (link.decision, link.decided_by) == ("confirmed", staff_editor)
    assert link.decided_at is not None

    response = client.post(url, {"decision": "pending"})
    assert response.status_code == 200
    assert b"Decide" in response.content
    link.refresh_from_db()
    assert link.decision == "confirmed"
