"""Production as an operator runs it: the README's production settings pass
`check --deploy` with no warning, weak secret keys are refused, every page carries a
Content-Security-Policy that its own markup obeys, logs are JSON lines when asked."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import RatingFactory
from tests.test_pages import published

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent


def production_env(tmp_path, **extra) -> dict[str, str]:
    """The environment production.env.example describes, with a generated key."""
    # Nothing of this test process's own settings, nor the browser tests' permission to
    # run the ORM inside Playwright's event loop (DJANGO_ALLOW_ASYNC_UNSAFE, set for the
    # whole run once tests/e2e is collected), which check --deploy rightly refuses.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(
            ("DEBUG", "SECRET_KEY", "DATABASE_URL", "CELERY_", "CACHE_", "DJANGO_ALLOW_ASYNC")
        )
    }
    for line in (ROOT / "production.env.example").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            env[name.strip()] = value.strip()
    env["SECRET_KEY"] = secrets.token_urlsafe(50)
    env["FACTCHECK_VAR_DIR"] = str(tmp_path)
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_with_the_production_settings_gives_no_warning(tmp_path):
    result = manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_names_what_a_bare_debug_off_setup_lacks(tmp_path):
    # Without the TLS settings the same check fails: it is not a check that always passes.
    env = production_env(
        tmp_path, SECURE_HSTS_SECONDS="0", SECURE_SSL_REDIRECT="0", SESSION_COOKIE_SECURE="0"
    )
    result = manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 1
    for warning in ("security.W004", "security.W008", "security.W012"):
        assert warning in result.stderr


@pytest.mark.parametrize(
    "key",
    [
        "a" * 50,
        "abcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdab",  # four distinct characters
        "django-insecure-" + secrets.token_urlsafe(50),
        "change-me-" + secrets.token_urlsafe(50),
        "your-secret-key-" + secrets.token_urlsafe(50),
        secrets.token_urlsafe(30),  # 40 characters: too short
    ],
)
def test_weak_secret_keys_are_refused_with_debug_off(tmp_path, key):
    result = manage(production_env(tmp_path, SECRET_KEY=key), "check")
    assert result.returncode != 0
    assert "DEBUG=0 needs a real SECRET_KEY" in result.stderr
    assert key not in result.stderr  # the key itself is never printed


def test_json_logs_are_one_object_a_line(tmp_path):
    env = production_env(tmp_path)
    result = manage(
        env,
        "shell",
        "-c",
        "import logging; log = logging.getLogger('factcheck.test');"
        "log.warning('archive %s refused', 7, extra={'evidence_id': 7});"
        "log.error('two\\nlines')",
    )
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    first, second = records[-2:]
    assert first["message"] == "archive 7 refused" and first["evidence_id"] == 7
    assert first["level"] == "WARNING" and first["logger"] == "factcheck.test"
    assert "time" in first
    assert second["message"] == "two\nlines"


def test_an_unknown_log_format_is_refused(tmp_path):
    result = manage(production_env(tmp_path, LOG_FORMAT="xml"), "check")
    assert result.returncode != 0 and "LOG_FORMAT is 'xml'" in result.stderr


# -- TLS settings in effect -------------------------------------------------------------


def test_https_settings_redirect_and_set_hsts(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    plain = Client().get("/accounts/login/")
    assert plain.status_code == 301 and plain["Location"].startswith("https://")
    assert Client().get("/healthz").status_code in (200, 503)  # health checks stay on http
    secure = Client().get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https")
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


# -- Content-Security-Policy ------------------------------------------------------------


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_every_page_has_a_policy_its_markup_obeys(reviewer, editor, claim):
    rating = RatingFactory(colour="#c0392b")
    published(claim, reviewer, editor, rating)
    desk = Client()
    desk.force_login(editor)
    pages = {
        "/": desk,
        "/desk/claims/": desk,
        f"/desk/claims/{claim.pk}/": desk,
        "/desk/articles/": desk,
        f"/desk/articles/{claim.article_id}/": desk,
        f"/claims/{claim.pk}/": Client(),
        "/accounts/login/": Client(),
    }
    for url, client in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        rules = policy(response)
        assert rules["default-src"] == ["'self'"], url
        assert rules["style-src"] == ["'self'"], url  # no inline styles at all
        assert "'unsafe-inline'" not in rules["script-src"], url
        assert rules["object-src"] == ["'none'"] and rules["frame-ancestors"] == ["'none'"]
        page = response.content.decode()
        assert not re.search(r"\sstyle=", page), url
        assert "<style" not in page, url
        assert not re.search(r"\son[a-z]+=", page), url  # no inline event handlers
        for tag in re.findall(r"<script[^>]*>", page):
            # External scripts from our origin, or JSON-LD data (which no browser runs).
            assert 'src="/static/' in tag or 'type="application/ld+json"' in tag, (url, tag)


def test_the_rating_colours_come_from_the_stylesheet_every_page_links(editor):
    RatingFactory(slug="mostly-false", colour="#c0392b")
    response = Client().get(reverse("rating-styles"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")
    assert ".rating-mostly-false { --rating: #c0392b;" in response.content.decode()
    desk = Client()
    desk.force_login(editor)
    page = desk.get("/").content.decode()
    assert page.count(f'<link rel="stylesheet" href="{reverse("rating-styles")}">') == 1


def test_the_admin_and_the_docs_allow_inline_styles_only(editor):
    editor.is_staff = True
    editor.is_superuser = True
    editor.save()
    admin = Client()
    admin.force_login(editor)
    for url in ["/admin/", "/admin/claims/claim/", "/api/v1/docs/"]:
        response = admin.get(url)
        assert response.status_code == 200, url
        rules = policy(response)
        assert rules["style-src"] == ["'self'", "'unsafe-inline'"], url
        assert "'unsafe-inline'" not in rules["script-src"], url
    docs = admin.get("/api/v1/docs/").content.decode()
    # The docs' start-up script is a file of its own, not inline.
    assert re.findall(r"<script>", docs) == []
