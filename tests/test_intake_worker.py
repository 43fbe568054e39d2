"""load_articles --async with a real Celery worker on Redis: the worker loads the queued
articles and links their claims to a restated claim of another article."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from claims.models import Article, SimilarClaim

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.broker,
    pytest.mark.skipif(
        not (settings.CELERY_BROKER_URL and settings.USING_POSTGRES),
        reason="the embedded default runs tasks in process; .ci/run runs this on Redis",
    ),
]


@pytest.fixture
def worker():
    db = connection.settings_dict
    env = {
        **os.environ,
        # The worker must write to this test's database, not the configured one.
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}"
        f"/{db['NAME']}",
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "factcheck",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield proc
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


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
    assert Article.objects.count() == 2, "the worker did not load the queued articles in 60 s"
    link = SimilarClaim.objects.get()
    assert link.conflicting is True
    assert "35 countries" in link.conflict_detail and "34 countries" in link.conflict_detail
