"""Rate limits that hold across processes and machines.

The client is the address the configured number of trusted proxies saw
(``FACTCHECK_TRUSTED_PROXIES``): with none, the socket's peer and ``X-Forwarded-For`` is
ignored, since anybody can write it; with N, the Nth address from the right of
``X-Forwarded-For``, the one the outermost trusted proxy appended.

Counting is a fixed window in the shared cache (Redis when ``CACHE_URL`` is set): one key
per client and window, created with ``add`` and counted with ``incr``, both atomic in
Redis, so several gunicorn workers or machines count each request once. DRF's own
throttles read a history list, append and write it back, which loses counts when two
processes do it at once.
"""

from __future__ import annotations

import ipaddress
import time

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from rest_framework import throttling


def client_ip(request: HttpRequest) -> str | None:
    """The client's address as the trusted proxies in front of us saw it; None when the
    request carries none (a unix socket, a request built by hand)."""
    peer = _address(request.META.get("REMOTE_ADDR", ""))
    proxies = settings.FACTCHECK_TRUSTED_PROXIES
    if proxies <= 0:
        return peer
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < proxies:
        # Fewer hops than proxies: the request did not come through them all, so the
        # header is the client's own words.
        return peer
    return _address(forwarded[-proxies]) or peer


def _address(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def hit(key: str, limit: int, window: int) -> tuple[bool, int]:
    """Count one request against ``limit`` per ``window`` seconds for ``key``: (allowed,
    seconds until the window ends)."""
    now = time.time()
    bucket = int(now // window)
    name = f"rl:{key}:{window}:{bucket}"
    # The key outlives its window a little, so it cannot expire between add and incr.
    count = _count(name, window + 60)
    retry_after = max(1, int((bucket + 1) * window - now + 0.999))
    return count <= limit, retry_after


def _count(name: str, timeout: int) -> int:
    """Count one more under `name` (made with `timeout` if missing) and return the count."""
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        # One round trip, where Django's add and incr take three (SET NX, EXISTS, INCRBY):
        # every API request pays it. MULTI/EXEC, so the key never exists without expiry.
        key = backend.make_and_validate_key(name)
        pipe = backend._cache.get_client(key, write=True).pipeline(transaction=True)
        pipe.set(key, 0, ex=timeout, nx=True)
        pipe.incr(key)
        return pipe.execute()[1]
    if cache.add(name, 1, timeout=timeout):
        return 1
    try:
        return cache.incr(name)
    except ValueError:  # evicted meanwhile: start again
        cache.add(name, 1, timeout=timeout)
        return 1


class _FixedWindow:
    """DRF throttle mixin: the client from ``client_ip`` and an atomic fixed window."""

    def get_ident(self, request) -> str:
        return client_ip(request)

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        allowed, self._retry_after = hit(key, self.num_requests, self.duration)
        return allowed

    def wait(self) -> float | None:
        return getattr(self, "_retry_after", None)


class AnonThrottle(_FixedWindow, throttling.AnonRateThrottle):
    """API_THROTTLE_ANON per client address for anonymous requests."""


class UserThrottle(_FixedWindow, throttling.UserRateThrottle):
    """API_THROTTLE_USER per account (per address when anonymous)."""


def parse_rate(rate: str) -> tuple[int, int]:
    """'10/hour' -> (10, 3600), as DRF reads its rates."""
    count, period = rate.split("/")
    return int(count), {"s": 1, "m": 60, "h": 3600, "d": 86400}[period[0]]


class PasswordPathsLimit:
    """Middleware: posts to the password pages (change, reset) are limited per client
    address (FACTCHECK_PASSWORD_RATE); past it, 429 with Retry-After. Log in is django-axes'
    (failures per address and per account)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if request.method == "POST" and request.path.startswith(
            tuple(settings.FACTCHECK_PASSWORD_PATHS)
        ):
            limit, window = parse_rate(settings.FACTCHECK_PASSWORD_RATE)
            allowed, retry_after = hit(f"password:{client_ip(request)}", limit, window)
            if not allowed:
                return _refused(request, retry_after)
        return self.get_response(request)


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """django-axes' answer to a login past the failure limit (AXES_LOCKOUT_CALLABLE)."""
    return _refused(request, int(settings.AXES_COOLOFF_TIME.total_seconds()))


def _refused(request: HttpRequest, retry_after: int) -> HttpResponse:
    minutes = max(1, round(retry_after / 60))
    message = f"Too many attempts. Try again in {minutes} minute{'s' if minutes > 1 else ''}."
    response = render(request, "registration/too_many.html", {"message": message}, status=429)
    response["Retry-After"] = str(retry_after)
    return response
