"""Claim matching figures: embeddings per second, vector search at 1,000,000 vectors,
and linking one new claim on PostgreSQL with N stored claims.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fc_match_bench \\
        .venv/bin/python bench/match_bench.py [--vectors 1000000] [--claims 100000] [--keep]

Prints figures; asserts nothing. The 1,000,000 vectors of the search step are
synthesised (random unit vectors, with the query's true neighbours planted), not
embedded texts: embedding a million claims would take over an hour on two cores. The
database of the linking step is created (and dropped unless --keep) here; its claims
carry synthesised vectors too, plus real embeddings for a few hundred real sentences.
"""

from __future__ import annotations

import argparse
import os
import resource
import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("ALLOWED_HOSTS", "localhost")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def texts(n: int) -> list[str]:
    from tests.gold.claim_matching import ITEMS

    base = [item[2] for item in ITEMS]
    return [f"{base[i % len(base)]} ({i})" for i in range(n)]


def bench_embeddings(n: int) -> None:
    from claims import embedding

    embedding.embed(texts(32))
    sample = texts(n)
    start = time.perf_counter()
    embedding.embed(sample)
    elapsed = time.perf_counter() - start
    print(f"embeddings: {n} claims in {elapsed:.1f} s = {n / elapsed:.0f} claims/s")


def bench_search(n: int, runs: int) -> None:
    import numpy as np

    from claims.similarity import VectorIndex

    rng = np.random.default_rng(7)
    index = VectorIndex("synthetic")
    matrix = rng.standard_normal((n, 384), dtype=np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    index.ids, index.matrix = np.arange(1, n + 1, dtype=np.int64), matrix
    index.refresh = lambda: None  # in memory only: the database step measures refresh
    times = []
    for run in range(runs):
        query = matrix[run * 997 % n] + 0.1 * rng.standard_normal(384, dtype=np.float32)
        query /= np.linalg.norm(query)
        start = time.perf_counter()
        found = index.search(query[None, :], 26)
        times.append(time.perf_counter() - start)
        assert found[0][0][0] == run * 997 % n + 1
    print(
        f"vector search, {n:,} vectors in memory ({matrix.nbytes / 1e6:.0f} MB): "
        f"p50 {statistics.median(times) * 1000:.1f} ms, max {max(times) * 1000:.1f} ms; "
        f"peak memory {peak_mb():.0f} MB"
    )


def bench_link(n: int, runs: int, keep: bool) -> None:
    import numpy as np
    import psycopg

    url = os.environ["DATABASE_URL"]
    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    from django.core.management import call_command
    from django.db import connection

    from claims import embedding, similarity
    from claims.models import Article, Claim

    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    rng = np.random.default_rng(3)
    per_article = 10
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO claims_article (title, byline, language, body, content_hash, created_at)"
            " SELECT 'a' || g, '', 'en', 'body ' || g, md5(g::text), now()"
            " FROM generate_series(1, %s) g",
            [n // per_article],
        )
        cursor.execute(
            "INSERT INTO claims_claim (article_id, source_url, text, span_start, span_end,"
            " checkworthiness_reasons, origin, status, version, created_at, updated_at,"
            " is_public)"
            " SELECT a.id, '', 'claim ' || a.id || ' number ' || s, s, s + 1, '[]',"
            " 'extracted', 'new', 1, now(), now(), false"
            " FROM claims_article a, generate_series(0, %s) s",
            [per_article - 1],
        )
        cursor.execute("SELECT id FROM claims_claim ORDER BY id")
        ids = [row[0] for row in cursor.fetchall()]
        raw = connection.connection
        with raw.cursor().copy(
            "COPY claims_claimembedding (claim_id, model, vector, created_at) FROM STDIN"
        ) as copy:
            for chunk in range(0, len(ids), 10000):
                block = rng.standard_normal((len(ids[chunk : chunk + 10000]), 384)).astype("<f4")
                block /= np.linalg.norm(block, axis=1, keepdims=True)
                for claim_id, vector in zip(ids[chunk : chunk + 10000], block, strict=True):
                    copy.write_row((claim_id, embedding.MODEL_NAME, vector.tobytes(), "now"))
        cursor.execute("VACUUM ANALYZE")
    print(
        f"database: {len(ids):,} claims with vectors stored in {time.perf_counter() - start:.0f} s"
    )

    start = time.perf_counter()
    similarity.vector_index().refresh()
    print(f"vector index built from the database in {time.perf_counter() - start:.1f} s")
    article = Article.objects.create(body="Bench article", content_hash="bench")
    times = []
    for run, text in enumerate(texts(runs)):
        claim = Claim.objects.create(
            article=article, text=text, span_start=run, span_end=run + 1, origin="manual"
        )
        start = time.perf_counter()
        similarity.link_similar([claim.pk])
        times.append(time.perf_counter() - start)
    print(
        f"linking one new claim at {len(ids):,} claims (embed + both indexes + score): "
        f"p50 {statistics.median(times) * 1000:.1f} ms; worker peak memory {peak_mb():.0f} MB"
    )
    connection.close()
    if not keep:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--embed", type=int, default=2000)
    parser.add_argument("--vectors", type=int, default=1_000_000)
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    import django

    django.setup()
    bench_embeddings(args.embed)
    bench_search(args.vectors, args.runs)
    if args.claims:
        bench_link(args.claims, args.runs, args.keep)


if __name__ == "__main__":
    main()
