"""The outbox in process (the embedded default): a rolled-back write queues nothing, keys
keep work from waiting twice, failures back off and then fail for an operator; the sweep
finishes undone work and sends reminders once a day; doctor and /healthz say what is
wrong. (Real brokers and workers: test_faults.py.)"""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import Client
from django.utils import timezone

from claims.models import Claim
from factcheck.outbox import enqueue
from factcheck.outbox import services as outbox
from factcheck.outbox.models import Message
from reviews import services as workflow
from reviews.models import Evidence
from tests.factories import ClaimFactory
from tests.faults import scripted_server

pytestmark = pytest.mark.django_db(transaction=True)

CALLS: list[dict] = []


def record(**kwargs) -> None:
    """A task for these tests: notes its arguments."""
    CALLS.append(kwargs)


def explode(**kwargs) -> None:
    raise OSError("mail server refused")


@pytest.fixture(autouse=True)
def in_process(monkeypatch, settings):
    from factcheck.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)
    settings.FACTCHECK_RETRY_BACKOFF_SECONDS = 0
    CALLS.clear()


def test_a_rolled_back_write_queues_nothing_and_a_committed_one_runs_after_commit():
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue("tests.test_outbox.record", n=1)
        raise RuntimeError("the write failed")
    assert Message.objects.count() == 0 and CALLS == []

    with transaction.atomic():
        enqueue("tests.test_outbox.record", n=2)
        assert CALLS == []  # not before the commit
    assert CALLS == [{"n": 2}]
    assert Message.objects.get().state == "done"


def test_a_key_keeps_the_same_work_from_waiting_twice():
    with transaction.atomic():
        first = enqueue("tests.test_outbox.record", key="k", delay=60, n=1)
        second = enqueue("tests.test_outbox.record", key="k", delay=60, n=1)
    assert first is not None and second is None
    assert Message.objects.filter(key="k").count() == 1


def test_an_unknown_task_fails_the_write_that_asked_for_it():
    with pytest.raises(ImportError):
        enqueue("tests.test_outbox.no_such_task")


def test_a_failing_task_backs_off_then_fails_and_an_operator_retries_it(settings):
    settings.FACTCHECK_TASK_MAX_ATTEMPTS = 3
    enqueue("tests.test_outbox.explode")
    message = Message.objects.get()
    assert (message.state, message.attempts) == ("pending", 1)
    assert "mail server refused" in message.last_error
    for _ in range(3):
        outbox.relay()
    message.refresh_from_db()
    assert (message.state, message.attempts) == ("failed", 3)

    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("doctor", stdout=out)
    assert "FAIL outbox: 0 pending, 0 sent, 1 failed" in out.getvalue()

    call_command("relay_outbox", "--retry-failed", stdout=io.StringIO())
    message.refresh_from_db()
    assert message.state == "pending" and message.attempts == 1  # tried again at once


def test_a_duplicate_run_of_a_done_message_does_nothing():
    enqueue("tests.test_outbox.record", n=1)
    message = Message.objects.get()
    assert outbox.run_message(message.pk) == "skipped"
    assert CALLS == [{"n": 1}]


def test_the_sweep_links_claims_never_linked_and_archives_evidence_never_archived(editor, settings):
    settings.FACTCHECK_SWEEP_GRACE_SECONDS = 0
    # Stored before the outbox, or behind its back: nothing queued for them.
    claims = [ClaimFactory() for _ in range(3)]
    page = scripted_server([200])
    settings.FACTCHECK_FETCH_ALLOW = [f"127.0.0.1:{page.server_port}"]  # a public page
    evidence = workflow.add_evidence(
        claim_id=claims[0].pk,
        actor=editor,
        url=f"http://127.0.0.1:{page.server_port}/r",
        title="Record",
        archive=False,
    )
    assert Message.objects.count() == 0

    out = io.StringIO()
    call_command("finish_undone", stdout=out)

    assert "sweep_unlinked_claims: 3" in out.getvalue()
    assert "sweep_unarchived_evidence: 1" in out.getvalue()
    assert Claim.objects.filter(linked_at__isnull=True).count() == 0
    evidence.refresh_from_db()
    assert evidence.archive_state == "archived" and page.requests == 1
    # Nothing left: a second sweep queues nothing.
    out = io.StringIO()
    call_command("finish_undone", stdout=out)
    assert "sweep_unlinked_claims: 0, sweep_unarchived_evidence: 0" in out.getvalue()
    page.shutdown()


def test_stale_reviews_are_reminded_once_a_day(reviewer, editor, mailoutbox, settings):
    settings.FACTCHECK_REMIND_REVIEW_DAYS = 3
    settings.FACTCHECK_REMIND_APPROVAL_HOURS = 24
    waiting, fresh = ClaimFactory(), ClaimFactory()
    workflow.take(claim_id=waiting.pk, actor=reviewer)
    workflow.take(claim_id=fresh.pk, actor=reviewer)
    Claim.objects.filter(pk=waiting.pk).update(updated_at=timezone.now() - timedelta(days=4))

    call_command("finish_undone", stdout=io.StringIO())
    call_command("finish_undone", stdout=io.StringIO())

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [reviewer.email]
    assert f"#{waiting.pk}" in mail.body and f"#{fresh.pk}" not in mail.body


def test_doctor_and_healthz_pass_on_the_embedded_default():
    out = io.StringIO()
    call_command("doctor", stdout=out)
    assert out.getvalue().splitlines()[-1] == "all checks passed"
    response = Client().get("/healthz")
    assert response.status_code == 200 and response.json()["status"] == "ok"


def test_doctor_and_healthz_fail_when_the_broker_is_unreachable(monkeypatch):
    from factcheck.celery import app
    from tests.faults import free_port

    closed = f"redis://127.0.0.1:{free_port()}/0"
    # Celery reads the CELERY_BROKER_URL variable before its configuration.
    monkeypatch.setenv("CELERY_BROKER_URL", closed)
    monkeypatch.setitem(app.conf, "broker_url", closed)
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    app._pool = None
    out = io.StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("doctor", stdout=out)
    assert failed.value.returncode == 1
    assert "FAIL broker: unreachable" in out.getvalue()
    assert "FAIL worker: no heartbeat yet" in out.getvalue()
    response = Client().get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail" and body["checks"]["broker"]["ok"] is False
    assert "127.0.0.1" not in response.content.decode()  # no address in public output
    app._pool = None


def test_evidence_shows_its_archive_pending_then_failed_for_good(editor, claim, settings):
    settings.FACTCHECK_ARCHIVE_MAX_ATTEMPTS = 2
    page = scripted_server([404])
    settings.FACTCHECK_FETCH_ALLOW = [f"127.0.0.1:{page.server_port}"]  # a public page
    evidence = workflow.add_evidence(
        claim_id=claim.pk,
        actor=editor,
        url=f"http://127.0.0.1:{page.server_port}/gone",
        title="Gone",
    )
    evidence.refresh_from_db()
    # A 404 will not pass: failed at once, no retry.
    assert evidence.archive_state == Evidence.ArchiveState.FAILED
    assert evidence.archive_summary == "archive failed: HTTP 404" and page.requests == 1
    page.shutdown()
