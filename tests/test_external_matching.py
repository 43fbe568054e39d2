"""Imported fact checks take part in matching: a new claim that states what another
publisher checked shows "checked by <publisher>: <rating>" on the desk and in the API,
linked to the original; a fact check imported later finds the claims already there.
Real embeddings (the ONNX model), the outbox in process."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from claims.services import create_submitted_claim
from claims.similarity import link_min_score
from reviews.claimreview_import import import_reviews, read_reviews
from reviews.models import ExternalFactCheck, ExternalMatch
from tests.conftest import client_for
from tests.factories import RatingFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def in_process(monkeypatch):
    from factcheck.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)


def review(url: str, claim: str, rating: str, publisher: str = "Partner Checks") -> dict:
    return {
        "@type": "ClaimReview",
        "url": url,
        "claimReviewed": claim,
        "author": {"@type": "Organization", "name": publisher, "url": "https://partner.example"},
        "reviewRating": {"@type": "Rating", "alternateName": rating},
        "datePublished": "2026-11-20",
    }


def import_feed(*reviews: dict):
    feed = {"@context": "https://schema.org", "@type": "DataFeed", "dataFeedElement": reviews}
    return import_reviews(items=list(read_reviews(json.dumps(feed).encode())))


def load(url: str, text: str, claim: str) -> int:
    """A new claim, stored as a submission is (announced like every new claim)."""
    return create_submitted_claim(text=claim, source_url=url).pk


UNEMPLOYMENT = "Unemployment fell to 3.1% in March, the lowest rate in fifty years."
RESTATED = "The jobless rate dropped to 3.1 percent in March, its lowest in fifty years."


def test_a_new_claim_that_states_a_checked_claim_shows_who_checked_it(editor, reviewer):
    false = RatingFactory(label="False", slug="false")
    from reviews.models import RatingMapping

    RatingMapping.objects.create(publisher="", rating_text="Pants on fire", rating=false)
    import_feed(
        review("https://partner.example/jobs", UNEMPLOYMENT, "Pants on fire"),
        review("https://partner.example/bridge", "The new bridge cost 40 million euros.", "True"),
    )
    matching = load(
        "https://wire.example/jobs",
        f"Budget day. {RESTATED} Rain later.",
        RESTATED,
    )
    other = load(
        "https://wire.example/cats",
        "Pets. Cats sleep sixteen hours a day, a vet said. End.",
        "Cats sleep sixteen hours a day, a vet said.",
    )

    (match,) = ExternalMatch.objects.filter(claim_id=matching)
    assert match.external.url == "https://partner.example/jobs"
    assert not ExternalMatch.objects.filter(claim_id=other).exists()

    answer = client_for(reviewer).get(f"/api/v1/claims/{matching}/")
    assert answer.status_code == 200, answer.content
    shown = answer.json()["checked_by"]
    assert [(c["publisher"], c["rating"], c["our_rating"], c["url"]) for c in shown] == [
        ("Partner Checks", "Pants on fire", "false", "https://partner.example/jobs")
    ]
    assert client_for(reviewer).get(f"/api/v1/claims/{other}/").json()["checked_by"] == []

    desk = Client()
    desk.force_login(editor)
    page = desk.get(f"/desk/claims/{matching}/").content.decode()
    assert "checked by Partner Checks:" in page
    assert '<a href="https://partner.example/jobs"' in page and "Pants on fire</a>" in page
    assert "checked by" not in desk.get(f"/desk/claims/{other}/").content.decode()


def test_a_fact_check_imported_later_finds_the_claims_already_there(reviewer):
    claim = load("https://wire.example/jobs", f"Budget day. {RESTATED} Rain later.", RESTATED)
    assert not ExternalMatch.objects.exists()
    report = import_feed(review("https://partner.example/jobs", UNEMPLOYMENT, "False"))
    assert report.created == 1
    (match,) = ExternalMatch.objects.all()
    assert match.claim_id == claim and match.score >= link_min_score()
    # Importing it again matches nothing twice.
    import_feed(review("https://partner.example/jobs", UNEMPLOYMENT, "False"))
    assert ExternalMatch.objects.count() == 1
    assert ExternalFactCheck.objects.get().embedding_model


def test_who_may_read_external_fact_checks_sees_them_and_the_list_costs_the_same(
    reviewer, outsider
):
    import_feed(review("https://partner.example/jobs", UNEMPLOYMENT, "False"))
    ids = [
        load(f"https://wire.example/{n}", f"Day {n}. {RESTATED} End {n}.", RESTATED)
        for n in range(3)
    ]
    assert ExternalMatch.objects.filter(claim_id__in=ids).count() == 3
    assert client_for(outsider).get(f"/api/v1/claims/{ids[0]}/").status_code == 404
    client = client_for(reviewer)

    def count(size: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            body = client.get("/api/v1/claims/", {"page_size": size}).json()
        assert all(c["checked_by"] for c in body["results"])
        return len(queries)

    count(3)  # the first request also reads the user's permissions, once
    assert count(1) == count(3)
