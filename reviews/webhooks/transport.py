"""How a delivery leaves the machine: one POST through the project's guarded fetcher
(factcheck.fetch), which refuses loopback, private and other special addresses (unless
FACTCHECK_FETCH_ALLOW names them) and checks where every hop resolves. Only this module
knows the fetcher's interface."""

from __future__ import annotations

from dataclasses import dataclass

from factcheck import fetch


class Refused(Exception):
    """The fetcher will not send to this url (scheme, address, a redirect): final."""


class Unreachable(Exception):
    """No answer (connection, timeout, TLS): it may pass."""


@dataclass
class Answer:
    status: int
    body: bytes


# What we read of a receiver's answer: its status matters, its body only for the log.
ANSWER_MAX_BYTES = 64_000


def post(url: str, *, body: bytes, headers: dict[str, str], timeout: float) -> Answer:
    """POST `body`: the receiver's answer (any status), or Refused, or Unreachable."""
    try:
        # No redirects: a 30x would turn the POST into a GET elsewhere; the receiver
        # registers the url it answers on.
        answer = fetch.fetch(
            url,
            method="POST",
            body=body,
            headers=headers,
            timeout=timeout,
            max_bytes=ANSWER_MAX_BYTES,
            max_redirects=0,
        )
    except fetch.FetchRefused as refused:
        raise Refused(refused.reason) from None
    except fetch.FetchFailed as failed:
        raise Unreachable(failed.reason) from None
    return Answer(answer.status, answer.body)
