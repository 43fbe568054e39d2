"""Settings: the embedded default, and DEBUG=0 refusing to start without real secrets."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


def run_check(tmp_path, **env) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "CELERY_BROKER_URL")
    }
    clean["FACTCHECK_VAR_DIR"] = str(tmp_path)
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_embedded_default_is_sqlite_with_eager_tasks_and_debug(tmp_path):
    result = run_check(tmp_path)
    assert result.returncode == 0, result.stderr
    # The generated key is kept, private, in the var folder.
    key_file = tmp_path / "secret_key"
    assert key_file.exists() and oct(key_file.stat().st_mode)[-3:] == "600"
    assert (tmp_path / "factcheck.sqlite3").parent == tmp_path


def test_this_run_reads_its_database_and_broker_from_the_environment():
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        assert settings.USING_POSTGRES
    else:
        assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert settings.CELERY_TASK_ALWAYS_EAGER is (not os.environ.get("CELERY_BROKER_URL"))


def test_debug_off_refuses_to_start_without_a_secret_key(tmp_path):
    result = run_check(tmp_path, DEBUG="0", ALLOWED_HOSTS="factcheck.example")
    assert result.returncode != 0
    assert "DEBUG=0 needs a real SECRET_KEY" in result.stderr


def test_debug_off_refuses_an_insecure_or_short_key(tmp_path):
    result = run_check(tmp_path, DEBUG="0", ALLOWED_HOSTS="x.example", SECRET_KEY="short")
    assert "DEBUG=0 needs a real SECRET_KEY" in result.stderr
    result = run_check(
        tmp_path, DEBUG="0", ALLOWED_HOSTS="x.example", SECRET_KEY="django-insecure-" + "k" * 60
    )
    assert "DEBUG=0 needs a real SECRET_KEY" in result.stderr


def test_debug_off_refuses_to_start_without_allowed_hosts(tmp_path):
    result = run_check(tmp_path, DEBUG="0", SECRET_KEY="s3cr3t-" * 10)
    assert result.returncode != 0
    assert "DEBUG=0 needs ALLOWED_HOSTS" in result.stderr


def test_debug_off_starts_with_real_secrets(tmp_path):
    result = run_check(
        tmp_path, DEBUG="0", SECRET_KEY="s3cr3t-" * 10, ALLOWED_HOSTS="factcheck.example"
    )
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "secret_key").exists()
