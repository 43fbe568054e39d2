"""The vector index's upkeep (claims.vectors): the change log pruned to a window, and an
index left behind the window read again from the database instead of taking in the part
of the log that is left. Vectors are synthesised as in tests/test_vectors.py."""

from __future__ import annotations

import pytest

from claims import vector_files, vectors
from claims.models import Claim, ClaimEmbedding, ClaimEmbeddingChange
from claims.tasks import prune_vector_log, rebuild_vector_index
from claims.vectors import VectorIndex
from tests.test_vectors import MODEL, K, clustered, exact_answers, ids_of, store, unit

pytestmark = pytest.mark.django_db


def log_ids() -> list[int]:
    return list(ClaimEmbeddingChange.objects.order_by("id").values_list("id", flat=True))


def test_the_prune_keeps_the_last_rows_of_the_log(settings):
    settings.FACTCHECK_VECTOR_LOG_KEEP = 5
    store(clustered(12, seed=1))
    before = log_ids()

    assert prune_vector_log() == 7
    assert log_ids() == before[-5:]
    assert prune_vector_log() == 0  # nothing more to delete


def test_the_prune_always_keeps_the_newest_row(settings):
    settings.FACTCHECK_VECTOR_LOG_KEEP = 0
    store(clustered(4, seed=1))
    newest = log_ids()[-1]

    prune_vector_log()
    assert log_ids() == [newest]


def changes_then_prune(settings, ids, queries) -> tuple[set[int], list[int]]:
    """Delete the nearest stored claim of each query and add a claim right beside it, then
    prune the log down to rows written after those changes: an index that took in what is
    left would still answer the deleted claims and miss the added ones."""
    nearest = VectorIndex(MODEL).search(queries, 1)
    gone = {row[0][0] for row in nearest}
    Claim.objects.filter(pk__in=gone).delete()
    added = store(unit(queries + 0.001))
    # Later changes the window keeps: vectors replaced, far from the queries.
    later = ids[-20:]
    for claim_id, vector in zip(later, clustered(len(later), seed=9), strict=True):
        ClaimEmbedding.objects.filter(claim_id=claim_id).update(vector=vector.tobytes())
    settings.FACTCHECK_VECTOR_LOG_KEEP = len(later)
    assert prune_vector_log() > 0
    return gone, added


def test_an_exact_index_behind_the_pruned_log_is_read_again(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    ids = store(clustered(300, seed=1))
    queries = clustered(4, seed=2)
    index = VectorIndex(MODEL)
    index.search(queries, K)

    gone, added = changes_then_prune(settings, ids, queries)
    found = index.search(queries, K)

    assert ids_of(found) == exact_answers(queries, settings)
    assert [row[0][0] for row in found] == added
    assert not gone & {i for row in found for i, _ in row}


def test_an_approximate_index_and_its_file_behind_the_pruned_log_are_built_again(
    settings, tmp_path
):
    settings.FACTCHECK_VECTOR_EXACT_BELOW = 1000
    settings.FACTCHECK_VECTOR_PROBES = 10**6  # every cell: the answers are exact
    settings.VAR_DIR = tmp_path
    ids = store(clustered(3000, seed=1))
    queries = clustered(6, seed=3)
    running = VectorIndex(MODEL)
    running.search(queries, K)  # built, and its file written at this position
    (path,) = (tmp_path / "vectors").iterdir()
    written = path.stat().st_mtime_ns

    gone, added = changes_then_prune(settings, ids, queries)
    starting = VectorIndex(MODEL)  # a worker that starts finds the file behind the log
    found_starting = starting.search(queries, K)
    found_running = running.search(queries, K)

    expected = exact_answers(queries, settings)
    for found in (found_starting, found_running):
        assert ids_of(found) == expected
        assert [row[0][0] for row in found] == added
        assert not gone & {i for row in found for i, _ in row}
    assert path.stat().st_mtime_ns != written  # built again and written over it
    assert len(starting) == len(running) == 3000 - len(gone) + len(added)


@pytest.fixture
def small_ivf(settings, tmp_path):
    """An approximate index from 1,000 vectors on, searched in every cell (exact answers)."""
    settings.FACTCHECK_VECTOR_EXACT_BELOW = 1000
    settings.FACTCHECK_VECTOR_PROBES = 10**6
    settings.VAR_DIR = tmp_path
    return settings


def rebuild_messages():
    from factcheck.outbox.models import Message

    return Message.objects.filter(task=vectors.REBUILD_TASK)


def test_an_index_grown_past_its_cells_is_built_in_the_background_and_taken_up(small_ivf):
    from factcheck.outbox.services import run_message

    store(clustered(1000, seed=1))
    queries = clustered(5, seed=2)
    searching, other = VectorIndex(MODEL), VectorIndex(MODEL)
    searching.search(queries, K)
    other.search(queries, K)  # loads the file
    path = searching.path()
    assert other.trained == searching.trained == 1000

    new = store(clustered(3001, seed=3))  # past four times what its cells were trained on
    found = searching.search(queries, K)

    # The search answered from the index it had, brought up to date, and asked for a build.
    assert searching.trained == 1000 and len(searching) == 4001
    assert ids_of(found) == exact_answers(queries, small_ivf)
    (message,) = rebuild_messages()
    searching.search(queries, K)
    assert rebuild_messages().count() == 1  # asked once

    assert run_message(message.pk) == "done"  # the worker's build, through the outbox
    assert vector_files.peek(path)["trained"] == 4001
    for index in (searching, other):
        assert ids_of(index.search(queries, K)) == exact_answers(queries, small_ivf)
        assert index.trained == 4001  # took up the new file
        assert len(index) == 4001
    assert new[-1] == searching.top


def test_a_rebuild_runs_once_and_an_older_build_never_writes_over_a_newer(small_ivf):
    store(clustered(1000, seed=1))
    queries = clustered(3, seed=2)
    old = VectorIndex(MODEL)
    old.search(queries, K)
    path = old.path()
    store(clustered(3001, seed=3))
    old.search(queries, K)

    with vector_files.locked(path.parent):  # another worker is building it
        assert rebuild_vector_index(model=MODEL, built=old.built) is False
    assert vector_files.peek(path)["trained"] == 1000

    assert rebuild_vector_index(model=MODEL, built=old.built) is True
    written = path.stat().st_mtime_ns
    # The same message delivered twice: the newer build is there, nothing is built.
    assert rebuild_vector_index(model=MODEL, built=old.built) is False
    # A worker still on the old build writes its file: the newer one stays.
    old.save()
    assert path.stat().st_mtime_ns == written
    assert vector_files.peek(path)["trained"] == 4001
