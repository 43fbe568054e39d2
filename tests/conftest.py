"""Shared fixtures: standing users (reviewers, editors, an outsider), a few objects, and a
real Celery worker process on Redis."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.factories import ArticleFactory, ClaimFactory, RatingFactory, UserFactory


def client_for(user=None):
    """A REST API client, signed in as `user` (anonymous without one)."""
    from rest_framework.test import APIClient

    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture(autouse=True)
def _fresh_throttles():
    # The API's throttle counters live in the cache, which outlives a test.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _reserved_names_do_not_resolve(monkeypatch):
    """Names under `.example` (reserved, RFC 2606: they never resolve) fail at once, as
    the resolver answers for them, without asking it. The tests' evidence and articles
    live at such names and archiving them in process looks them up: the machine's
    resolver is outside it, and one lookup that took its 5 s timeout held a desk page's
    request past a browser test's wait (the keyboard test, SQLite pass of a CI run)."""
    import socket

    real = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        name = host.decode() if isinstance(host, bytes) else str(host or "")
        if name.rstrip(".").lower().endswith(".example"):
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.fixture(autouse=True)
def _fresh_search_estimates():
    # A search's shape follows the planner's estimate, kept a while per process; the
    # articles it was read for are another test's.
    from claims.selectors import forget_estimates

    forget_estimates()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Every standing user hashes a password; the production hasher's deliberate slowness
    # (about half a second each) would dominate tests that build several users per case.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def reviewer(db):
    return UserFactory(username="rita", role="Reviewer")


@pytest.fixture
def other_reviewer(db):
    return UserFactory(username="rob", role="Reviewer")


@pytest.fixture
def editor(db):
    return UserFactory(username="eddie", role="Editor")


@pytest.fixture
def other_editor(db):
    return UserFactory(username="edna", role="Editor")


@pytest.fixture
def outsider(db):
    """Signed in, but in no group: may read nothing unpublished and change nothing."""
    return UserFactory(username="otto")


@pytest.fixture
def article(db):
    return ArticleFactory()


@pytest.fixture
def claim(db, article):
    return ClaimFactory(article=article)


@pytest.fixture
def rating(db):
    return RatingFactory()


# -- a real Celery worker ------------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
# The embedded default runs tasks in process and configures no broker; the worker tests
# then use this machine's Redis (a database of its own, purged before each test).
TEST_BROKER_URL = os.environ.get("TEST_BROKER_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def broker_url(settings, monkeypatch):
    """The broker tasks go to in this test: CELERY_BROKER_URL, or TEST_BROKER_URL on the
    embedded default. Tasks are queued, not run in process, and the queue starts empty."""
    from factcheck.celery import app

    url = settings.CELERY_BROKER_URL or TEST_BROKER_URL
    monkeypatch.setitem(app.conf, "broker_url", url)
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    # The app keeps its broker connections once made: those of an earlier test, for the
    # default broker url, would take this test's messages elsewhere. Celery drops them
    # the same way in a forked child (Celery._after_fork).
    _forget_broker_connections(app)
    # An unreachable broker fails here with the connection error, never skips.
    app.control.purge()
    yield url
    _forget_broker_connections(app)


def _forget_broker_connections(app) -> None:
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def redis(tmp_path):
    """A redis-server of this test's own (tests/faults.py), for outage tests: stopped,
    started and killed at will; killed after the test."""
    from tests.faults import Redis, free_port

    server = Redis(free_port(), tmp_path)
    yield server
    server.kill()


@pytest.fixture
def app_on(monkeypatch):
    """Point this process's Celery app at a broker url (and queue, not run, tasks)."""
    from factcheck.celery import app
    from factcheck.outbox import services as outbox

    def point(url: str) -> None:
        # Celery reads CELERY_BROKER_URL from the environment before its own setting, so
        # with it set (the PostgreSQL pass) changing the setting alone changes nothing.
        monkeypatch.setenv("CELERY_BROKER_URL", url)
        monkeypatch.setitem(app.conf, "broker_url", url)
        monkeypatch.setitem(app.conf, "task_always_eager", False)
        _forget_broker_connections(app)
        outbox._broker_down_until = 0.0

    yield point
    _forget_broker_connections(app)
    outbox._broker_down_until = 0.0


@pytest.fixture
def worker(transactional_db, broker_url):
    """`celery worker` in its own process, on this test's database and broker."""
    from django.db import connection

    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        # The test database is a file (settings: TEST NAME), which the worker shares.
        database_url = f"sqlite:///{Path(db['NAME']).resolve()}"
    else:
        database_url = (
            f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        )
    env = {**os.environ, "DATABASE_URL": database_url, "CELERY_BROKER_URL": broker_url}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "factcheck",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield proc
    stop_worker(proc)


def stop_worker(proc: subprocess.Popen) -> str:
    """Stop the worker (warm shutdown) and return what it logged, for a failure message."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    try:
        out, _ = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
    return out or ""


# The purpose each desk form's one-time token is drawn for, by the url it posts to (the
# templates' `{% once_token ... %}`): the url's name, then the claim's id where it has one.
ONCE_PURPOSES = {
    "desk-claim-action": "action",
    "desk-claim-evidence": "evidence",
    "desk-claim-verdict": "verdict",
    "desk-claims-bulk": "bulk",
    "desk-claim-edit": "edit",
    "desk-evidence-edit": "evidence-edit",
    "desk-evidence-remove": "evidence-remove",
    "desk-inbox-read": "inbox-read",
    "desk-mail-settings": "mail",
    "desk-article-new": "article-new",
    "desk-article-claim": "select",
}


def once_purpose(url: str) -> str | None:
    from django.urls import Resolver404, resolve

    try:
        match = resolve(url.split("?")[0])
    except Resolver404:
        return None
    name = ONCE_PURPOSES.get(match.url_name)
    if name is None:
        return None
    return ":".join([name, *(str(v) for v in match.kwargs.values())])


def with_once_token(client, url: str, data: dict | None) -> dict:
    """`data` with the one-time token the form's page would have drawn for the client's
    signed-in user, when `url` is a desk form's and `data` has none."""
    from django.contrib.auth import get_user_model

    from reviews.desk import once

    data = dict(data or {})
    purpose = once_purpose(url)
    if purpose is not None and once.FIELD not in data and "_auth_user_id" in client.session:
        user = get_user_model().objects.get(pk=client.session["_auth_user_id"])
        data[once.FIELD] = once.issue(user=user, purpose=purpose)
    return data


def desk_post(client, url: str, data: dict | None = None, **kwargs):
    """POST a desk form as its page would send it, one-time token included."""
    return client.post(url, with_once_token(client, url, data), **kwargs)


def desk_client(user=None):
    """A test client signed in as `user` whose posts carry the one-time token their form's
    page would have drawn; a plain Client sends none."""
    from django.test import Client

    class DeskClient(Client):
        def post(self, path, data=None, *args, **kwargs):
            return super().post(path, with_once_token(self, path, data), *args, **kwargs)

    client = DeskClient()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def _no_vector_index_from_an_earlier_test():
    """Each test starts with no vectors held in this process. A rolled-back test's claim
    ids and change-log rows are used again by the next test's (SQLite's sequences roll
    back with it), so an index kept from an earlier test can look up to date while it
    answers with that test's vectors: the gold set lost a tenth of its recall that way
    when it ran after the rest of the suite, and passed alone."""
    from claims import vectors

    vectors._indexes.clear()
    yield


def search_queries(words: str) -> int:
    """The queries claims.selectors.search_claims sends before the page for `words`, once
    the planner's estimate of the articles they match is kept (on PostgreSQL; it is read
    here): for rare words the matching claims' ids. The articles' statistics are read
    first, so the shape is the data's, not whatever autovacuum last read."""
    from django.db import connection

    from claims.selectors import _common_in_articles, forget_estimates, full_text_search

    if not full_text_search():
        return 0
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE claims_article")
    forget_estimates()
    return 0 if _common_in_articles(words) else 1
