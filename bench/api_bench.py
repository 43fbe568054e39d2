"""API benchmark on PostgreSQL: 100,000 claims across 10,000 articles.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fc_api_bench .venv/bin/python bench/api_bench.py

Creates the database named in DATABASE_URL if it does not exist (and drops it again at the
end unless --keep), migrates it, bulk-inserts the data, then prints the median of repeated
runs, all in this one process:

- a list page of 100 claims through the API vs. the same 100 rows fetched with raw SQL and
  dumped to JSON (target: the API within 3x of raw);
- the last page reached by cursor vs. the first page (target: within 1.5x);
- a full-text search through the API, and its query alone (target: under 20 ms).

A script, not a test: timings depend on the machine and are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
# Measure what production runs: DEBUG off (no query log, no debug wrappers). The key only
# has to satisfy the settings check; nothing signed here leaves this process.
os.environ["DEBUG"] = "0"
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

ARTICLES = 10_000
CLAIMS_PER_ARTICLE = 10
WORDS = [
    "budget",
    "tax",
    "inflation",
    "unemployment",
    "wages",
    "housing",
    "rent",
    "vaccine",
    "hospital",
    "school",
    "teacher",
    "police",
    "crime",
    "border",
    "migrant",
    "election",
    "vote",
    "turnout",
    "poll",
    "deficit",
    "debt",
    "export",
    "import",
    "tariff",
    "energy",
    "gas",
    "oil",
    "coal",
    "solar",
    "wind",
    "climate",
    "emission",
    "forest",
    "river",
    "water",
    "drought",
    "flood",
    "harvest",
    "farmer",
    "wheat",
    "price",
    "bread",
    "pension",
    "retirement",
    "minister",
    "mayor",
    "senator",
    "governor",
    "president",
    "parliament",
    "council",
    "court",
    "judge",
    "law",
    "reform",
    "strike",
    "union",
    "factory",
    "railway",
    "airport",
    "bridge",
    "road",
    "traffic",
    "accident",
    "pollution",
    "plastic",
    "recycling",
    "ocean",
    "fish",
]


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("api_bench.py needs DATABASE_URL=postgres://... (a database it may fill).")
    return url


def _maintenance(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    return urlunsplit(parts._replace(path="/postgres")), name


def create_database(url: str) -> bool:
    """Create the benchmark database if missing; True when this run created it."""
    import psycopg

    admin_url, name = _maintenance(url)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists:
            return False
        conn.execute(f'CREATE DATABASE "{name}"')
        return True


def drop_database(url: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    admin_url, name = _maintenance(url)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


# Names of places, people and things: 1,728 made-up words drawn with Zipf's law, so a
# search for one of them is as selective as a search for a real name is.
SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "ta", "vo", "zi", "be", "do", "fa", "gu"]
NAMES = [a + b + c for a in SYLLABLES for b in SYLLABLES for c in SYLLABLES]
NAME_WEIGHTS = [1 / rank for rank in range(1, len(NAMES) + 1)]


def sentence(rng: random.Random, n: int) -> str:
    words = rng.sample(WORDS, 6)
    name = rng.choices(NAMES, weights=NAME_WEIGHTS)[0]
    return (
        f"The {words[0]} minister of {name} said {rng.randint(2, 99)} percent of {words[1]} "
        f"{words[2]} rose by {n % 1000} in {rng.randint(1990, 2026)} after the {words[3]} "
        f"{words[4]} {words[5]} report."
    )


def build(rng: random.Random) -> None:
    """Bulk-insert outlets, claimants, articles, claims and published verdicts."""
    from django.contrib.auth.models import Group, User
    from django.utils import timezone

    from claims.models import Article, Claim, Claimant, Outlet, content_hash
    from reviews.models import Rating, Verdict

    started = time.perf_counter()
    editor = User.objects.create_user("bench-editor")
    editor.groups.add(Group.objects.get(name="Editor"))
    reviewer = User.objects.create_user("bench-reviewer")
    reviewer.groups.add(Group.objects.get(name="Reviewer"))
    rating = Rating.objects.create(
        label="False", slug="false", value=1, best_value=5, worst_value=1
    )
    outlets = Outlet.objects.bulk_create(
        Outlet(name=f"Outlet {i}", domain=f"outlet{i}.example") for i in range(50)
    )
    claimants = Claimant.objects.bulk_create(
        Claimant(name=f"Claimant {i}", role="Minister") for i in range(1000)
    )
    day = timezone.localdate()
    articles, bodies = [], []
    for a in range(ARTICLES):
        sentences = [sentence(rng, a * CLAIMS_PER_ARTICLE + s) for s in range(CLAIMS_PER_ARTICLE)]
        body = f"Report {a}. " + " ".join(sentences)
        bodies.append(sentences)
        articles.append(
            Article(
                url=f"https://news.example/{a}",
                title=f"{rng.choice(WORDS).title()} report {a}",
                outlet=rng.choice(outlets),
                published=day,
                body=body,
                content_hash=content_hash(body),
            )
        )
    articles = Article.objects.bulk_create(articles, batch_size=2000)
    statuses = ["new"] * 5 + ["in_review"] * 2 + ["published"] * 3
    claims = []
    for article, sentences in zip(articles, bodies, strict=True):
        for text in sentences:
            start = article.body.index(text)
            status = rng.choice(statuses)
            claims.append(
                Claim(
                    article=article,
                    text=text,
                    span_start=start,
                    span_end=start + len(text),
                    claimant=rng.choice(claimants),
                    claim_date=day,
                    checkworthiness=round(rng.random(), 3),
                    origin="extracted",
                    status=status,
                    is_public=status == "published",
                    assignee=reviewer if status != "new" else None,
                )
            )
    claims = Claim.objects.bulk_create(claims, batch_size=5000)
    now = timezone.now()
    Verdict.objects.bulk_create(
        (
            Verdict(
                claim=claim,
                rating=rating,
                summary="Not what the record says.",
                rationale="Compare with the official statistics.",
                author=reviewer,
                proposed_by=reviewer,
                approver=editor,
                approved_at=now,
                state="approved",
            )
            for claim in claims
            if claim.status == "published"
        ),
        batch_size=5000,
    )
    from django.db import connection

    with connection.cursor() as cursor:
        # What autovacuum would do soon after a bulk load: statistics for the planner, and
        # the GIN indexes' pending lists merged (a search scans the pending list linearly).
        cursor.execute("VACUUM ANALYZE")
    print(
        f"built {len(articles):,} articles and {len(claims):,} claims "
        f"in {time.perf_counter() - started:.1f} s"
    )


def medians_ms(fns: list[Callable[[], object]], runs: int) -> list[float]:
    """Median time of each function, run in turn so that load on the machine from other
    work falls on all of them alike."""
    for fn in fns:
        fn()  # warm up: first-use costs are not what we measure
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(runs):
        for fn, spent in zip(fns, times, strict=True):
            started = time.perf_counter()
            fn()
            spent.append((time.perf_counter() - started) * 1000)
    return [statistics.median(spent) for spent in times]


RAW_PAGE = """
    SELECT c.id, c.text, c.status, c.version, c.origin, c.source_url, c.span_start,
           c.span_end, c.claim_date, c.checkworthiness, c.checkworthiness_reasons,
           c.duplicate_of_id, c.created_at, c.updated_at,
           a.id, a.url, a.title, a.published, o.id, o.name, o.domain,
           p.id, p.name, p.kind, p.role, u.id, u.username,
           v.id, v.summary, v.approved_at, v.correction_note,
           r.id, r.slug, r.label, r.value, r.best_value, r.worst_value
      FROM claims_claim c
      LEFT JOIN claims_article a ON a.id = c.article_id
      LEFT JOIN claims_outlet o ON o.id = a.outlet_id
      LEFT JOIN claims_claimant p ON p.id = c.claimant_id
      LEFT JOIN auth_user u ON u.id = c.assignee_id
      LEFT JOIN reviews_verdict v ON v.claim_id = c.id AND v.state = 'approved'
      LEFT JOIN reviews_rating r ON r.id = v.rating_id
     ORDER BY c.id DESC
     LIMIT 100
"""

SEARCH_SQL = """
    SELECT id FROM claims_claim
     WHERE claims_claim.search_vector @@ websearch_to_tsquery('english', %s)
        OR claims_claim.article_id = ANY(ARRAY(
            SELECT id FROM claims_article
             WHERE search_vector @@ websearch_to_tsquery('english', %s)))
     ORDER BY id DESC LIMIT 26
"""


def measure(runs: int) -> None:
    from django.contrib.auth.models import User
    from django.core.cache import cache
    from django.db import connection
    from rest_framework.test import APIClient
    from rest_framework.throttling import SimpleRateThrottle

    print(f"load average before measuring: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")

    # The benchmark is one client asking thousands of times: throttling is not measured.
    SimpleRateThrottle.THROTTLE_RATES = {"anon": None, "user": None}
    cache.clear()
    client = APIClient()
    client.force_authenticate(User.objects.get(username="bench-editor"))

    def api(url: str) -> dict:
        response = client.get(url)
        assert response.status_code == 200, response.content[:300]
        return response.json()

    first_url = "/api/v1/claims/?page_size=100"
    assert len(api(first_url)["results"]) == 100

    def raw() -> str:
        with connection.cursor() as cursor:
            cursor.execute(RAW_PAGE)
            names = [col.name for col in cursor.description]
            rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        return json.dumps(rows, default=str)

    api_ms, raw_ms = medians_ms([lambda: api(first_url), raw], runs)
    print(
        f"list page of 100 claims: API {api_ms:.2f} ms, raw SQL + JSON {raw_ms:.2f} ms, "
        f"ratio {api_ms / raw_ms:.2f}x (target <= 3x)"
    )

    # Walk the cursor to the end once, then time the last page against the first.
    started, pages, url, last_url = time.perf_counter(), 0, first_url, first_url
    while url:
        page = api(url)
        pages += 1
        last_url, url = url, page["next"]
    walk_s = time.perf_counter() - started
    last_ms, first_ms = medians_ms([lambda: api(last_url), lambda: api(first_url)], runs)
    print(
        f"cursor depth: walked {pages} pages in {walk_s:.1f} s; last page {last_ms:.2f} ms vs "
        f"first page {first_ms:.2f} ms, ratio {last_ms / first_ms:.2f}x (target <= 1.5x)"
    )

    # A name of middling frequency (the 30th most common of 1,728), and two of the 84
    # everyday words that each stand in about half of all articles.
    for words in (NAMES[29], "unemployment pension"):
        with connection.cursor() as cursor:
            cursor.execute(SEARCH_SQL.replace("LIMIT 26", ""), [words, words])
            matches = len(cursor.fetchall())

        def search_api(words=words) -> dict:
            return api(f"/api/v1/claims/?search={words}")

        def search_query(words=words) -> list:
            with connection.cursor() as cursor:
                cursor.execute(SEARCH_SQL, [words, words])
                return cursor.fetchall()

        search_ms, query_ms = medians_ms([search_api, search_query], runs)
        print(
            f"full-text search {words!r} ({matches:,} matching claims): API page of 25 "
            f"{search_ms:.2f} ms, the query alone {query_ms:.2f} ms (target < 20 ms)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30, help="timed runs per figure")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    url = _database_url()
    created = create_database(url)

    import django
    from django.core.management import call_command

    django.setup()
    from claims.models import Claim

    try:
        call_command("migrate", verbosity=0)
        if Claim.objects.exists():
            print("the database already holds claims: measuring them as they are")
        else:
            build(random.Random(20261123))
        measure(args.runs)
    finally:
        if created and not args.keep:
            drop_database(url)
            print("dropped the benchmark database")


if __name__ == "__main__":
    main()
