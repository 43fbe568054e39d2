"""Every claim has a check-worthiness score with its reasons, curated and hand-added ones
too, and the API's ordering=-checkworthiness orders by it."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from claims import services
from claims.models import Claim
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

SEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "articles"


@pytest.fixture(autouse=True)
def tasks_run_in_process(monkeypatch):
    from factcheck.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)


def test_curated_and_hand_added_claims_are_scored_with_reasons(editor):
    call_command("load_articles", str(SEEDS), stdout=io.StringIO())
    curated = Claim.objects.filter(origin=Claim.Origin.CURATED)
    assert curated.count() == 21
    assert not curated.filter(checkworthiness__isnull=True).exists()
    twenty = curated.get(text__contains="in 20 years")
    assert twenty.checkworthiness > 0.5
    assert twenty.checkworthiness_reasons

    article = twenty.article
    start = article.body.index("Russia’s main partner")
    end = article.body.index("India.", start) + len("India.")
    Claim.objects.filter(article=article, span_start=start).delete()
    manual = services.add_manual_claim(article_id=article.pk, actor=editor, start=start, end=end)
    assert manual.checkworthiness is not None and 0 <= manual.checkworthiness <= 1

    submitted = services.create_submitted_claim(
        text="The pipeline will cost $2.5 billion.", source_url="https://reader.example/tip"
    )
    assert submitted.checkworthiness is not None
    assert submitted.checkworthiness_reasons


def test_the_api_orders_by_checkworthiness(editor):
    call_command("load_articles", str(SEEDS), stdout=io.StringIO())
    client = client_for(editor)
    scores = []
    url = "/api/v1/claims/?ordering=-checkworthiness&page_size=5"
    while url:
        body = client.get(url).json()
        scores += [item["checkworthiness"] for item in body["results"]]
        url = body.get("next")
    assert len(scores) == Claim.objects.count() == 21
    assert scores == sorted(scores, reverse=True)
    assert scores[0] > scores[-1]
