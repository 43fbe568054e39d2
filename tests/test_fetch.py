"""Server-side request forgery, tried as an attacker would: evidence whose url points at
this machine, its network or a cloud metadata address, a page that redirects there, other
schemes, an endless or huge answer, a server that never finishes. Real listeners on
loopback record whether anything reached them: the refused ones never are."""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from factcheck import fetch as guarded
from reviews import services
from reviews.models import Evidence

pytestmark = pytest.mark.django_db(transaction=True)


class Receiver(BaseHTTPRequestHandler):
    """Records every request (path and Host header); answers as its server's `mode` says."""

    protocol_version = "HTTP/1.1"

    def do_GET(self):
        server = self.server
        with server.lock:
            server.hits.append((self.path, self.headers.get("Host")))
        mode = server.mode
        if mode == "redirect":
            self.send_response(302)
            self.send_header("Location", server.location)
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif mode == "huge":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(server.size))
            self.end_headers()
            self.wfile.write(b"x" * server.size)
        elif mode == "endless":  # chunked, no length said: only reading tells the size
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            chunk = b"y" * 65536
            try:
                while not server.stopped.is_set():
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            except OSError:
                pass
        elif mode == "drip":  # a byte at a time: never idle long enough for a read timeout
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            try:
                while not server.stopped.wait(0.05):
                    self.wfile.write(b"z")
                    self.wfile.flush()
            except OSError:
                pass
        else:
            body = b"<html><body><p>secret admin page</p></body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    def log_message(self, *args):
        pass


def receiver(mode: str = "page", **kw) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    server.daemon_threads = True
    server.hits = []
    server.lock = threading.Lock()
    server.stopped = threading.Event()
    server.mode = mode
    for k, v in kw.items():
        setattr(server, k, v)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def servers():
    started: list[ThreadingHTTPServer] = []

    def start(mode: str = "page", **kw) -> ThreadingHTTPServer:
        server = receiver(mode, **kw)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stopped.set()
        server.shutdown()
        server.server_close()


@pytest.fixture(autouse=True)
def in_process(monkeypatch, settings):
    """Archives run here, at once (the worker runs the same function: test_faults)."""
    from factcheck.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)
    settings.FACTCHECK_RETRY_BACKOFF_SECONDS = 0
    settings.FACTCHECK_FETCH_ALLOW = []


def archive(claim, editor, url: str) -> Evidence:
    evidence = services.add_evidence(claim_id=claim.pk, actor=editor, url=url, title="Source")
    evidence.refresh_from_db()
    return evidence


# -- this machine, its network, the cloud's metadata service ----------------------------


def test_an_archive_of_a_loopback_url_is_refused_and_never_reaches_it(servers, editor, claim):
    target = servers()
    evidence = archive(claim, editor, f"http://127.0.0.1:{target.server_port}/admin/")
    assert evidence.archive_state == Evidence.ArchiveState.FAILED  # final: never retried
    assert evidence.archive_error == "refused: 127.0.0.1 is a loopback address"
    assert evidence.archive_summary == "archive failed: refused: 127.0.0.1 is a loopback address"
    assert evidence.archive_text == "" and evidence.archive_status is None
    assert evidence.archive_attempts == 1
    assert target.hits == []


@pytest.mark.parametrize(
    ("host", "said"),
    [
        ("localhost", "localhost resolves to 127.0.0.1, a loopback address"),
        ("127.1", "127.1 resolves to 127.0.0.1, a loopback address"),
        ("2130706433", "2130706433 resolves to 127.0.0.1, a loopback address"),
        ("0.0.0.0", "0.0.0.0 is an unspecified address"),  # noqa: S104 (Linux connects it to loopback)
        ("[::ffff:127.0.0.1]", "::ffff:127.0.0.1 is a loopback address (127.0.0.1)"),
        ("LOCALHOST.", "localhost resolves to 127.0.0.1, a loopback address"),
    ],
)
def test_other_spellings_of_this_machine_are_refused(servers, host, said):
    # Straight to the fetcher: the evidence form refuses some of these as urls already,
    # but a webhook url or a redirect's Location may still carry them.
    target = servers()
    with pytest.raises(guarded.FetchRefused) as refused:
        guarded.fetch(f"http://{host}:{target.server_port}/admin/")
    assert refused.value.reason == said
    assert target.hits == []


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"),
        ("http://10.0.0.7:8080/", "10.0.0.7 is a private address"),
        ("http://192.168.1.1/", "192.168.1.1 is a private address"),
        ("http://172.16.0.1/", "172.16.0.1 is a private address"),
        ("http://100.64.0.1/", "100.64.0.1 is a non-public address"),
        ("http://[::1]/", "::1 is a loopback address"),
        ("http://[fe80::1]/", "fe80::1 is a link-local address"),
        ("http://[fd00::1]/", "fd00::1 is a private address"),
        ("http://224.0.0.1/", "224.0.0.1 is a multicast address"),
        (
            "http://[64:ff9b::a9fe:a9fe]/",
            "64:ff9b::a9fe:a9fe is a link-local address (169.254.169.254)",
        ),
        ("https://0.0.0.0/", "0.0.0.0 is an unspecified address"),
    ],
)
def test_private_link_local_and_metadata_addresses_are_refused(editor, claim, url, said):
    evidence = archive(claim, editor, url)
    assert evidence.archive_state == Evidence.ArchiveState.FAILED
    assert evidence.archive_error == f"refused: {said}"


def test_a_name_with_any_private_address_is_refused(monkeypatch):
    # DNS is outside the machine: an attacker's name answering a public and a loopback
    # address is refused whichever the connection would have used.
    def resolve(host, port, *args, **kwargs):
        assert host == "mixed.example"
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port)),
        ]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    with pytest.raises(guarded.FetchRefused) as refused:
        guarded.fetch("http://mixed.example/")
    assert refused.value.reason == "mixed.example resolves to 127.0.0.1, a loopback address"


def test_the_connection_goes_to_the_checked_address_with_the_urls_host(
    servers, settings, monkeypatch
):
    # A resolver that answers differently the second time (DNS rebinding) cannot swap
    # the address: the name is resolved once, and that address is the one connected to.
    target = servers()
    settings.FACTCHECK_FETCH_ALLOW = [f"rebind.example:{target.server_port}"]
    answers = iter(["127.0.0.1", "10.9.9.9"])
    real = socket.getaddrinfo

    def resolve(host, port, *args, **kwargs):
        if host == "rebind.example":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    response = guarded.fetch(f"http://rebind.example:{target.server_port}/page")
    assert response.status == 200 and b"secret admin page" in response.body
    assert target.hits == [("/page", f"rebind.example:{target.server_port}")]


# -- redirects -------------------------------------------------------------------------


def test_a_redirect_to_loopback_is_refused_and_its_target_never_reached(
    servers, settings, editor, claim
):
    inside = servers()
    inside_url = f"http://127.0.0.1:{inside.server_port}/admin/"
    outside = servers("redirect", location=inside_url)
    # The first hop stands for a public page (allowed by name); where it sends us is not.
    settings.FACTCHECK_FETCH_ALLOW = [f"localhost:{outside.server_port}"]
    evidence = archive(claim, editor, f"http://localhost:{outside.server_port}/story")
    assert evidence.archive_state == Evidence.ArchiveState.FAILED
    assert evidence.archive_error == "refused: 127.0.0.1 is a loopback address"
    assert [path for path, _ in outside.hits] == ["/story"]
    assert inside.hits == []


def test_a_redirect_to_another_port_of_an_allowed_host_is_refused(servers, settings):
    inside = servers()
    outside = servers("redirect", location=f"http://localhost:{inside.server_port}/")
    settings.FACTCHECK_FETCH_ALLOW = [f"localhost:{outside.server_port}"]
    with pytest.raises(guarded.FetchRefused, match="loopback"):
        guarded.fetch(f"http://localhost:{outside.server_port}/")
    assert inside.hits == []


def test_redirects_are_followed_to_at_most_five_hops(servers, settings):
    loop = servers("redirect", location="/again")
    settings.FACTCHECK_FETCH_ALLOW = [f"127.0.0.1:{loop.server_port}"]
    with pytest.raises(guarded.FetchRefused) as refused:
        guarded.fetch(f"http://127.0.0.1:{loop.server_port}/")
    assert refused.value.reason == "more than 5 redirects"
    assert len(loop.hits) == 6  # the first request and five redirects, then no more

    page = servers()
    settings.FACTCHECK_FETCH_ALLOW += [f"127.0.0.1:{page.server_port}"]
    hop = servers("redirect", location=f"http://127.0.0.1:{page.server_port}/there")
    settings.FACTCHECK_FETCH_ALLOW += [f"127.0.0.1:{hop.server_port}"]
    response = guarded.fetch(f"http://127.0.0.1:{hop.server_port}/here")
    assert response.status == 200 and response.url.endswith("/there")


# -- schemes, sizes, time --------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("file:///etc/passwd", "only http and https urls are fetched, not file:"),
        ("ftp://ftp.example/x", "only http and https urls are fetched, not ftp:"),
        ("gopher://127.0.0.1:6379/_FLUSHALL", "only http and https urls are fetched, not gopher:"),
        ("dict://127.0.0.1:6379/info", "only http and https urls are fetched, not dict:"),
        ("javascript:alert(1)", "only http and https urls are fetched, not javascript:"),
        ("//example.org/x", "only http and https urls are fetched, not a url without one"),
        ("http://user:pw@example.org/", "urls with credentials are not fetched"),
        ("http:///nohost", "the url has no host"),
    ],
)
def test_other_schemes_and_odd_urls_are_refused(url, said):
    with pytest.raises(guarded.FetchRefused) as refused:
        guarded.fetch(url)
    assert refused.value.reason == said


def test_an_oversize_answer_is_refused_at_the_cap(servers, settings, editor, claim):
    declared = servers("huge", size=settings.FACTCHECK_FETCH_MAX_BYTES + 1)
    endless = servers("endless")
    settings.FACTCHECK_FETCH_ALLOW = [
        f"127.0.0.1:{declared.server_port}",
        f"127.0.0.1:{endless.server_port}",
    ]
    assert settings.FACTCHECK_FETCH_MAX_BYTES == 5_000_000
    evidence = archive(claim, editor, f"http://127.0.0.1:{declared.server_port}/big")
    assert evidence.archive_state == Evidence.ArchiveState.FAILED
    assert evidence.archive_error == (
        "refused: the answer is 5000001 bytes, over the limit of 5000000"
    )
    # No length said: read up to the cap, then given up.
    with pytest.raises(guarded.FetchRefused) as refused:
        guarded.fetch(f"http://127.0.0.1:{endless.server_port}/")
    assert refused.value.reason == "the answer is over the limit of 5000000 bytes"


def test_a_slow_server_times_out_and_the_archive_says_so(servers, settings, editor, claim):
    drip = servers("drip")
    silent = socket.create_server(("127.0.0.1", 0))  # accepts, never answers
    settings.FACTCHECK_FETCH_ALLOW = [
        f"127.0.0.1:{drip.server_port}",
        f"127.0.0.1:{silent.getsockname()[1]}",
    ]
    settings.FACTCHECK_FETCH_TIMEOUT = 1
    settings.FACTCHECK_ARCHIVE_MAX_ATTEMPTS = 1
    try:
        with pytest.raises(guarded.FetchFailed) as failed:
            guarded.fetch(f"http://127.0.0.1:{drip.server_port}/")
        assert failed.value.reason == "timed out"
        evidence = archive(claim, editor, f"http://127.0.0.1:{silent.getsockname()[1]}/")
        assert evidence.archive_state == Evidence.ArchiveState.FAILED
        assert evidence.archive_error == "FetchFailed: timed out"
    finally:
        silent.close()


def test_an_allowed_loopback_page_is_archived(servers, settings, editor, claim):
    page = servers()
    settings.FACTCHECK_FETCH_ALLOW = [f"127.0.0.1:{page.server_port}"]
    evidence = archive(claim, editor, f"http://127.0.0.1:{page.server_port}/record")
    assert evidence.archive_state == Evidence.ArchiveState.ARCHIVED
    assert "secret admin page" in evidence.archive_text
    assert page.hits == [("/record", f"127.0.0.1:{page.server_port}")]


def test_no_other_module_opens_outside_urls():
    # One client for every outside url: a module that imported an HTTP library of its
    # own would walk around the address checks.
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    clients = {"urllib.request", "urllib3", "requests", "httpx", "http.client", "aiohttp"}
    offenders = []
    for folder in ("factcheck", "claims", "reviews"):
        for path in (root / folder).rglob("*.py"):
            if path == root / "factcheck" / "fetch.py" or "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                names = []
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module]
                for name in names:
                    if any(name == c or name.startswith(c + ".") for c in clients):
                        offenders.append(f"{path.relative_to(root)}: {name}")
    assert offenders == []
