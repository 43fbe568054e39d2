"""The vector index (claims.vectors): the approximate kind against exact search, its file
persisted and loaded by another index, new vectors appended, deleted and replaced ones
never answered, on SQLite and PostgreSQL alike. Vectors are synthesised (clusters of
unit vectors), a few thousand: enough for the approximate kind, which the tests turn on
by lowering FACTCHECK_VECTOR_EXACT_BELOW."""

from __future__ import annotations

import numpy as np
import pytest

from claims import embedding
from claims.models import Article, Claim, ClaimEmbedding, ClaimEmbeddingChange
from claims.vectors import VectorIndex

pytestmark = pytest.mark.django_db

MODEL = "synthetic-test-model"
N = 3000
K = 25


def unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def clustered(n: int, seed: int) -> np.ndarray:
    """Unit vectors in 60 clusters, as claims about the same events are."""
    rng = np.random.default_rng(seed)
    centres = unit(rng.standard_normal((60, embedding.DIM)))
    return unit(centres[rng.integers(0, 60, n)] + 0.03 * rng.standard_normal((n, embedding.DIM)))


def store(vectors: np.ndarray) -> list[int]:
    article = Article.objects.create(body="synthetic", content_hash=f"h{Article.objects.count()}")
    claims = Claim.objects.bulk_create(
        Claim(article=article, text=f"claim {i}", span_start=i, span_end=i + 1, origin="manual")
        for i in range(len(vectors))
    )
    ClaimEmbedding.objects.bulk_create(
        ClaimEmbedding(claim=c, model=MODEL, vector=embedding.to_bytes(v))
        for c, v in zip(claims, vectors, strict=True)
    )
    return [c.pk for c in claims]


@pytest.fixture
def approximate(settings, tmp_path):
    settings.FACTCHECK_VECTOR_EXACT_BELOW = 1000
    # Fewer cells searched than the index has (3000 // 40 = 75): approximate.
    settings.FACTCHECK_VECTOR_PROBES = 10
    settings.VAR_DIR = tmp_path
    return settings


def exact_answers(queries: np.ndarray, settings) -> list[list[int]]:
    below = settings.FACTCHECK_VECTOR_EXACT_BELOW
    settings.FACTCHECK_VECTOR_EXACT_BELOW = 10**9
    try:
        return [[i for i, _ in row] for row in VectorIndex(MODEL).search(queries, K)]
    finally:
        settings.FACTCHECK_VECTOR_EXACT_BELOW = below


def ids_of(found) -> list[list[int]]:
    return [[i for i, _ in row] for row in found]


def test_the_approximate_index_finds_most_of_the_exact_neighbours(approximate):
    store(clustered(N, seed=1))
    queries = clustered(40, seed=2)
    index = VectorIndex(MODEL)
    found = index.search(queries, K)

    assert index.approximate
    exact = exact_answers(queries, approximate)
    recall = np.mean([len(set(a) & set(e)) / K for a, e in zip(ids_of(found), exact, strict=True)])
    assert recall >= 0.9, recall
    for row in found:  # best first, scored with the exact cosine
        scores = [s for _, s in row]
        assert scores == sorted(scores, reverse=True)
    claim_id, cosine = found[0][0]
    stored = embedding.from_bytes(ClaimEmbedding.objects.get(claim_id=claim_id).vector)
    assert cosine == pytest.approx(float(stored @ queries[0]), abs=1e-5)


def test_below_the_threshold_the_search_is_exact(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    store(clustered(300, seed=1))
    index = VectorIndex(MODEL)
    queries = clustered(5, seed=2)
    found = index.search(queries, K)
    assert not index.approximate
    assert not list(tmp_path.iterdir())
    assert ids_of(found) == exact_answers(queries, settings)


def test_the_index_file_is_loaded_by_another_index_with_the_same_answers(approximate, tmp_path):
    store(clustered(N, seed=1))
    queries = clustered(10, seed=3)
    first = VectorIndex(MODEL)
    answers = first.search(queries, K)
    (path,) = (tmp_path / "vectors").iterdir()
    written = path.stat().st_mtime_ns

    second = VectorIndex(MODEL)
    assert second.search(queries, K) == answers
    assert second.path() == path
    assert path.stat().st_mtime_ns == written  # loaded, not built and written again
    assert second.position == first.position == ClaimEmbeddingChange.objects.latest("id").id


def test_new_vectors_are_appended_and_found_by_every_index(approximate):
    store(clustered(N, seed=1))
    first, second = VectorIndex(MODEL), VectorIndex(MODEL)
    queries = clustered(5, seed=4)
    first.search(queries, K)
    second.search(queries, K)
    trained = first.trained

    new = store(unit(queries + 0.001))  # right beside each query
    found_first, found_second = first.search(queries, K), second.search(queries, K)

    assert [row[0][0] for row in found_first] == new
    assert found_first == found_second
    assert len(first) == N + len(new)
    assert first.trained == trained  # appended, not built again


def test_deleted_and_replaced_vectors_give_the_exact_answers(approximate):
    ids = store(clustered(N, seed=1))
    approximate.FACTCHECK_VECTOR_PROBES = 10**6  # every cell: the answers are exact
    queries = clustered(8, seed=5)
    index = VectorIndex(MODEL)
    before = index.search(queries, K)
    gone = {row[0][0] for row in before}
    Claim.objects.filter(pk__in=gone).delete()  # the cascade deletes their vectors
    replaced = ids[7]
    ClaimEmbedding.objects.filter(claim_id=replaced).update(
        vector=embedding.to_bytes(unit(queries[3:4] + 0.001)[0])
    )

    after = index.search(queries, K)
    assert ids_of(after) == exact_answers(queries, approximate)
    assert not gone & {i for row in after for i, _ in row}
    assert after[3][0][0] == replaced
    assert len(index) == N - len(gone)


def test_a_stale_file_is_brought_up_to_date_from_the_database(approximate, tmp_path):
    ids = store(clustered(N, seed=1))
    approximate.FACTCHECK_VECTOR_PROBES = 10**6
    queries = clustered(6, seed=6)
    VectorIndex(MODEL).search(queries, K)  # writes the file
    Claim.objects.filter(pk__in=ids[:500]).delete()
    store(clustered(200, seed=7))

    loaded = VectorIndex(MODEL)
    assert ids_of(loaded.search(queries, K)) == exact_answers(queries, approximate)
    assert len(loaded) == N - 500 + 200


def test_a_file_of_another_database_is_not_used(approximate, tmp_path):
    store(clustered(N, seed=1))
    index = VectorIndex(MODEL)
    index.search(clustered(1, seed=2), K)
    path = index.path()
    data = path.read_bytes().replace(b'"database": "', b'"database": "elsewhere-', 1)
    path.write_bytes(data)

    again = VectorIndex(MODEL)
    again.search(clustered(1, seed=2), K)
    assert b"elsewhere-" not in path.read_bytes()  # built again and written over it
    assert len(again) == N


def test_every_write_of_an_embedding_is_in_the_change_log():
    (claim_id,) = store(clustered(1, seed=1))
    ClaimEmbedding.objects.filter(claim_id=claim_id).update(vector=b"\0" * 1536)
    ClaimEmbedding.objects.filter(claim_id=claim_id).delete()
    assert (
        list(ClaimEmbeddingChange.objects.order_by("id").values_list("claim_id", flat=True))
        == [claim_id] * 3
    )
