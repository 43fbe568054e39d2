"""Webhooks in process (the embedded default runs the outbox's tasks after commit) against
a receiver on loopback: signed deliveries the receiver checks with the secret, retries
that end in one accepted delivery with every attempt logged, one delivery per event and
hook, the events at the one place each happens, pausing after failing for the window,
and who may see and change which hooks. (A worker killed mid-delivery:
test_webhook_faults.py.)"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from claims.loading import Source, article_from_mapping, load_articles
from claims.services import create_submitted_claim
from factcheck.outbox import services as outbox
from factcheck.outbox.models import Message
from reviews import services as workflow
from reviews.webhooks import services as hooks
from reviews.webhooks.models import Attempt, Delivery, Webhook
from tests.conftest import client_for
from tests.factories import ClaimFactory
from tests.faults import wait_for, webhook_receiver

pytestmark = pytest.mark.django_db(transaction=True)

ALL = [
    "claim.created",
    "claim.assigned",
    "claim.proposed",
    "claim.published",
    "claim.corrected",
    "claim.withdrawn",
    "claim.dismissed",
]


@pytest.fixture(autouse=True)
def in_process(monkeypatch, settings):
    from factcheck.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)
    settings.FACTCHECK_RETRY_BACKOFF_SECONDS = 0
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def receiver(settings):
    servers = []

    def start(script=(200,), *, allowed=True):
        server = webhook_receiver(list(script))
        servers.append(server)
        if allowed:  # the fetcher's allow-list lets this loopback receiver through
            settings.FACTCHECK_FETCH_ALLOW = [server.host]
        return server

    yield start
    for server in servers:
        server.shutdown()


def register(editor, url: str, events=ALL) -> tuple[int, str]:
    answer = client_for(editor).post(
        "/api/v1/webhooks/", {"url": url, "events": events}, format="json"
    )
    assert answer.status_code == 201, answer.content
    return answer.json()["id"], answer.json()["secret"]


def verify_like_a_receiver(secret: str, headers: dict, body: bytes) -> bool:
    """The README's recipe, written out: split the header, HMAC "t.body", compare."""
    parts = dict(item.split("=", 1) for item in headers["X-Factcheck-Signature"].split(","))
    expected = hmac.new(
        secret.encode(), parts["t"].encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    fresh = abs(time.time() - int(parts["t"])) < 300
    return fresh and hmac.compare_digest(expected, parts["v1"])


def settle(what: str = "the deliveries to settle") -> None:
    """Run what is due (retries back off 0 s here) until no delivery waits."""

    def settled():
        outbox.relay()
        return not Delivery.objects.filter(state="pending").exists()

    wait_for(settled, 20, what, every=0.05)


# -- signed, retried, logged ---------------------------------------------------------------


def test_a_delivery_is_signed_with_the_hooks_secret_and_names_its_event(
    receiver, editor, reviewer, claim
):
    server = receiver([200])
    hook_id, secret = register(editor, server.url, ["claim.assigned"])
    assert secret.startswith("whsec_")

    workflow.assign(claim_id=claim.pk, actor=editor, assignee=reviewer)

    (headers, body), *more = server.received
    assert more == []
    assert verify_like_a_receiver(secret, headers, body)
    assert not verify_like_a_receiver("whsec_someone-else", headers, body)
    tampered = body.replace(b"claim.assigned", b"claim.dismissed")
    assert not verify_like_a_receiver(secret, headers, tampered)
    document = json.loads(body)
    delivery = Delivery.objects.get()
    assert headers["X-Factcheck-Event"] == document["event"] == "claim.assigned"
    assert headers["X-Factcheck-Delivery"] == document["id"] == str(delivery.delivery_id)
    assert document["data"]["claim"]["id"] == claim.pk
    assert document["data"]["transition"]["action"] == "assign"
    assert delivery.state == "delivered" and delivery.hook_id == hook_id


def test_a_receiver_that_fails_twice_then_succeeds_gets_one_delivery_and_three_logged_attempts(
    receiver, editor, reviewer, claim
):
    server = receiver([500, 503, 200])
    hook_id, _ = register(editor, server.url, ["claim.assigned"])

    workflow.assign(claim_id=claim.pk, actor=editor, assignee=reviewer)
    settle()

    delivery = Delivery.objects.get()
    assert delivery.state == "delivered" and delivery.attempts == 3
    ids = {headers["X-Factcheck-Delivery"] for headers, _ in server.received}
    assert len(server.received) == 3 and ids == {str(delivery.delivery_id)}
    assert server.accepted == [str(delivery.delivery_id)]
    # Every attempt sends the same bytes; only the signature's timestamp may differ.
    assert len({body for _, body in server.received}) == 1
    log = list(delivery.log.values_list("number", "outcome", "status_code"))
    assert log == [(1, "rejected", 500), (2, "rejected", 503), (3, "accepted", 200)]
    assert all(a.duration_ms is not None and a.started_at for a in delivery.log.all())

    # The API shows the same log to the hook's owner.
    answer = client_for(editor).get(f"/api/v1/webhooks/{hook_id}/deliveries/")
    assert answer.status_code == 200
    (shown,) = answer.json()["results"]
    assert shown["state"] == "delivered" and shown["attempts"] == 3
    assert [(a["outcome"], a["status_code"]) for a in shown["attempts_log"]] == [
        ("rejected", 500),
        ("rejected", 503),
        ("accepted", 200),
    ]
    # Nothing is left failed for an operator: the outbox's messages are done.
    assert not Message.objects.exclude(state="done").exists()


def test_a_delivered_delivery_run_again_sends_nothing(receiver, editor, reviewer, claim):
    from reviews.webhooks.tasks import deliver

    server = receiver([200])
    register(editor, server.url, ["claim.assigned"])
    workflow.assign(claim_id=claim.pk, actor=editor, assignee=reviewer)
    delivery = Delivery.objects.get()
    assert deliver(delivery.pk) == "skipped"
    assert len(server.received) == 1 and delivery.log.count() == 1


def test_one_event_makes_one_delivery_per_hook_never_two(receiver, editor, reviewer, claim):
    server = receiver([200])
    first, _ = register(editor, server.url, ["claim.assigned"])
    second, _ = register(editor, server.url + "/other", ["claim.assigned", "claim.dismissed"])
    workflow.assign(claim_id=claim.pk, actor=editor, assignee=reviewer)
    assert sorted(Delivery.objects.values_list("hook_id", flat=True)) == [first, second]
    existing = Delivery.objects.get(hook_id=first)
    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.create(
            hook_id=first, event=existing.event, event_key=existing.event_key, payload={}
        )
    assert Delivery.objects.count() == 2


def test_an_unreachable_receiver_is_logged_and_tried_again(receiver, editor, reviewer, claim):
    server = receiver([200])
    dead = server.url.replace(str(server.server_port), str(server.server_port))
    server.shutdown()
    server.server_close()
    register(editor, dead, ["claim.assigned"])
    workflow.assign(claim_id=claim.pk, actor=editor, assignee=reviewer)
    delivery = Delivery.objects.get()
    assert delivery.state == "pending" and delivery.attempts == 1
    attempt = delivery.log.get()
    assert attempt.outcome == "unreachable" and attempt.status_code is None
    message = Message.objects.get(task="reviews.webhooks.tasks.deliver")
    assert message.state == "pending" and message.attempts == 1  # due again, backing off


def test_a_loopback_url_without_the_allow_list_is_refused_logged_and_not_retried(
    receiver, editor, reviewer, claim, settings
):
    server = receiver([200], allowed=False)
    settings.FACTCHECK_FETCH_ALLOW = []
    register(editor, server.url, ["claim.assigned"])
    workflow.assign(claim_id=claim.pk, actor=editor, assignee=reviewer)

    assert server.received == []  # nothing reached it
    delivery = Delivery.objects.get()
    assert delivery.state == "failed" and delivery.attempts == 1
    attempt = delivery.log.get()
    assert attempt.outcome == "refused" and attempt.status_code is None
    assert "loopback" in attempt.error and "127.0.0.1" in attempt.error
    assert delivery.last_error == attempt.error
    # Final: the outbox's message is done (nothing to retry, nothing failed for doctor).
    assert Message.objects.get(task="reviews.webhooks.tasks.deliver").state == "done"
    outbox.relay()
    assert Delivery.objects.get().attempts == 1


# -- the events, where they happen ---------------------------------------------------------


def _draft_and_propose(claim, reviewer, rating, summary: str) -> None:
    workflow.save_verdict_draft(
        claim_id=claim.pk, actor=reviewer, rating=rating, summary=summary, rationale="R."
    )
    workflow.propose(claim_id=claim.pk, actor=reviewer)


def test_each_workflow_event_is_sent_once_in_order(receiver, editor, reviewer, rating):
    server = receiver([200])
    register(editor, server.url)
    claim = ClaimFactory()
    workflow.take(claim_id=claim.pk, actor=reviewer)
    workflow.add_evidence(
        claim_id=claim.pk,
        actor=reviewer,
        url="https://records.example/un",
        title="Record",
        archive=False,
    )
    _draft_and_propose(claim, reviewer, rating, "S.")
    workflow.publish(claim_id=claim.pk, actor=editor)
    workflow.reopen(claim_id=claim.pk, actor=editor, reason="A new figure.")
    _draft_and_propose(claim, reviewer, rating, "S2.")
    workflow.publish(claim_id=claim.pk, actor=editor, correction_note="Fixed the figure.")
    workflow.withdraw(claim_id=claim.pk, actor=editor, note="Source retracted.")
    other = ClaimFactory()
    workflow.dismiss(claim_id=other.pk, actor=editor, reason="Opinion.")

    events = [json.loads(body)["event"] for _, body in server.received]
    assert events == [
        "claim.assigned",
        "claim.proposed",
        "claim.published",
        "claim.proposed",
        "claim.corrected",
        "claim.withdrawn",
        "claim.dismissed",
    ]
    corrected = json.loads(server.received[4][1])["data"]
    assert corrected["verdict"]["correction_note"] == "Fixed the figure."
    withdrawn = json.loads(server.received[5][1])["data"]
    assert withdrawn["verdict"]["withdrawal_note"] == "Source retracted."
    assert withdrawn["claim"]["public_url"].endswith(f"/claims/{claim.pk}/")
    assert Delivery.objects.count() == 7


def test_a_hook_gets_only_the_events_it_asked_for(receiver, editor, reviewer, claim):
    server = receiver([200])
    register(editor, server.url, ["claim.dismissed"])
    workflow.assign(claim_id=claim.pk, actor=editor, assignee=reviewer)
    assert server.received == [] and Delivery.objects.count() == 0


def test_new_claims_are_announced_in_the_transaction_that_stores_them(receiver, editor):
    server = receiver([200])
    register(editor, server.url, ["claim.created"])

    with pytest.raises(RuntimeError), transaction.atomic():
        create_submitted_claim(
            text="Bread costs twice what it did.", source_url="https://a.example/"
        )
        raise RuntimeError("the write failed")
    assert Delivery.objects.count() == 0 and server.received == []

    submitted = create_submitted_claim(
        text="Bread costs twice what it did.", source_url="https://a.example/"
    )
    body = {
        "url": "https://feed.example/1",
        "title": "Vote",
        "outlet": "Wire",
        "text": "Intro. The minister said 35 countries abstained on the vote. Bye.",
        "claims": [{"text": "The minister said 35 countries abstained on the vote."}],
    }
    results = list(load_articles([Source(where="feed:1", data=article_from_mapping(body, "f"))]))
    assert results[0].outcome == "new"
    loaded = results[0].claim_ids
    announced = [json.loads(b)["data"]["claim"]["id"] for _, b in server.received]
    assert sorted(announced) == sorted([submitted.pk, *loaded])
    assert {json.loads(b)["event"] for _, b in server.received} == {"claim.created"}


# -- paused after failing for the window, then resumed --------------------------------------


def test_a_hook_failing_for_the_window_is_paused_its_owner_told_and_resume_sends_the_held(
    receiver, editor, reviewer, settings, mailoutbox
):
    settings.FACTCHECK_WEBHOOK_PAUSE_SECONDS = 3600
    server = receiver([500])
    hook_id, _ = register(editor, server.url, ["claim.assigned"])
    first, second = ClaimFactory(), ClaimFactory()
    workflow.assign(claim_id=first.pk, actor=editor, assignee=reviewer)
    assert Webhook.objects.get().failing_since is not None
    # An hour of failures later (the first failure is moved back, not the clock on).
    Webhook.objects.update(failing_since=timezone.now() - timedelta(hours=1, seconds=1))
    outbox.relay()

    hook = Webhook.objects.get()
    assert hook.is_paused and "failed since" in hook.paused_reason
    assert Delivery.objects.get().state == "held"
    (mail,) = [m for m in mailoutbox if "Webhook" in m.subject]
    assert mail.to == [editor.email] and hook.url in mail.body
    # While paused nothing is sent; what happens is kept.
    sent = len(server.received)
    workflow.assign(claim_id=second.pk, actor=editor, assignee=reviewer)
    assert len(server.received) == sent
    assert list(Delivery.objects.values_list("state", flat=True)) == ["held", "held"]

    server.script = [200]
    answer = client_for(editor).post(f"/api/v1/webhooks/{hook_id}/resume/")
    assert answer.status_code == 200 and answer.json() == {"queued": 2}
    settle()
    assert sorted(Delivery.objects.values_list("state", flat=True)) == ["delivered"] * 2
    assert not Webhook.objects.get().is_paused


# -- who may do what ------------------------------------------------------------------------


def test_only_editors_register_hooks_and_each_sees_only_their_own(
    editor, other_editor, reviewer, outsider
):
    for user in (reviewer, outsider):
        answer = client_for(user).post(
            "/api/v1/webhooks/", {"url": "https://cms.example/in", "events": ALL}, format="json"
        )
        assert answer.status_code == 403
        assert answer.json()["error"]["code"] == "permission_denied"
    assert client_for().get("/api/v1/webhooks/").status_code == 401

    mine, _ = register(editor, "https://cms.example/in")
    theirs, _ = register(other_editor, "https://other.example/in", ["claim.published"])
    listed = client_for(editor).get("/api/v1/webhooks/").json()["results"]
    assert [h["id"] for h in listed] == [mine]
    assert "secret" not in listed[0]
    assert "secret" not in client_for(editor).get(f"/api/v1/webhooks/{mine}/").json()
    for path in ("", "deliveries/"):
        assert client_for(editor).get(f"/api/v1/webhooks/{theirs}/{path}").status_code == 404
    assert client_for(editor).delete(f"/api/v1/webhooks/{theirs}/").status_code == 404
    assert client_for(editor).post(f"/api/v1/webhooks/{theirs}/resume/").status_code == 404
    assert Webhook.objects.count() == 2


def test_bad_hooks_are_refused_in_the_error_format(editor):
    client = client_for(editor)
    for body, field in (
        ({"url": "ftp://cms.example/in", "events": ALL}, "url"),
        ({"url": "https://cms.example/in", "events": []}, "events"),
        ({"url": "https://cms.example/in", "events": ["claim.eaten"]}, "events"),
        ({"events": ALL}, "url"),
    ):
        answer = client.post("/api/v1/webhooks/", body, format="json")
        assert answer.status_code == 400, body
        assert field in answer.json()["error"]["fields"]
    assert Webhook.objects.count() == 0


def test_a_new_secret_signs_the_next_attempts(receiver, editor, reviewer, claim):
    server = receiver([200])
    hook_id, old = register(editor, server.url, ["claim.assigned"])
    answer = client_for(editor).post(f"/api/v1/webhooks/{hook_id}/rotate-secret/")
    new = answer.json()["secret"]
    assert new != old
    workflow.assign(claim_id=claim.pk, actor=editor, assignee=reviewer)
    headers, body = server.received[0]
    assert verify_like_a_receiver(new, headers, body)
    assert not verify_like_a_receiver(old, headers, body)


def test_the_hook_and_delivery_lists_take_fixed_queries(
    receiver, editor, reviewer, django_assert_num_queries
):
    server = receiver([500, 200])
    hook_id, _ = register(editor, server.url, ["claim.assigned"])
    register(editor, "https://cms.example/in", ["claim.published"])
    client = client_for(editor)

    def count(path: str) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        return len(queries)

    few_hooks = count("/api/v1/webhooks/")
    workflow.assign(claim_id=ClaimFactory().pk, actor=editor, assignee=reviewer)
    few = count(f"/api/v1/webhooks/{hook_id}/deliveries/")
    for _ in range(4):
        workflow.assign(claim_id=ClaimFactory().pk, actor=editor, assignee=reviewer)
    settle()
    register(editor, "https://third.example/in", ["claim.published"])
    assert count("/api/v1/webhooks/") == few_hooks
    assert count(f"/api/v1/webhooks/{hook_id}/deliveries/") == few
    assert Attempt.objects.count() > Delivery.objects.count() == 5


def test_the_admin_shows_the_secret_once_and_each_editor_their_own_hooks(editor, other_editor):
    editor.is_staff = True
    editor.save(update_fields=["is_staff"])
    client = Client()
    client.force_login(editor)
    answer = client.post(
        "/admin/webhooks/webhook/add/",
        {"url": "https://cms.example/in", "events": ["claim.published"], "description": "CMS"},
        follow=True,
    )
    assert answer.status_code == 200
    hook = Webhook.objects.get()
    assert hook.owner == editor
    assert hook.secret in answer.content.decode()
    assert (
        hook.secret not in client.get(f"/admin/webhooks/webhook/{hook.pk}/change/").content.decode()
    )
    hooks.create_webhook(
        actor=other_editor, url="https://other.example/in", events=["claim.created"]
    )
    page = client.get("/admin/webhooks/webhook/").content.decode()
    assert "cms.example" in page and "other.example" not in page
