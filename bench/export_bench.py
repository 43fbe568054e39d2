"""Export benchmark on PostgreSQL: 1,000,000 claims out as CSV and JSON Lines.

    .venv/bin/python bench/export_bench.py [--url postgres://postgres@127.0.0.1:5432/fc_exch_bench]

Creates the database (dropping it at the end unless --keep), migrates it and fills it with
SQL (100,000 articles of 10 claims, 1,000 claimants, 30% of the claims published with a
verdict), then runs each export in a fresh process through the real API view
(`/api/v1/exports/...` via Django's test client, signed in as an editor, DEBUG off),
reading the streamed body to the end, and prints rows per second and the process's peak
resident memory. The same export of 300,000 rows (`?status=published`) and of all
1,000,000 shows whether memory grows with the row count.

A script, not a test: the figures depend on the machine and are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/fc_exch_bench"
ARTICLES, PER_ARTICLE = 100_000, 10


def _env(url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "CELERY_BROKER_URL"}
    env.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="factcheck.settings",
        # What production runs: no query log, no debug wrappers. The key only has to
        # satisfy the settings check; nothing signed here leaves the process.
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="testserver",
    )
    return env


def _admin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/postgres")), parts.path.lstrip("/")


def create(url: str) -> None:
    import psycopg

    admin, name = _admin(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop(url: str) -> None:
    import psycopg

    admin, name = _admin(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


FILL = """
INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email,
                       is_staff, is_active, date_joined)
VALUES ('!', false, 'bench-editor', '', '', '', false, true, now()),
       ('!', false, 'bench-reviewer', '', '', '', false, true, now());
INSERT INTO auth_user_groups (user_id, group_id)
SELECT u.id, g.id FROM auth_user u, auth_group g
WHERE (u.username, g.name) IN (('bench-editor', 'Editor'), ('bench-reviewer', 'Reviewer'));
INSERT INTO claims_outlet (name, domain)
SELECT 'Outlet ' || i, 'outlet' || i || '.example' FROM generate_series(1, 50) i;
INSERT INTO claims_claimant (name, kind, role)
SELECT 'Claimant ' || i, CASE WHEN i % 5 = 0 THEN 'organization' ELSE 'person' END, 'Minister'
FROM generate_series(1, 1000) i;
INSERT INTO claims_article (url, title, outlet_id, byline, published, language, body,
                            content_hash, created_at)
SELECT 'https://news.example/' || a, 'Report ' || a,
       (SELECT min(id) FROM claims_outlet) + a % 50, '', DATE '2026-01-01' + (a % 300)::int, 'en',
       'Report ' || a || '. ' || repeat('The minister said 35 percent of wages rose. ', 10),
       encode(sha256(('article ' || a)::bytea), 'hex'), now()
FROM generate_series(1, {articles}) a;
INSERT INTO claims_claim (article_id, source_url, text, span_start, span_end, claimant_id,
                          claim_date, checkworthiness, checkworthiness_reasons, origin,
                          status, version, created_at, updated_at, is_public)
SELECT art.id, '',
       'The minister said ' || (art.id * 7 + s) % 100 || ' percent of wages rose, "a record".',
       s * 44, s * 44 + 43, (SELECT min(id) FROM claims_claimant) + (art.id * 10 + s) % 1000,
       DATE '2026-01-01' + ((art.id + s) % 300)::int, ((art.id + s) % 1000) / 1000.0, '[]',
       'extracted', CASE WHEN (art.id * 10 + s) % 10 < 3 THEN 'published' ELSE 'new' END, 1,
       now(), now(), (art.id * 10 + s) % 10 < 3
FROM claims_article art, generate_series(0, {last}) s;
INSERT INTO reviews_verdict (claim_id, rating_id, summary, rationale, author_id, state,
                             proposed_by_id, proposed_at, approver_id, approved_at,
                             correction_note, withdrawal_note, created_at, updated_at)
SELECT c.id, (SELECT min(id) FROM reviews_rating) + c.id % 7, 'Wrong: it was 12 percent.',
       'Read the statistics office table 4.',
       (SELECT id FROM auth_user WHERE username = 'bench-reviewer'), 'approved',
       (SELECT id FROM auth_user WHERE username = 'bench-reviewer'), now(),
       (SELECT id FROM auth_user WHERE username = 'bench-editor'), now(), '', '', now(), now()
FROM claims_claim c WHERE c.status = 'published';
"""

MEASURE = r"""
import json, resource, sys, time
import django
django.setup()
from django.contrib.auth.models import User
from django.test import Client

path = sys.argv[1]
client = Client()
client.force_login(User.objects.get(username="bench-editor"))
# Warm up: the first request imports and builds what every later one reuses.
b"".join(client.get("/api/v1/exports/claims.csv?article=999999999", secure=True).streaming_content)
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
response = client.get(path, secure=True)
assert response.status_code == 200, response.status_code
size = lines = 0
for chunk in response.streaming_content:
    size += len(chunk)
    lines += chunk.count(b"\n")
elapsed = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"lines": lines, "bytes": size, "seconds": elapsed,
                  "base_kb": base, "peak_kb": peak}))
"""


def measure(url: str, path: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, path],
        env=_env(url),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        sys.exit(f"{path} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=DEFAULT_URL)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="use the database as it is")
    parser.add_argument("--articles", type=int, default=ARTICLES, help="of 10 claims each")
    args = parser.parse_args()

    started = time.perf_counter()
    if not args.reuse:
        create(args.url)
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "-v0"], env=_env(args.url), cwd=ROOT, check=True)
        fixture = str(ROOT / "fixtures" / "ratings.json")
        subprocess.run(
            [*manage, "loaddata", fixture, "-v0"], env=_env(args.url), cwd=ROOT, check=True
        )
        import psycopg

        with psycopg.connect(args.url, autocommit=True) as conn:
            fill = FILL.replace("{articles}", str(args.articles))
            for statement in fill.replace("{last}", str(PER_ARTICLE - 1)).split(";\n"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute("VACUUM ANALYZE")
        claims = args.articles * PER_ARTICLE
        print(f"built {claims:,} claims in {time.perf_counter() - started:.1f} s")

    runs = [
        ("claims CSV, published (300,000)", "/api/v1/exports/claims.csv?status=published"),
        ("claims CSV, all (1,000,000)", "/api/v1/exports/claims.csv"),
        ("claims JSON Lines, published (300,000)", "/api/v1/exports/claims.jsonl?status=published"),
        ("claims JSON Lines, all (1,000,000)", "/api/v1/exports/claims.jsonl"),
        ("verdicts CSV (300,000)", "/api/v1/exports/verdicts.csv"),
    ]
    head = ("export", "rows", "seconds", "rows/s", "MB", "peak RSS", "before")
    print("{:42} {:>9} {:>8} {:>9} {:>7} {:>9} {:>7}".format(*head))
    try:
        for label, path in runs:
            got = measure(args.url, path)
            rows = got["lines"] - (1 if ".csv" in path else 0)
            seconds, peak, base = got["seconds"], got["peak_kb"] / 1024, got["base_kb"] / 1024
            print(
                f"{label:42} {rows:>9,} {seconds:>8.1f} {rows / seconds:>9,.0f} "
                f"{got['bytes'] / 1e6:>7.1f} {peak:>7.0f}MB {base:>5.0f}MB"
            )
    finally:
        if not args.keep:
            drop(args.url)


if __name__ == "__main__":
    main()
