"""The signature on every delivery, and how a receiver checks it (README: Webhooks).

    X-Factcheck-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">

keyed with the hook's secret. The timestamp is signed with the body, so a captured
delivery replayed later fails the receiver's age check; the receiver compares in constant
time and drops a delivery id it has seen (X-Factcheck-Delivery)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

HEADER = "X-Factcheck-Signature"
DELIVERY_HEADER = "X-Factcheck-Delivery"
EVENT_HEADER = "X-Factcheck-Event"
# How old a signed timestamp a receiver should accept, by default (seconds).
TOLERANCE_SECONDS = 300


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    signed = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def header_value(secret: str, body: bytes, *, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"


def verify(
    secret: str,
    header: str,
    body: bytes,
    *,
    tolerance: int = TOLERANCE_SECONDS,
    now: float | None = None,
) -> bool:
    """What a receiver does: the header's v1 matches the body and its t is recent."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance:
        return False
    return hmac.compare_digest(parts.get("v1", ""), signature(secret, timestamp, body))
