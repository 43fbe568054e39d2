"""Scale-out on one machine: two gunicorn servers (two worker processes each) and two
Celery workers sharing one database and one Redis (the broker and the rate limits'
cache). A claim's life is driven over real HTTP through both servers in turn, the
anonymous limit is counted once across them, and every queued task runs exactly once.
On the embedded default the database is the test's SQLite file, shared by every process;
on the PostgreSQL pass, PostgreSQL."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db.models import Max
from rest_framework.authtoken.models import Token

from claims.models import Claim
from factcheck.outbox.models import Message
from reviews.models import Evidence, Transition, Verdict
from tests.factories import ClaimFactory, RatingFactory
from tests.faults import free_port, scripted_server, start_worker, stop, wait_for, worker_log
from tests.servers import request, server_log, start_gunicorn, windows_spanned, worker_pids
from tests.test_ratelimit import random_ip

pytestmark = [pytest.mark.broker, pytest.mark.django_db(transaction=True)]


def full_log(proc) -> str:
    return Path(proc.log_path).read_text()


@pytest.fixture
def processes():
    started = []
    yield started
    for proc in started:
        stop(proc)


def test_two_servers_and_two_workers_share_one_database_and_one_redis(
    broker_url, processes, tmp_path, reviewer, editor, other_editor
):
    rating = RatingFactory(slug="false", label="False")
    claim = ClaimFactory()
    page = scripted_server([200])  # the evidence's page, standing for a public one
    anon_limit = 30
    shared = {
        "CELERY_BROKER_URL": broker_url,
        "CACHE_URL": broker_url,
        "CACHE_KEY_PREFIX": f"scale{time.time_ns()}",
        "API_THROTTLE_ANON": f"{anon_limit}/min",
        "FACTCHECK_FETCH_ALLOW": f"127.0.0.1:{page.server_port}",
    }
    servers = [start_gunicorn(free_port(), tmp_path, workers=2, **shared) for _ in range(2)]
    processes.extend(servers)
    workers = [start_worker(broker_url, tmp_path, beat=(n == 0), **shared) for n in range(2)]
    processes.extend(workers)
    tokens = {
        u.username: Token.objects.create(user=u).key for u in (reviewer, editor, other_editor)
    }

    turn = iter(range(100))

    def call(user: str, method: str, path: str, body: dict | None = None):
        """Each call goes to the other server than the last."""
        server = servers[next(turn) % 2]
        answer = request(
            f"http://127.0.0.1:{server.port}{path}",
            method=method,
            headers={
                "Authorization": f"Token {tokens[user]}",
                "Content-Type": "application/json",
            },
            body=json.dumps(body).encode() if body is not None else None,
        )
        assert answer.status < 500, server_log(server)
        return answer

    def step(user: str, action: str, **fields):
        return call(
            user, "POST", f"/api/v1/claims/{claim.pk}/transitions/", {"action": action, **fields}
        )

    # The claim's life, alternating servers: assign, take over, evidence, draft, propose,
    # a refused self-publication, publication by another editor.
    assigned = step(editor.username, "assign", assignee=reviewer.pk)
    assert assigned.status == 200, assigned.body
    evidence = call(
        reviewer.username,
        "POST",
        f"/api/v1/claims/{claim.pk}/evidence/",
        {
            "url": f"http://127.0.0.1:{page.server_port}/record",
            "title": "The UN's record",
            "kind": "official_record",
        },
    )
    assert evidence.status == 201, evidence.body
    draft = call(
        reviewer.username,
        "POST",
        f"/api/v1/claims/{claim.pk}/verdicts/",
        {"rating": rating.slug, "summary": "Wrong count.", "rationale": "The UN record."},
    )
    assert draft.status == 201, draft.body
    assert step(reviewer.username, "propose").status == 200
    assert step(reviewer.username, "publish").status == 403
    published = step(other_editor.username, "publish")
    assert published.status == 200, published.body
    assert published.json()["status"] == "published"
    seen = call(reviewer.username, "GET", f"/api/v1/claims/{claim.pk}/")
    assert seen.json()["status"] == "published"

    claim.refresh_from_db()
    assert claim.status == Claim.Status.PUBLISHED
    assert Transition.objects.filter(claim=claim).count() == 3  # assign, propose, publish
    assert Verdict.objects.get(claim=claim).state == Verdict.State.APPROVED

    # Every queued task runs once, on one of the two workers.
    def all_done():
        for worker in workers:
            assert worker.poll() is None, worker_log(worker)
        undone = Message.objects.exclude(state="done").count()
        return Message.objects.exists() and undone == 0

    wait_for(all_done, 90, "every queued task to run")
    queued = Message.objects.count()
    attempts = Message.objects.aggregate(most=Max("attempts"))["most"]
    assert attempts == 1  # none ran twice
    archived = Evidence.objects.get(claim=claim)
    assert archived.archive_state == "archived" and archived.archive_attempts == 1
    assert page.requests == 1  # the page was fetched once, by one worker
    ran = sum(
        sum("outbox.run[" in line and "succeeded" in line for line in full_log(w).splitlines())
        for w in workers
    )
    assert ran == queued  # each message's run logged once, across both workers

    # The anonymous limit, counted once across both servers and all their workers.
    started = time.time()

    def anonymous(n: int) -> int:
        server = servers[n % 2]
        return request(
            f"http://127.0.0.1:{server.port}/api/v1/claims/",
            headers={"X-Forwarded-For": random_ip()},
        ).status

    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(anonymous, range(200)))
    spanned = windows_spanned(started, time.time(), 60)
    ok = statuses.count(200)
    assert statuses.count(429) + ok == 200
    assert anon_limit <= ok <= anon_limit * spanned
    pids = set().union(*(worker_pids(s) for s in servers))
    assert len(pids) >= 3  # the requests reached several of the four server processes
    page.shutdown()
    print(
        "\nFIGURES scale-out: "
        + json.dumps(
            {
                "servers": 2,
                "server_processes_seen": len(pids),
                "celery_workers": 2,
                "tasks_queued": queued,
                "max_attempts": attempts,
                "task_runs_logged": ran,
                "anonymous_ok": ok,
                "anonymous_limit": anon_limit,
                "windows": spanned,
            }
        )
    )
