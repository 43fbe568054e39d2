"""Real processes for the fault tests: a private redis-server (on a port of this test run's
own, so killing it touches nothing else), Celery workers with beat and short timeouts,
a loopback web server whose answers a test scripts, and polling helpers."""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# A private Redis for outage tests listens on a port from this range (FAULT_PORTS, e.g.
# 18100-18199): one that is free when the test starts.
PORTS = os.environ.get("FAULT_PORTS", "18100-18199")


def free_port() -> int:
    low, high = (int(p) for p in PORTS.split("-"))
    # From a random place in the range: two test runs at once rarely pick the same port
    # in the moment between choosing it and starting a server on it.
    ports = list(range(low, high + 1))
    start = random.randrange(len(ports))
    for port in ports[start:] + ports[:start]:
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {PORTS}")


class Redis:
    """A redis-server of the test's own: start, kill (SIGKILL) and start again on one port."""

    def __init__(self, port: int, workdir: Path):
        self.port = port
        self.workdir = workdir
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.proc = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(lambda: self._answers(), 10, "the private redis-server to answer")

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)


def database_url() -> str:
    from django.db import connection

    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


# Short timeouts so a fault test recovers in seconds, not the production minute.
FAST = {
    "FACTCHECK_TASK_VISIBILITY_TIMEOUT": "6",
    "FACTCHECK_RELAY_INTERVAL": "1",
    "FACTCHECK_SWEEP_INTERVAL": "3600",
    "FACTCHECK_RETRY_BACKOFF_SECONDS": "0.2",
    # A worker SIGKILLed between Redis' BRPOP and kombu's record of the unacknowledged task
    # loses that task from the broker; the outbox re-sends such a message after this long.
    "FACTCHECK_OUTBOX_STALE_SECONDS": "30",
}


def start_worker(broker: str, tmp: Path, *, beat: bool = True, **env) -> subprocess.Popen:
    """`celery worker --beat` (or without the beat: run exactly one) in its own process on
    the test database and `broker`."""
    environ = {
        **os.environ,
        **FAST,
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": broker,
        **{k: str(v) for k, v in env.items()},
    }
    log = open(tmp / f"worker-{time.monotonic_ns()}.log", "w")  # noqa: SIM115 (kept open for the process)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "factcheck",
            "worker",
            *(["--beat", f"--schedule={tmp / 'beat-schedule'}"] if beat else []),
            "--pool=solo",
            "--concurrency=1",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=environ,
        stdout=log,
        stderr=subprocess.STDOUT,
        # Its own process group: `--beat` runs the beat in a child process, which a test's
        # SIGKILL of the worker leaves running; stop() ends the whole group.
        start_new_session=True,
    )
    proc.log_path = log.name  # type: ignore[attr-defined]
    return proc


def worker_log(proc: subprocess.Popen) -> str:
    return Path(proc.log_path).read_text()[-6000:]  # type: ignore[attr-defined]


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    # What is left of its group (the embedded beat of a worker killed on purpose) would go
    # on sending periodic tasks to whichever broker next takes that port.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)


def wait_for(condition: Callable[[], object], seconds: float, what: str, *, every=0.2):
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {seconds} s waiting for {what}")
        time.sleep(every)


class Script(BaseHTTPRequestHandler):
    """Answers each GET with the next status of the server's script (the last repeats)."""

    def do_GET(self):
        server = self.server
        with server.lock:
            server.requests += 1
            at = min(server.requests, len(server.script)) - 1
            status = server.script[at]
        body = b"<html><body><p>141 in favour, 35 abstentions.</p></body></html>"
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def scripted_server(script: list[int]) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Script)
    server.script = list(script)
    server.requests = 0
    server.lock = threading.Lock()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class Hook(BaseHTTPRequestHandler):
    """A webhook receiver: answers each POST with the next status of the server's script
    (the last repeats), after waiting for `server.hold` when one is set (to have a
    sender killed mid-request); records every request, and the delivery ids it accepted,
    each once, as a receiver that drops duplicates does."""

    def do_POST(self):
        server = self.server
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        with server.lock:
            server.received.append((dict(self.headers.items()), body))
            at = min(len(server.received), len(server.script)) - 1
            status = server.script[at]
            hold = server.hold
        server.arrived.set()
        if hold is not None:
            hold.wait(60)
        delivery = self.headers.get("X-Factcheck-Delivery", "")
        with server.lock:
            if 200 <= status < 300 and delivery not in server.accepted:
                server.accepted.append(delivery)
        try:
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")
        except OSError:
            pass  # the sender is gone (killed mid-request)

    def log_message(self, *args):
        pass


def webhook_receiver(script: list[int]) -> ThreadingHTTPServer:
    """A loopback receiver (see Hook); `.url`, `.received`, `.accepted`, `.hold`."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    server.script = list(script)
    server.received = []
    server.accepted = []
    server.hold = None
    server.arrived = threading.Event()
    server.lock = threading.Lock()
    server.url = f"http://127.0.0.1:{server.server_port}/hook"
    server.host = f"127.0.0.1:{server.server_port}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
