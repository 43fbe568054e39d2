"""A webhook delivery whose Celery worker is killed (SIGKILL) while the receiver holds the
request: a private redis-server, real worker processes, a loopback receiver. The event
stays one delivery with one id; the next worker sends it again under that id, so the
receiver, dropping ids it has seen, accepts it once; the log shows the cut-off attempt
and the accepted one."""

from __future__ import annotations

import signal
import threading
import time

import pytest

from reviews import services as workflow
from reviews.webhooks.models import Delivery
from tests.conftest import client_for
from tests.factories import ClaimFactory
from tests.faults import (
    start_worker,
    stop,
    wait_for,
    webhook_receiver,
    worker_log,
)

pytestmark = [pytest.mark.broker, pytest.mark.django_db(transaction=True)]


def test_a_worker_killed_mid_delivery_does_not_double_it(redis, app_on, tmp_path, editor, reviewer):
    redis.start()
    app_on(redis.url)
    receiver = webhook_receiver([200])
    receiver.hold = threading.Event()  # the first request waits until the worker is dead
    answer = client_for(editor).post(
        "/api/v1/webhooks/", {"url": receiver.url, "events": ["claim.assigned"]}, format="json"
    )
    assert answer.status_code == 201
    claim = ClaimFactory()
    workflow.assign(claim_id=claim.pk, actor=editor, assignee=reviewer)
    (delivery,) = Delivery.objects.all()

    # A visibility timeout of 10 s gives a lease of 5 s and a request timeout of 4 s:
    # the kill comes well inside it.
    env = {"FACTCHECK_FETCH_ALLOW": receiver.host, "FACTCHECK_TASK_VISIBILITY_TIMEOUT": "10"}
    worker = start_worker(redis.url, tmp_path, **env)
    try:
        assert receiver.arrived.wait(60), worker_log(worker)
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
    finally:
        stop(worker)
    killed_at = time.monotonic()
    receiver.hold.set()  # the receiver takes the cut-off request; its answer goes nowhere
    receiver.hold = None
    delivery.refresh_from_db()
    assert delivery.state == "pending"
    assert list(delivery.log.values_list("outcome", flat=True)) == ["started"]

    worker = start_worker(redis.url, tmp_path, **env)
    try:
        wait_for(
            lambda: Delivery.objects.get().state == "delivered" or worker.poll() is not None,
            90,
            "the next worker to deliver it",
        )
        assert worker.poll() is None, worker_log(worker)
    finally:
        stop(worker)
        receiver.shutdown()
    recovered = time.monotonic() - killed_at

    delivery = Delivery.objects.get()
    ids = [headers["X-Factcheck-Delivery"] for headers, _ in receiver.received]
    assert ids == [str(delivery.delivery_id)] * 2  # sent twice, under one id
    assert receiver.accepted == [str(delivery.delivery_id)]  # accepted once
    assert list(delivery.log.values_list("number", "outcome")) == [
        (1, "interrupted"),
        (2, "accepted"),
    ]
    assert delivery.attempts == 2
    print(
        f"\nFIGURES webhook SIGKILL mid-delivery: deliveries=1, requests={len(ids)}, "
        f"accepted={len(receiver.accepted)}, attempts_logged={delivery.log.count()}, "
        f"recover_seconds={recovered:.1f}"
    )
