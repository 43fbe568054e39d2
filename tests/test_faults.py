"""Faults, for real: a broker that is not there during API writes and a load, a worker
killed with SIGKILL in the middle of a batch, a task delivered twice, and archive fetches
that fail. Real processes throughout (a private redis-server, Celery workers with beat,
a loopback web server); each test prints its figures (queued, run, lost, doubled,
seconds to recover)."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time

import pytest
from django.core.management import call_command
from django.db.models import Count

from claims.models import Article, Claim, SimilarClaim
from factcheck.outbox.models import Message
from reviews import services as workflow
from reviews.models import Evidence
from tests.conftest import client_for
from tests.factories import ClaimFactory
from tests.faults import (
    ROOT,
    database_url,
    scripted_server,
    start_worker,
    stop,
    wait_for,
    worker_log,
)

pytestmark = [pytest.mark.broker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def workers():
    started: list[subprocess.Popen] = []
    yield started
    for proc in started:
        stop(proc)


def figures(name: str, **numbers) -> None:
    print(f"\nFIGURES {name}: " + ", ".join(f"{k}={v}" for k, v in numbers.items()))


def all_done(proc: subprocess.Popen, expected: int):
    def check():
        assert proc.poll() is None, f"the worker died:\n{worker_log(proc)}"
        return Message.objects.filter(state="done").count() >= expected and not (
            Message.objects.exclude(state="done").exists()
        )

    return check


def mails_in(folder) -> list[str]:
    subjects = []
    for path in sorted(folder.glob("*")):
        subjects += [line for line in path.read_text().splitlines() if line.startswith("Subject:")]
    return subjects


ARTICLES = [
    (
        "https://one.example/vote",
        "Pakistan was one of 35 countries that refused to vote on the UN resolution "
        "deploring Russia’s actions in Ukraine.",
    ),
    (
        "https://two.example/vote",
        "India was among 34 countries that refused to vote on the UN resolution deploring "
        "Russia’s actions in Ukraine, diplomats said.",
    ),
    (
        "https://three.example/gas",
        "The pair discussed a $2.5 billion gas pipeline, officials said on Thursday.",
    ),
]


def test_api_writes_succeed_with_the_broker_down_and_their_work_runs_when_it_is_back(
    app_on, redis, workers, tmp_path, editor, reviewer
):
    app_on(redis.url)  # nothing listens there yet: the broker is down
    page = scripted_server([200])
    client = client_for(editor)
    started = time.monotonic()
    for url, text in ARTICLES:
        response = client.post(
            "/api/v1/articles/",
            {"url": url, "title": url, "text": f"Vote\n\n{text}\n"},
            format="json",
        )
        assert response.status_code == 201, response.content
    for n in range(2):
        response = client.post(
            "/api/v1/claims/",
            {
                "text": f"Crime doubled in {2020 + n}.",
                "source_url": f"https://social.example/p/{n}",
            },
            format="json",
        )
        assert response.status_code == 201, response.content
    claim = Claim.objects.filter(article__isnull=False).order_by("pk").first()
    response = client.post(
        f"/api/v1/claims/{claim.pk}/transitions/",
        {"action": "assign", "assignee": reviewer.pk},
        format="json",
    )
    assert response.status_code in (200, 201), response.content
    response = client.post(
        f"/api/v1/claims/{claim.pk}/evidence/",
        {
            "url": f"http://127.0.0.1:{page.server_port}/record",
            "title": "The UN's record",
            "kind": "official_record",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    writes_took = time.monotonic() - started

    queued = Message.objects.count()
    # 3 articles and 2 claims to link, 1 mail, 1 archive: all waiting, none lost.
    assert queued == 7
    assert Message.objects.filter(state="pending").count() == 7

    redis.start()
    mail = tmp_path / "mail"
    mail.mkdir()
    back = time.monotonic()
    worker = start_worker(
        redis.url,
        tmp_path,
        EMAIL_URL=f"filemail:///{mail}",
        FACTCHECK_FETCH_ALLOW=f"127.0.0.1:{page.server_port}",  # the stand-in public page
    )
    workers.append(worker)
    wait_for(all_done(worker, queued), 60, "every queued message to run")
    recovered = time.monotonic() - back

    doubled = Message.objects.filter(attempts__gt=1).count()
    assert doubled == 0
    assert Claim.objects.filter(linked_at__isnull=True).count() == 0
    # 35 vs 34 countries across two articles; 2020 vs 2021 across the two submissions.
    assert SimilarClaim.objects.filter(conflicting=True).count() == 2
    assert len(mails_in(mail)) == 1
    evidence = Evidence.objects.get()
    assert evidence.archive_state == "archived" and "35 abstentions" in evidence.archive_text
    page.shutdown()
    figures(
        "broker down during API writes",
        writes=7,
        writes_seconds=round(writes_took, 1),
        queued=queued,
        run=Message.objects.filter(state="done").count(),
        lost=queued - Message.objects.filter(state="done").count(),
        doubled=doubled,
        recover_seconds=round(recovered, 1),
    )


def _word(n: int, k: int) -> str:
    # Made-up words, different for each pair of articles: claims of one pair restate
    # each other, claims of different pairs share nothing but their form.
    digest = hashlib.sha256(f"{n}:{k}".encode()).digest()
    return "".join(chr(97 + b % 26) for b in digest[:7])


def _feed(path, count: int) -> None:
    """`count` articles; articles 2k and 2k+1 restate the same claim with another figure,
    so linking makes exactly count // 2 links, each conflicting."""
    lines = []
    for n in range(count):
        pair = n // 2
        w = [_word(pair, k) for k in range(5)]
        lines.append(
            json.dumps(
                {
                    "url": f"https://wire.example/{n}",
                    "title": f"Report {n}",
                    "text": f"Report {n}\n\n{w[0].title()} {w[1]} said {w[2]} {w[3]} rose "
                    f"{n % 2 + 3 + pair % 40} percent in {w[4].title()}.\n",
                }
            )
        )
    path.write_text("\n".join(lines) + "\n")


def pair_links(*, conflicting: bool | None = None) -> int:
    """Pairs of _feed's articles whose restated claims are linked (whatever else the
    matcher links)."""
    links = SimilarClaim.objects.filter(
        from_claim__article__url__startswith="https://wire.example/",
        to_claim__article__url__startswith="https://wire.example/",
    )
    if conflicting is not None:
        links = links.filter(conflicting=conflicting)
    found = set()
    for a, b in links.values_list("from_claim__article__url", "to_claim__article__url"):
        n, m = int(a.rsplit("/", 1)[1]), int(b.rsplit("/", 1)[1])
        if n // 2 == m // 2:
            found.add(n // 2)
    return len(found)


def assert_links_stored_once(claims) -> None:
    """Every pair is stored once (no link doubled by a re-run task). That every claim's
    link task finished is `linked_at`, asserted beside; how many links the scorer makes
    of generated text is the matching tests' business, not the delivery's."""
    pairs = list(
        SimilarClaim.objects.filter(from_claim__in=claims).values_list("from_claim", "to_claim")
    )
    assert pairs and len(pairs) == len(set(pairs))


def _manage(*args, broker: str, **env) -> subprocess.CompletedProcess:
    environ = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": broker,
        **env,
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_load_with_the_broker_down_prints_every_line_and_loses_nothing(
    redis, workers, tmp_path, app_on
):
    app_on(redis.url)
    feed = tmp_path / "feed.jsonl"
    _feed(feed, 250)
    started = time.monotonic()
    run = _manage("load_articles", str(feed), broker=redis.url)
    took = time.monotonic() - started
    assert run.returncode == 0, run.stderr[-3000:]
    lines = [line for line in run.stdout.splitlines() if ": new, " in line]
    assert len(lines) == 250
    assert "total: 250 new, 0 unchanged" in run.stdout
    assert "Traceback" not in run.stderr
    assert Article.objects.count() == 250
    claims = Claim.objects.count()
    queued = Message.objects.count()
    # One link message a batch of 100 articles, recorded in the batch's transaction.
    assert queued == 3 and Message.objects.filter(state="pending").count() == 3

    redis.start()
    back = time.monotonic()
    worker = start_worker(redis.url, tmp_path)
    workers.append(worker)
    wait_for(all_done(worker, queued), 90, "the link messages to run")
    recovered = time.monotonic() - back
    assert Claim.objects.filter(linked_at__isnull=True).count() == 0
    # Each pair of articles restates one claim with another figure: 125 links, no more.
    links = SimilarClaim.objects.count()
    assert links >= 125  # at least each pair's restatement
    assert_links_stored_once(Claim.objects.all())
    doubled = Message.objects.filter(attempts__gt=1).count()
    assert doubled == 0
    figures(
        "broker down during load_articles",
        articles=250,
        claims=claims,
        load_seconds=round(took, 1),
        queued=queued,
        run=Message.objects.filter(state="done").count(),
        lost=0,
        doubled=doubled,
        links=links,
        recover_seconds=round(recovered, 1),
    )


def test_a_worker_killed_mid_batch_leaves_everything_done_exactly_once_after_restart(
    redis, workers, tmp_path, app_on, editor, reviewer
):
    redis.start()
    app_on(redis.url)
    feed = tmp_path / "feed.jsonl"
    _feed(feed, 120)
    # Assignment mails queued among the articles.
    targets = [ClaimFactory() for _ in range(10)]
    run = _manage("load_articles", str(feed), "--async", broker=redis.url)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "total: 120 queued, 0 refused" in run.stdout
    for claim in targets:
        workflow.assign(claim_id=claim.pk, actor=editor, assignee=reviewer)
    mail = tmp_path / "mail"
    mail.mkdir()

    worker = start_worker(redis.url, tmp_path, EMAIL_URL=f"filemail:///{mail}")
    workers.append(worker)
    wait_for(
        lambda: Article.objects.count() >= 30 or worker.poll() is not None,
        90,
        "the worker to load 30 articles",
        every=0.05,
    )
    worker.send_signal(signal.SIGKILL)
    worker.wait(10)
    at_kill = Article.objects.count()
    running = list(Message.objects.filter(lease_until__isnull=False).values_list("pk", flat=True))

    restarted = time.monotonic()
    worker = start_worker(redis.url, tmp_path, EMAIL_URL=f"filemail:///{mail}")
    workers.append(worker)
    total = Message.objects.count()

    def finished():
        assert worker.poll() is None, worker_log(worker)
        return (
            Article.objects.filter(url__startswith="https://wire.example/").count() == 120
            and not Message.objects.exclude(state="done").exists()
            and Message.objects.count() >= total
        )

    try:
        # Redelivery takes the visibility timeout (6 s here); the rest is the link tasks'
        # own work, which on a loaded two-core machine can take a minute or more.
        wait_for(finished, 180, "everything to be done after the restart")
    except AssertionError:
        undone = list(Message.objects.exclude(state="done").values())
        raise AssertionError(
            f"articles {Article.objects.count()}, messages {Message.objects.count()}/{total}, "
            f"undone: {undone}\n{worker_log(worker)}"
        ) from None
    recovered = time.monotonic() - restarted

    wire = Claim.objects.filter(article__url__startswith="https://wire.example/")
    # One claim an article, each linked once to its pair's: nothing doubled, none missing.
    assert wire.count() == 120
    assert not wire.values("article").annotate(n=Count("id")).filter(n__gt=1).exists()
    assert wire.filter(linked_at__isnull=True).count() == 0
    links = SimilarClaim.objects.filter(from_claim__in=wire, to_claim__in=wire).count()
    assert links >= 60  # at least each pair's restatement
    assert_links_stored_once(wire)
    subjects = mails_in(mail)
    assert len({s for s in subjects}) == 10  # every assignment mailed
    doubled_mails = len(subjects) - 10
    # A mail is sent before its message is marked done: a kill in between (the one
    # message that was running) may send it twice, never more.
    assert doubled_mails <= len(running)
    reran = Message.objects.filter(attempts__gt=1).count()
    assert reran <= len(running)
    figures(
        "worker SIGKILL mid-batch",
        messages=Message.objects.count(),
        articles_at_kill=at_kill,
        running_at_kill=len(running),
        run=Message.objects.filter(state="done").count(),
        lost=Message.objects.exclude(state="done").count(),
        rerun=reran,
        doubled_claims=wire.count() - 120,
        doubled_mails=doubled_mails,
        links=links,
        recover_seconds=round(recovered, 1),
    )


def test_a_task_delivered_twice_runs_once(redis, workers, tmp_path, app_on, editor, reviewer):
    redis.start()
    app_on(redis.url)
    claim = ClaimFactory()
    mail = tmp_path / "mail"
    mail.mkdir()
    workflow.assign(claim_id=claim.pk, actor=editor, assignee=reviewer)
    message = Message.objects.get()
    from factcheck.outbox.tasks import run

    # The relay sent it once after commit; the broker delivers it twice more.
    run.apply_async(args=(message.pk,), task_id=f"outbox-{message.pk}-dup1")
    run.apply_async(args=(message.pk,), task_id=f"outbox-{message.pk}-dup2")
    worker = start_worker(redis.url, tmp_path, EMAIL_URL=f"filemail:///{mail}")
    workers.append(worker)
    wait_for(
        lambda: worker_log(worker).count("outbox.run[") >= 6, 30, "three deliveries to be handled"
    )
    message.refresh_from_db()
    assert message.state == "done" and message.attempts == 1
    assert len(mails_in(mail)) == 1
    figures("same task delivered three times", deliveries=3, run=message.attempts, doubled=0)


def test_an_archive_that_fails_three_times_then_succeeds(
    redis, workers, tmp_path, app_on, editor, claim
):
    redis.start()
    app_on(redis.url)
    page = scripted_server([503, 503, 503, 200])
    evidence = workflow.add_evidence(
        claim_id=claim.pk,
        actor=editor,
        url=f"http://127.0.0.1:{page.server_port}/record",
        title="The UN's record",
        kind=Evidence.Kind.OFFICIAL_RECORD,
    )
    started = time.monotonic()
    worker = start_worker(
        redis.url, tmp_path, FACTCHECK_FETCH_ALLOW=f"127.0.0.1:{page.server_port}"
    )
    workers.append(worker)

    def archived():
        assert worker.poll() is None, worker_log(worker)
        evidence.refresh_from_db()
        return evidence.archive_state != "pending"

    wait_for(archived, 60, "the archive to finish")
    assert evidence.archive_state == "archived", evidence.archive_error
    assert evidence.archive_attempts == 4 and page.requests == 4
    assert "35 abstentions" in evidence.archive_text and evidence.archive_error == ""
    figures(
        "archive fails 3 times then succeeds",
        fetches=page.requests,
        seconds=round(time.monotonic() - started, 1),
    )
    page.shutdown()


def test_an_archive_that_fails_for_good_says_so_and_an_operator_retries_it(
    redis, workers, tmp_path, app_on, editor, claim, settings
):
    redis.start()
    app_on(redis.url)
    page = scripted_server([503])
    evidence = workflow.add_evidence(
        claim_id=claim.pk,
        actor=editor,
        url=f"http://127.0.0.1:{page.server_port}/record",
        title="The UN's record",
        kind=Evidence.Kind.OFFICIAL_RECORD,
    )
    worker = start_worker(
        redis.url,
        tmp_path,
        FACTCHECK_ARCHIVE_MAX_ATTEMPTS=3,
        FACTCHECK_FETCH_ALLOW=f"127.0.0.1:{page.server_port}",
    )
    workers.append(worker)

    def finished():
        # The task's own write commits before the outbox marks its message done (a fetch
        # is never held inside a transaction), so both are waited for.
        assert worker.poll() is None, worker_log(worker)
        evidence.refresh_from_db()
        done = Message.objects.latest("pk").state not in ("pending", "sent")
        return evidence.archive_state != "pending" and done

    wait_for(finished, 60, "the archive to give up")
    assert evidence.archive_state == "failed" and evidence.archive_error == "HTTP 503"
    assert page.requests == 3
    message = Message.objects.get()
    assert message.state == "done"  # the task recorded the failure; nothing hangs

    # Shown where people look: the desk's claim page and the API.
    desk = client_for(editor)
    api = desk.get(f"/api/v1/claims/{claim.pk}/evidence/{evidence.pk}/").json()
    assert api["archive_state"] == "failed"
    assert api["archive"] == "archive failed: HTTP 503"
    from django.test import Client

    browser = Client()
    browser.force_login(editor)
    assert "archive failed: HTTP 503" in browser.get(f"/desk/claims/{claim.pk}/").content.decode()

    # The operator retries once the page answers again.
    page.script = [200]
    page.requests = 0
    call_command("retry_archives")
    wait_for(finished, 30, "the retried archive")
    assert evidence.archive_state == "archived" and page.requests == 1
    page.shutdown()
