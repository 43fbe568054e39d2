"""load_articles --async with a real Celery worker on Redis: the worker loads the queued
articles and links their claims to a restated claim of another article."""

from __future__ import annotations

import io
import json
import time

import pytest
from django.core.management import call_command

from claims.models import Article, SimilarClaim
from tests.conftest import stop_worker

pytestmark = pytest.mark.broker


def test_worker_loads_queued_articles_and_links_their_claims(transactional_db, worker, tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        "\n".join(
            json.dumps(article)
            for article in [
                {
                    "url": "https://one.example/vote",
                    "title": "One",
                    "text": "Vote\n\nPakistan was one of 35 countries that refused to vote on "
                    "the UN resolution deploring Russia’s actions in Ukraine.\n",
                },
                {
                    "url": "https://two.example/vote",
                    "title": "Two",
                    "text": "Vote\n\nIndia was among 34 countries that refused to vote on the "
                    "UN resolution deploring Russia’s actions in Ukraine, diplomats said.\n",
                },
            ]
        )
    )
    out = io.StringIO()
    call_command("load_articles", str(feed), "--async", stdout=out)
    assert "total: 2 queued, 0 refused" in out.getvalue()

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if Article.objects.count() == 2 and SimilarClaim.objects.exists():
            break
        assert worker.poll() is None, worker.stdout.read()
        time.sleep(0.25)
    if Article.objects.count() != 2 or not SimilarClaim.objects.exists():
        log = stop_worker(worker)
        pytest.fail(f"the worker did not load and link the articles in 60 s; its log:\n{log}")
    link = SimilarClaim.objects.get()
    assert link.conflicting is True
    assert "35 countries" in link.conflict_detail and "34 countries" in link.conflict_detail
