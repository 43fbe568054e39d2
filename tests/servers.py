"""Real servers for the perimeter tests: gunicorn with several worker processes on the
test database, and a plain HTTP client that says what it got."""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

from tests.faults import ROOT, database_url, wait_for


def start_gunicorn(port: int, tmp: Path, *, workers: int = 2, **env) -> subprocess.Popen:
    """`gunicorn` (the production server, its config file) on 127.0.0.1:`port` with the
    test database; its access log names the worker process of each request."""
    environ = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "WEB_CONCURRENCY": str(workers),
        "BIND": f"127.0.0.1:{port}",
        **{k: str(v) for k, v in env.items()},
    }
    access = tmp / f"access-{port}.log"
    log = open(tmp / f"gunicorn-{port}.log", "w")  # noqa: SIM115 (kept open for the process)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            str(ROOT / "gunicorn.conf.py"),
            "--access-logfile",
            str(access),
            "--access-logformat",
            "%(p)s %(s)s %(r)s",
            "factcheck.wsgi:application",
        ],
        cwd=ROOT,
        env=environ,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    proc.log_path = log.name  # type: ignore[attr-defined]
    proc.access_path = access  # type: ignore[attr-defined]
    proc.port = port  # type: ignore[attr-defined]

    def answers() -> bool:
        assert proc.poll() is None, server_log(proc)
        try:
            return request(f"http://127.0.0.1:{port}/healthz").status > 0
        except OSError:
            return False

    wait_for(answers, 60, f"gunicorn on port {port} to answer")
    return proc


def server_log(proc: subprocess.Popen) -> str:
    return Path(proc.log_path).read_text()[-6000:]  # type: ignore[attr-defined]


def worker_pids(proc: subprocess.Popen) -> set[str]:
    """The worker processes that answered, from the access log."""
    lines = Path(proc.access_path).read_text().splitlines()  # type: ignore[attr-defined]
    return {line.split()[0] for line in lines if line.strip()}


class Answer:
    def __init__(self, status: int, headers: dict[str, str], body: bytes):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body)


def request(
    url: str,
    *,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
    timeout: float = 30,
) -> Answer:
    """One HTTP request to a test server (ours, on loopback), whatever its status."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return Answer(
            response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        )
    finally:
        conn.close()


def windows_spanned(started: float, ended: float, window: int) -> int:
    """How many fixed rate-limit windows a run touched (the limit applies per window)."""
    return int(ended // window) - int(started // window) + 1
