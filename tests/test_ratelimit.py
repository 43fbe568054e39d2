"""Rate limits tried as an attacker would: a random X-Forwarded-For on every request,
requests spread over several gunicorn worker processes sharing one Redis, fifty wrong
passwords in a row. Real servers throughout; each test prints its figures."""

from __future__ import annotations

import ipaddress
import json
import random
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.test.client import RequestFactory
from django.utils import timezone
from rest_framework.throttling import SimpleRateThrottle

from factcheck.ratelimit import client_ip
from tests.conftest import TEST_BROKER_URL
from tests.faults import free_port, stop
from tests.servers import request, server_log, start_gunicorn, windows_spanned, worker_pids

pytestmark = pytest.mark.django_db(transaction=True)


def figures(name: str, **values) -> None:
    print(f"\nFIGURES {name}: " + json.dumps(values))


def random_ip() -> str:
    return str(ipaddress.IPv4Address(random.getrandbits(32)))


# -- who the client is -------------------------------------------------------------------


def test_the_client_is_the_peer_unless_proxies_are_trusted(settings):
    factory = RequestFactory()
    spoofed = factory.get(
        "/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="1.1.1.1, 198.51.100.7"
    )
    settings.FACTCHECK_TRUSTED_PROXIES = 0
    assert client_ip(spoofed) == "203.0.113.9"  # the header is ignored
    settings.FACTCHECK_TRUSTED_PROXIES = 1
    assert client_ip(spoofed) == "198.51.100.7"  # what our one proxy appended
    settings.FACTCHECK_TRUSTED_PROXIES = 2
    assert client_ip(spoofed) == "1.1.1.1"
    settings.FACTCHECK_TRUSTED_PROXIES = 3  # fewer hops than proxies: not through them all
    assert client_ip(spoofed) == "203.0.113.9"
    settings.FACTCHECK_TRUSTED_PROXIES = 1
    garbage = factory.get("/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="x, <script>")
    assert client_ip(garbage) == "203.0.113.9"


# -- the API's anonymous limit -------------------------------------------------------------


def test_a_random_forwarded_for_on_each_request_does_not_escape_the_limit(live_server):
    # The default limit, 120 a minute, from one client that claims a new address each time.
    limit, window = 120, 60
    assert SimpleRateThrottle.THROTTLE_RATES["anon"] == "120/min"
    started = time.time()

    def one(_):
        return request(
            f"{live_server.url}/api/v1/claims/", headers={"X-Forwarded-For": random_ip()}
        )

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(one, range(1000)))
    spanned = windows_spanned(started, time.time(), window)
    ok = sum(a.status == 200 for a in answers)
    throttled = [a for a in answers if a.status == 429]
    assert ok + len(throttled) == 1000
    assert limit <= ok <= limit * spanned
    refusal = throttled[0]
    assert refusal.json()["error"]["code"] == "throttled"
    assert 1 <= int(refusal.headers["retry-after"]) <= window
    figures("1,000 spoofed X-Forwarded-For", ok=ok, throttled=len(throttled), windows=spanned)


def test_behind_one_trusted_proxy_clients_are_counted_apart(live_server, settings, monkeypatch):
    settings.FACTCHECK_TRUSTED_PROXIES = 1
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "10/min", "user": None})
    first, second = random_ip(), random_ip()
    url = f"{live_server.url}/api/v1/claims/"
    started = time.time()
    # What the proxy appends is the client; what the client wrote before it changes nothing.
    statuses = [
        request(url, headers={"X-Forwarded-For": f"{random_ip()}, {first}"}).status
        for _ in range(30)
    ]
    spanned = windows_spanned(started, time.time(), 60)
    assert 10 <= statuses.count(200) <= 10 * spanned
    assert request(url, headers={"X-Forwarded-For": second}).status == 200


def test_four_gunicorn_workers_on_one_redis_count_the_limit_once(tmp_path, settings):
    # The cache is Redis, a database of this test run's own (the broker's), keys under a
    # prefix of this test's own, so nothing from another run is counted.
    redis = settings.CELERY_BROKER_URL or TEST_BROKER_URL
    prefix = f"t{time.time_ns()}"
    limit, window = 50, 60
    server = start_gunicorn(
        free_port(),
        tmp_path,
        workers=4,
        CACHE_URL=redis,
        CACHE_KEY_PREFIX=prefix,
        API_THROTTLE_ANON=f"{limit}/min",
    )
    try:
        started = time.time()
        url = f"http://127.0.0.1:{server.port}/api/v1/claims/"

        def one(_):
            return request(url, headers={"X-Forwarded-For": random_ip()}).status

        with ThreadPoolExecutor(16) as pool:
            statuses = list(pool.map(one, range(400)))
        spanned = windows_spanned(started, time.time(), window)
        pids = worker_pids(server)
    finally:
        stop(server)
    ok = statuses.count(200)
    assert statuses.count(429) + ok == 400, server_log(server)
    assert len(pids) >= 2, "the requests did not reach several worker processes"
    assert limit <= ok <= limit * spanned
    figures(
        "4 gunicorn workers, one Redis",
        ok=ok,
        limit=limit,
        windows=spanned,
        workers_seen=len(pids),
    )


# -- log in and the password pages ---------------------------------------------------------


@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/"])
def test_fifty_wrong_passwords_lock_the_login_even_against_the_right_one(path, editor, settings):
    editor.set_password("correct horse battery staple")
    editor.is_staff = True
    editor.save()
    settings.AXES_FAILURE_LIMIT = 5
    browser = Client()
    statuses = []
    for n in range(50):
        response = browser.post(
            path,
            {"username": editor.username, "password": f"guess {n}"},
            HTTP_X_FORWARDED_FOR=random_ip(),  # no help: the header is not trusted
        )
        statuses.append(response.status_code)
    # Four wrong answers are shown the form again; the fifth and every later is refused.
    assert statuses[:4] == [200] * 4
    assert statuses[4:] == [429] * 46
    right = browser.post(
        path, {"username": editor.username, "password": "correct horse battery staple"}
    )
    assert right.status_code == 429
    assert "Too many attempts" in right.content.decode()
    assert int(right["Retry-After"]) == 15 * 60
    assert "_auth_user_id" not in browser.session
    # From another address and with the right password: the account itself is locked.
    elsewhere = Client(REMOTE_ADDR="198.51.100.20")
    assert (
        elsewhere.post(
            path, {"username": editor.username, "password": "correct horse battery staple"}
        ).status_code
        == 429
    )

    # Once the cool-off has passed, the right password works again.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    after = browser.post(
        path, {"username": editor.username, "password": "correct horse battery staple"}
    )
    assert after.status_code == 302
    figures(
        f"50 wrong logins on {path}",
        shown_the_form=statuses.count(200),
        refused=statuses.count(429),
        right_password_during_cooloff=right.status_code,
    )


def test_guessing_many_accounts_from_one_address_is_locked_too(reviewer, editor, settings):
    settings.AXES_FAILURE_LIMIT = 5
    browser = Client()
    statuses = [
        browser.post("/accounts/login/", {"username": f"user{n}", "password": "guess"}).status_code
        for n in range(8)
    ]
    assert statuses == [200] * 4 + [429] * 4


def test_password_reset_posts_are_limited_per_address(settings, editor):
    settings.FACTCHECK_PASSWORD_RATE = "3/hour"
    browser = Client()
    statuses = [
        browser.post(
            "/accounts/password_reset/",
            {"email": editor.email},
            HTTP_X_FORWARDED_FOR=random_ip(),
        ).status_code
        for _ in range(5)
    ]
    assert statuses == [302, 302, 302, 429, 429]
