"""A real Celery worker process, a real Redis broker, a task that writes a row."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from reviews import services
from reviews.models import Evidence
from tests.conftest import stop_worker

pytestmark = pytest.mark.broker


class Page(BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"<html><body><script>x()</script><p>141 in favour, 35 abstentions.</p></body>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def page_url(monkeypatch):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    # It stands for a public page: let the worker (started after this) fetch it.
    monkeypatch.setenv("FACTCHECK_FETCH_ALLOW", f"127.0.0.1:{server.server_port}")
    yield f"http://127.0.0.1:{server.server_port}/record"
    server.shutdown()


def test_worker_archives_evidence_queued_by_the_service(
    transactional_db, page_url, worker, editor, claim
):
    evidence = services.add_evidence(
        claim_id=claim.pk,
        actor=editor,
        url=page_url,
        title="The UN's record",
        kind=Evidence.Kind.OFFICIAL_RECORD,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        evidence.refresh_from_db()
        if evidence.archived_at is not None:
            break
        assert worker.poll() is None, worker.stdout.read()
        time.sleep(0.25)
    if not (evidence.archived_at is not None):
        pytest.fail(
            f"the worker did not archive the page within 60 s; its log:\n{stop_worker(worker)}"
        )
    assert evidence.archive_status == 200
    assert "35 abstentions" in evidence.archive_text
    assert "x()" not in evidence.archive_text
    assert len(evidence.archive_hash) == 64
