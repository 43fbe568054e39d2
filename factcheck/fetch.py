"""The one client for outside URLs: every page, feed or webhook the app fetches or posts
goes through ``fetch()``, so a url a user typed cannot make the server reach itself or
its neighbours (server-side request forgery).

Each hop, the first and every redirect:
- only ``http`` and ``https``, no credentials in the url;
- the host is resolved here, and EVERY address it resolves to must be public (not
  loopback, private, link-local, multicast, reserved, unspecified, shared or otherwise
  not globally routable; IPv4 inside IPv6 is unwrapped and checked too);
- the connection goes to that checked address (the Host header and TLS SNI/certificate
  name stay the url's host), so a DNS answer that changes between the check and the
  connection (rebinding) cannot swap it;
- redirects are followed here, at most ``FACTCHECK_FETCH_MAX_REDIRECTS``, each checked.

The body is read up to ``FACTCHECK_FETCH_MAX_BYTES``; the whole exchange (connect, every
hop, the body) must finish within ``FACTCHECK_FETCH_TIMEOUT`` seconds.
``FACTCHECK_FETCH_ALLOW`` names hosts (``host`` or ``host:port``) let through whatever they
resolve to: for tests of a loopback receiver, or an intranet service an operator trusts.

Raises ``FetchRefused`` (the url or its answer is one we will not fetch: retrying will
not help) or ``FetchFailed`` (no answer, timeout, TLS error: it may pass). Any HTTP
status is an answer, returned in ``Response``.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import urllib3
from django.conf import settings
from urllib3.connection import HTTPConnection, HTTPSConnection

USER_AGENT = "factcheck/1.0 (+guarded fetcher)"
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
DEFAULT_PORTS = {"http": 80, "https": 443}
# NAT64 (RFC 6052) carries an IPv4 address in its last 32 bits.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class FetchError(Exception):
    """A fetch that gave no usable answer; ``reason`` reads as a sentence fragment."""

    def __init__(self, reason: str, *, url: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.url = url


class FetchRefused(FetchError):
    """We will not fetch this (scheme, address, size, redirects): final, never retried."""


class FetchFailed(FetchError):
    """The other side did not answer in time or properly: it may pass, retry later."""


@dataclass
class Response:
    status: int
    body: bytes
    url: str  # the last hop's url, after redirects
    headers: dict[str, str] = field(default_factory=dict)  # lower-cased names

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")


def fetch(
    url: str,
    *,
    method: str = "GET",
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float | None = None,
    max_bytes: int | None = None,
    max_redirects: int | None = None,
) -> Response:
    """Send one request to an outside url through the guards above and return its answer
    (any HTTP status). A 301/302/303 turns into a GET without body, as browsers do; a
    307/308 repeats the method and body."""
    timeout = settings.FACTCHECK_FETCH_TIMEOUT if timeout is None else timeout
    max_bytes = settings.FACTCHECK_FETCH_MAX_BYTES if max_bytes is None else max_bytes
    if max_redirects is None:
        max_redirects = settings.FACTCHECK_FETCH_MAX_REDIRECTS
    deadline = time.monotonic() + timeout
    method = method.upper()
    hops = 0
    while True:
        response = _one_hop(url, method, body, headers or {}, deadline, max_bytes)
        location = response.headers.get("location")
        if response.status not in REDIRECT_STATUSES or not location:
            return response
        hops += 1
        if hops > max_redirects:
            raise FetchRefused(f"more than {max_redirects} redirects", url=url)
        url = urljoin(url, location.strip())
        if response.status in (301, 302, 303) and method not in ("GET", "HEAD"):
            method, body = "GET", None


# -- one request ---------------------------------------------------------------------------


@dataclass
class _Target:
    scheme: str
    host: str  # as in the url, lower-cased, without brackets
    port: int
    path: str  # path and query, what the request line carries
    host_header: str


def _parse(url: str) -> _Target:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise FetchRefused(f"not a valid url ({error})", url=url) from None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        shown = f"{scheme}:" if scheme else "a url without one"
        raise FetchRefused(f"only http and https urls are fetched, not {shown}", url=url)
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise FetchRefused("the url has no host", url=url)
    if parts.username is not None or parts.password is not None:
        raise FetchRefused("urls with credentials are not fetched", url=url)
    if any(ord(c) < 33 or ord(c) == 127 for c in url):
        raise FetchRefused("the url contains spaces or control characters", url=url)
    port = port or DEFAULT_PORTS[scheme]
    shown = f"[{host}]" if ":" in host else host
    host_header = shown if port == DEFAULT_PORTS[scheme] else f"{shown}:{port}"
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return _Target(scheme, host, port, path, host_header)


def _allowed(target: _Target) -> bool:
    allow = {entry.strip().lower() for entry in settings.FACTCHECK_FETCH_ALLOW if entry.strip()}
    shown = f"[{target.host}]" if ":" in target.host else target.host
    return bool(
        allow & {target.host, shown, f"{target.host}:{target.port}", f"{shown}:{target.port}"}
    )


def forbidden_reason(address: str) -> str | None:
    """What kind of address this is when it must not be reached from here ("a loopback
    address"), or None when it is public."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            inner = forbidden_reason(str(embedded))
            if inner:
                return f"{inner} ({embedded})"
    for name, is_it in (
        ("an unspecified", ip.is_unspecified),
        ("a loopback", ip.is_loopback),
        ("a link-local", ip.is_link_local),
        ("a multicast", ip.is_multicast),
        ("a private", ip.is_private),
        ("a reserved", ip.is_reserved),
        ("a non-public", not ip.is_global),
    ):
        if is_it:
            return f"{name} address"
    return None


def _resolve(target: _Target, url: str) -> list[str]:
    try:
        infos = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise FetchFailed(f"cannot resolve {target.host} ({error})", url=url) from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not addresses:
        raise FetchFailed(f"cannot resolve {target.host}", url=url)
    return addresses


def _one_hop(
    url: str,
    method: str,
    body: bytes | None,
    headers: dict[str, str],
    deadline: float,
    max_bytes: int,
) -> Response:
    target = _parse(url)
    addresses = _resolve(target, url)
    if not _allowed(target):
        # Every address, not only the one we would pick: a name that resolves to a
        # public and a private address could be answered either way next time.
        for address in addresses:
            kind = forbidden_reason(address)
            if kind and address == target.host:
                raise FetchRefused(f"{address} is {kind}", url=url)
            if kind:
                raise FetchRefused(f"{target.host} resolves to {address}, {kind}", url=url)
    left = deadline - time.monotonic()
    if left <= 0:
        raise FetchFailed("timed out", url=url)
    address = addresses[0]
    if target.scheme == "https":
        conn = HTTPSConnection(
            address,
            target.port,
            timeout=left,
            cert_reqs="CERT_REQUIRED",
            # The certificate and SNI are the url's host's, though we connect by address.
            server_hostname=target.host,
            assert_hostname=target.host,
        )
    else:
        conn = HTTPConnection(address, target.port, timeout=left)
    sent = {"User-Agent": USER_AGENT, **headers, "Host": target.host_header}
    # A socket timeout bounds each read, not the exchange: a server that sends a byte
    # now and then (headers or body) would hold us for ever. At the deadline the socket
    # is shut, whatever is reading from it.
    watchdog = threading.Timer(left, _shut, args=(conn,))
    watchdog.daemon = True
    watchdog.start()
    try:
        conn.request(method, target.path, body=body, headers=sent, preload_content=False)
        raw = conn.getresponse()
        answer_headers = {k.lower(): v for k, v in raw.headers.items()}
        content = _read(raw, answer_headers, max_bytes, url)
    except FetchRefused:
        raise
    except Exception as error:
        if time.monotonic() >= deadline or isinstance(error, urllib3.exceptions.TimeoutError):
            raise FetchFailed("timed out", url=url) from None
        if isinstance(error, urllib3.exceptions.SSLError | ssl.SSLError):
            raise FetchFailed(f"TLS error ({error})", url=url) from None
        if isinstance(error, urllib3.exceptions.HTTPError | OSError | http.client.HTTPException):
            raise FetchFailed(f"no answer ({type(error).__name__})", url=url) from None
        raise
    finally:
        watchdog.cancel()
        conn.close()
    if time.monotonic() >= deadline:
        raise FetchFailed("timed out", url=url)
    return Response(status=raw.status, body=content, url=url, headers=answer_headers)


def _shut(conn: HTTPConnection) -> None:
    sock = getattr(conn, "sock", None)
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


def _read(raw, headers: dict[str, str], max_bytes: int, url: str) -> bytes:
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchRefused(
            f"the answer is {int(declared)} bytes, over the limit of {max_bytes}", url=url
        )
    chunks: list[bytes] = []
    size = 0
    while chunk := raw.read(64 * 1024):
        size += len(chunk)
        if size > max_bytes:
            raise FetchRefused(f"the answer is over the limit of {max_bytes} bytes", url=url)
        chunks.append(chunk)
    return b"".join(chunks)
