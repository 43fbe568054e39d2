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
import json
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


def unit(rows):
    import numpy as np

    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype("<f4")


def bench_million(articles: int, runs: int, batch: int) -> None:
    """On a database of bench/million.py (DATABASE_URL; a copy, it is written to): vectors
    for every claim, the approximate index built, searched and reloaded, one claim and a
    batch linked, articles loaded with linking off and on."""
    import tempfile

    import numpy as np
    from django.conf import settings
    from django.db import connection

    from claims import embedding, similarity, word_table
    from claims.loading import load_articles, read_path
    from claims.models import Article, Claim, ClaimEmbedding
    from claims.vectors import VectorIndex

    settings.VAR_DIR = Path(tempfile.mkdtemp(prefix="fc_vectors_"))
    model = embedding.MODEL_NAME
    rng = np.random.default_rng(3)
    if not ClaimEmbedding.objects.filter(model=model).exists():
        # Claims about one event sit near each other: 20,000 events, vectors scattered
        # round them (a cosine of about 0.6 between two of one event).
        start = time.perf_counter()
        centres = unit(rng.standard_normal((20_000, 384)))
        with connection.cursor() as cursor:
            cursor.execute("SELECT id FROM claims_claim ORDER BY id")
            ids = [row[0] for row in cursor.fetchall()]
        with connection.connection.cursor().copy(
            "COPY claims_claimembedding (claim_id, model, vector, created_at) FROM STDIN"
        ) as copy:
            for at in range(0, len(ids), 10000):
                chunk = ids[at : at + 10000]
                picked = centres[rng.integers(0, len(centres), len(chunk))]
                block = unit(picked + 0.045 * rng.standard_normal((len(chunk), 384)))
                for claim_id, vector in zip(chunk, block, strict=True):
                    copy.write_row((claim_id, model, vector.tobytes(), "now"))
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE claims_claimembedding")
        print(f"vectors for {len(ids):,} claims stored in {time.perf_counter() - start:.0f} s")
    count = ClaimEmbedding.objects.filter(model=model).count()

    start = time.perf_counter()
    index = VectorIndex(model)
    index.refresh()
    size = index.path().stat().st_size
    print(
        f"approximate index of {count:,} vectors built from the database and written in "
        f"{time.perf_counter() - start:.1f} s: {size / 1e6:.0f} MB file; peak {peak_mb():.0f} MB"
    )
    start = time.perf_counter()
    VectorIndex(model).refresh()
    loaded = time.perf_counter() - start
    print(f"the same index loaded from its file by another worker in {loaded:.1f} s")

    ids, matrix = index._all()
    picks = rng.choice(len(ids), runs, replace=False)
    queries = unit(matrix[picks] + 0.03 * rng.standard_normal((runs, 384)))
    exact, exact_times = [], []
    for query in queries:
        started = time.perf_counter()
        sims = matrix @ query
        top = np.argpartition(-sims, 25)[:25]
        exact_times.append(time.perf_counter() - started)
        exact.append({int(ids[j]) for j in top})
    print(f"exact search over the same vectors: p50 {statistics.median(exact_times) * 1000:.1f} ms")
    del matrix
    default = settings.FACTCHECK_VECTOR_PROBES
    for probes in (16, 32, 64, 128):
        settings.FACTCHECK_VECTOR_PROBES = probes
        times, recall = [], []
        for query, truth in zip(queries, exact, strict=True):
            started = time.perf_counter()
            found = index.search(query[None, :], 25)[0]
            times.append(time.perf_counter() - started)
            recall.append(len({i for i, _ in found} & truth) / 25)
        print(
            f"approximate search, {probes} probes (refresh + search + exact re-score): "
            f"p50 {statistics.median(times) * 1000:.1f} ms, max {max(times) * 1000:.1f} ms, "
            f"recall@25 against exact {np.mean(recall):.3f}"
        )
    settings.FACTCHECK_VECTOR_PROBES = default

    article = Article.objects.create(body="Bench article", content_hash=secrets.token_hex(8))
    parts = {"embed": [], "vectors": [], "words": [], "link": []}
    for run, text in enumerate(texts(runs)):
        claim = Claim.objects.create(
            article=article, text=text, span_start=run, span_end=run + 1, origin="manual"
        )
        started = time.perf_counter()
        vector = embedding.embed([text])
        parts["embed"].append(time.perf_counter() - started)
        started = time.perf_counter()
        index.search(vector, 26)
        parts["vectors"].append(time.perf_counter() - started)
        started = time.perf_counter()
        word_table.candidates([claim], {claim.pk: similarity.features(text)})
        parts["words"].append(time.perf_counter() - started)
        started = time.perf_counter()
        similarity.link_similar([claim.pk])
        parts["link"].append(time.perf_counter() - started)
    p50 = {key: statistics.median(values) * 1000 for key, values in parts.items()}
    print(
        f"linking one new claim at {count:,} claims, p50: {p50['link']:.1f} ms in all "
        f"(alone: embedding {p50['embed']:.1f} ms, vector search {p50['vectors']:.1f} ms, "
        f"word table {p50['words']:.1f} ms)"
    )

    for with_embedding in (True, False):
        base = Claim.objects.count()
        made = []
        for a in range(batch // 10):
            art = Article.objects.create(body=f"batch {a}", content_hash=secrets.token_hex(8))
            made += Claim.objects.bulk_create(
                Claim(article=art, text=t, span_start=i, span_end=i + 1, origin="manual")
                for i, t in enumerate(texts(base + a * 10 + 10)[-10:])
            )
        embed_s = 0.0
        if not with_embedding:
            started = time.perf_counter()
            similarity.ensure_embeddings(made)
            embed_s = time.perf_counter() - started
        started = time.perf_counter()
        links = similarity.link_similar([c.pk for c in made])
        elapsed = time.perf_counter() - started
        what = (
            "with embedding" if with_embedding else f"embedded before ({embed_s:.1f} s), excluded"
        )
        print(
            f"linking a batch of {len(made):,} new claims, {what}: {elapsed:.1f} s = "
            f"{len(made) / elapsed:.0f} claims/s, {links} links"
        )

    if articles:
        sys.path.insert(0, str(ROOT / "bench"))
        from load_bench import generate_article

        folder = Path(tempfile.mkdtemp(prefix="fc_articles_"))
        offset = 10_000_000 + secrets.randbelow(10_000_000)
        for name, first in (("off", offset), ("on", offset + articles)):
            path = folder / f"{name}.jsonl"
            with path.open("w") as out:
                for i in range(first, first + articles):
                    out.write(json.dumps(generate_article(i, 30)) + "\n")
            queued: list[int] = []
            started = time.perf_counter()
            for _ in load_articles(read_path(str(path)), link=queued.extend):
                pass
            loaded = time.perf_counter() - started
            linked = 0.0
            if name == "on":
                started = time.perf_counter()
                for at in range(0, len(queued), 2000):
                    similarity.link_similar(queued[at : at + 2000])
                linked = time.perf_counter() - started
            print(
                f"{articles:,} new articles ({len(queued):,} claims) loaded with linking {name}: "
                f"load {loaded:.1f} s + linking {linked:.1f} s = {loaded + linked:.1f} s"
            )
    print(f"worker peak memory {peak_mb():.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--embed", type=int, default=2000)
    parser.add_argument("--vectors", type=int, default=1_000_000)
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument(
        "--million", action="store_true", help="DATABASE_URL is bench/million.py's (a copy)"
    )
    parser.add_argument("--articles", type=int, default=100)
    parser.add_argument("--batch", type=int, default=1000)
    args = parser.parse_args()
    import django

    django.setup()
    if args.million:
        bench_million(args.articles, args.runs, args.batch)
        return
    bench_embeddings(args.embed)
    bench_search(args.vectors, args.runs)
    if args.claims:
        bench_link(args.claims, args.runs, args.keep)


if __name__ == "__main__":
    main()
