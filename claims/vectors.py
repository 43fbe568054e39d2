"""The vector index: the stored claims nearest to a query embedding, the same on every worker.

The database is the truth (claims.ClaimEmbedding). An index is built from it and brought up to
date before each search from the change log (claims.ClaimEmbeddingChange, which triggers fill
on every insert, delete and update of an embedding, whatever wrote it): the claims whose
vectors changed since the last row it applied are taken out and put back as they now stand, so
a deleted or replaced vector never lingers and a new one is found at once, without counting or
comparing a million rows before each search. The sweep (claims.tasks.prune_vector_log) keeps
the log to its last FACTCHECK_VECTOR_LOG_KEEP rows; an index (or a file) whose position is
older than the oldest row left is read again from the database, never brought up to date from
part of the log.

Two kinds, by how many vectors the model has:
- below FACTCHECK_VECTOR_EXACT_BELOW (50,000): exact search over a matrix held in this process.
  Small desks and the gold set are exact and deterministic; the count is checked before each
  search too (cheap at this size), which catches what a log cannot (a test's rolled-back rows
  whose ids come again).
- from there on: an inverted-file index (faiss IVF, vectors kept as 8-bit codes: about 4
  sqrt(n) k-means cells, FACTCHECK_VECTOR_PROBES of them searched), persisted under
  FACTCHECK_VAR_DIR/vectors/ as one file per database and model (claims.vector_files: written
  atomically, with the log row it is up to date with and the one it was built at). A worker
  that starts loads it and applies the log since; the file is written again after
  FACTCHECK_VECTOR_SAVE_EVERY changes (by whichever worker has the directory's lock, never over
  a newer build), and built again from the database when it is missing, of another database or
  model, or does not add up. An index grown to four times the vectors its cells were trained on
  is built again in the background (claims.tasks.rebuild_vector_index, through the outbox, one
  at a time): the worker that asked goes on searching its own, and every worker takes up the
  new file at its next refresh (a stat of the file each time, its header read when it changed).
  The build samples its training vectors with a fixed seed, so workers that build it apart
  build the same index. FACTCHECK_VECTOR_CANDIDATES approximate neighbours are scored again
  with the exact cosine of their stored vectors (one query), best first.

Why IVF and not HNSW (usearch, hnswlib): on this machine's two cores HNSW took 160 to 490 s to
build 100,000 vectors, an hour or more at a million, for every worker whose file is missing;
IVF builds a million in about a minute (bench/README.md)."""

from __future__ import annotations

import logging
import mmap
import os
import re
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db import connection
from django.db.models import Max, Min

from claims import vector_files
from claims.embedding import DIM
from claims.models import ClaimEmbedding, ClaimEmbeddingChange

logger = logging.getLogger(__name__)
# faiss reports at INFO which CPU build it loaded (the wheel's generic one here).
logging.getLogger("faiss.loader").setLevel(logging.WARNING)

# Claim ids per IN list when vectors are read back.
_CHUNK = 10000
# Training vectors per k-means cell, and the seed that picks them.
_TRAIN_PER_CELL = 40
_SEED = 7
# Grown to this many times the vectors its cells were trained on, an index is built again
# (in the background: rebuild), asked for at most once in this many seconds by a worker.
_REGROW = 4
_ASK_REBUILD_EVERY = 300
REBUILD_TASK = "claims.tasks.rebuild_vector_index"
# Change-log rows one prune_log deletes at most.
_PRUNE_MOST = 500_000


def _cells(count: int) -> int:
    """How many k-means cells an index of `count` vectors has: 4 * sqrt(count) (faiss's
    advice is 4 to 16), as far as _TRAIN_PER_CELL training vectors each allow. At a
    million, 4,000 cells searched at 64 probes answered 1,000 queries in 0.44 s with a
    recall@25 of 0.930 where sqrt(n), 1,000 cells, took 1.37 s for 0.752 (bench/README.md):
    a probe reads a quarter of the vectors, and the cells follow the claims' events
    closer. The build takes longer (55 s against 8 s for the k-means of a million)."""
    return max(1, min(int(4 * np.sqrt(count)), count // _TRAIN_PER_CELL))


def exact_below() -> int:
    return int(getattr(settings, "FACTCHECK_VECTOR_EXACT_BELOW", 50_000))


def candidates() -> int:
    return int(getattr(settings, "FACTCHECK_VECTOR_CANDIDATES", 100))


def probes() -> int:
    return int(getattr(settings, "FACTCHECK_VECTOR_PROBES", 64))


def save_every() -> int:
    return int(getattr(settings, "FACTCHECK_VECTOR_SAVE_EVERY", 10_000))


def log_keep() -> int:
    return int(getattr(settings, "FACTCHECK_VECTOR_LOG_KEEP", 100_000))


def _empty() -> tuple[np.ndarray, np.ndarray]:
    return np.zeros(0, dtype=np.int64), np.zeros((0, DIM), dtype=np.float32)


def stored_vectors(model: str, claim_ids) -> tuple[np.ndarray, np.ndarray]:
    """The stored vectors of `model` for `claim_ids` (those that have one), by claim id:
    raw rows, no model instances, an array parameter on PostgreSQL."""
    claim_ids = sorted({int(i) for i in claim_ids})
    rows = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            chunks = [(claim_ids, "= ANY(%s)")] if claim_ids else []
        else:
            chunks = [
                (part, f"IN ({', '.join(['%s'] * len(part))})")
                for part in (claim_ids[at : at + _CHUNK] for at in range(0, len(claim_ids), _CHUNK))
            ]
        for part, test in chunks:
            params = [model, part] if connection.vendor == "postgresql" else [model, *part]
            sql = f"SELECT claim_id, vector FROM claims_claimembedding WHERE model = %s AND claim_id {test}"  # noqa: S608, E501 (placeholders only)
            cursor.execute(sql + " ORDER BY claim_id", params)
            rows += cursor.fetchall()
    return _matrix(rows)


def _matrix(rows) -> tuple[np.ndarray, np.ndarray]:
    ids, vectors = [], []
    for claim_id, vector in rows:
        ids.append(claim_id)
        vectors.append(bytes(vector))
    if not ids:
        return _empty()
    matrix = np.frombuffer(b"".join(vectors), dtype="<f4").reshape(len(ids), -1)
    return np.asarray(ids, dtype=np.int64), matrix


class VectorIndex:
    """Nearest-neighbour search over every stored embedding of one model (see the module's
    docstring): exact below the threshold, IVF persisted beside the database above it."""

    def __init__(self, model: str, directory: Path | None = None):
        self.model = model
        self.directory = directory
        self.database = ""
        self.position = 0  # the last change-log row applied
        self.ids, self.matrix = _empty()  # the exact kind
        self.ivf = None  # the approximate kind: a faiss index, keyed by claim id
        self.trained = 0  # how many vectors its cells were trained on
        self.top = 0  # the highest claim id in it
        self.built = 0  # the log row it was built at: a higher one in the file is newer
        self.unsaved = 0
        self.seen = None  # the file as last read or written (inode, mtime, size)
        self.asked = -float("inf")  # when this worker last asked for a rebuild

    @property
    def approximate(self) -> bool:
        return self.ivf is not None

    def __len__(self) -> int:
        return self.ivf.ntotal if self.ivf is not None else len(self.ids)

    # -- reading the database ----------------------------------------------------------

    def _rows(self):
        return ClaimEmbedding.objects.filter(model=self.model)

    def _vectors(self, claim_ids) -> tuple[np.ndarray, np.ndarray]:
        return stored_vectors(self.model, claim_ids)

    def _all(self) -> tuple[np.ndarray, np.ndarray]:
        rows = self._rows().order_by("claim_id").values_list("claim_id", "vector")
        return _matrix(rows.iterator(chunk_size=5000))

    @staticmethod
    def _log_end() -> int:
        return ClaimEmbeddingChange.objects.aggregate(end=Max("id"))["end"] or 0

    @staticmethod
    def _log_start() -> int:
        return ClaimEmbeddingChange.objects.aggregate(start=Min("id"))["start"] or 0

    def _identity(self) -> str:
        """Which database this is, so a file of a dropped and recreated one (same name, its
        log started again) is not taken for its own."""
        name = str(connection.settings_dict.get("NAME"))
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT oid FROM pg_database WHERE datname = current_database()")
                return f"postgresql:{name}:{cursor.fetchone()[0]}"
        try:
            return f"{connection.vendor}:{name}:{os.stat(name).st_ino}"
        except OSError:
            return f"{connection.vendor}:{name}"

    # -- bringing it up to date --------------------------------------------------------

    def refresh(self) -> None:
        database = _database()
        if database != self.database or (self.ivf is not None and self._newer_file()):
            self._open(database)
            return
        end = self._log_end()
        if end < self.position:  # the log went back: another database under this name
            self._open(database)
            return
        if end > self.position and not self._apply(end):
            self._open(database)  # the log was pruned past it: the rows it needs are gone
            return
        if self.ivf is None:
            count = self._rows().count()
            if count != len(self.ids) or count >= max(exact_below(), 1):
                self._open(database)
        elif len(self) > _REGROW * self.trained:
            self._ask_rebuild()

    def _ask_rebuild(self) -> None:
        """Queue a build of this index (rebuild, through the outbox) and go on searching this
        one: at a million vectors the build takes a minute and a half. The worker that
        builds it writes the file; every worker takes it up at its next refresh."""
        from factcheck.outbox import enqueue

        if time.monotonic() - self.asked < _ASK_REBUILD_EVERY:
            return
        self.asked = time.monotonic()
        key = f"vectors:rebuild:{self.database}:{self.model}"[:200]
        enqueue(REBUILD_TASK, key=key, model=self.model, built=self.built)

    def _open(self, database: str) -> None:
        # The log's end is read before the rows: a change made while they are read is
        # applied again after, which is harmless.
        end = self._log_end()
        count = self._rows().count()
        self.database, self.ivf, self.unsaved = database, None, 0
        if count < max(exact_below(), 1):
            self.ids, self.matrix = self._all()
            self.position = end
            return
        self.ids, self.matrix = _empty()
        if self._load(end, count):
            return
        self._build(end)
        self.save()

    def _apply(self, end: int) -> bool:
        """Take in the log's rows after this index's position up to `end`; False, having
        changed nothing, when some of them were pruned (prune_log) and the index must be
        read again from the database."""
        changed = np.asarray(
            sorted(
                set(
                    ClaimEmbeddingChange.objects.filter(
                        id__gt=self.position, id__lte=end
                    ).values_list("claim_id", flat=True)
                )
            ),
            dtype=np.int64,
        )
        # Looked at after the rows were read: pruning deletes from the oldest row up, so a
        # row deleted before that read leaves the oldest row past this position now.
        if self._log_start() > self.position + 1:
            return False
        ids, matrix = self._vectors(changed)
        if self.ivf is not None:
            # Only ids it may hold are looked for: removing scans every cell.
            old = changed[changed <= self.top]
            if len(old):
                self.ivf.remove_ids(old)
            if len(ids):
                self.ivf.add_with_ids(matrix, ids)
                self.top = max(self.top, int(ids.max()))
            self.unsaved += len(changed)
        else:
            keep = ~np.isin(self.ids, changed)
            self.ids = np.concatenate([self.ids[keep], ids])
            self.matrix = np.vstack([self.matrix[keep], matrix])
        self.position = end
        if self.ivf is not None and self.unsaved >= save_every():
            self.save()
        return True

    def _build(self, end: int) -> None:
        import faiss

        ids, matrix = self._all()
        cells = _cells(len(ids))
        ivf = faiss.IndexIVFScalarQuantizer(
            faiss.IndexFlatIP(DIM),
            DIM,
            cells,
            faiss.ScalarQuantizer.QT_8bit,
            faiss.METRIC_INNER_PRODUCT,
        )
        rng = np.random.default_rng(_SEED)
        sample = min(len(ids), cells * _TRAIN_PER_CELL)
        ivf.train(matrix[np.sort(rng.choice(len(ids), sample, replace=False))])
        ivf.add_with_ids(matrix, ids)
        self.ivf, self.trained, self.position, self.built = ivf, len(ids), end, end
        self.top = int(ids.max()) if len(ids) else 0

    # -- the file ----------------------------------------------------------------------

    def path(self) -> Path:
        directory = self.directory or Path(settings.VAR_DIR) / "vectors"
        slug = re.sub(r"[^A-Za-z0-9.@-]+", "_", f"{self.database}-{self.model}").strip("_")
        return directory / f"{slug[-150:]}.faiss"

    def save(self) -> None:
        """Write the index and the log row it is up to date with to its file, atomically,
        unless the file holds a newer build (which this worker takes up at its refresh)."""
        if self.ivf is None:
            return
        path = self.path()
        path.parent.mkdir(parents=True, exist_ok=True)
        with vector_files.locked(path.parent) as mine:
            on_file = self._header()
            if not mine or (on_file is not None and on_file.get("built", 0) > self.built):
                return  # another worker is writing, or wrote a newer build
            self._write(path)
        self.unsaved = 0

    def _write(self, path: Path) -> None:
        import faiss

        vector_files.write(
            path,
            {
                "model": self.model,
                "database": self._identity(),
                "position": self.position,
                "count": len(self),
                "trained": self.trained,
                "top": self.top,
                "built": self.built,
            },
            faiss.serialize_index(self.ivf).tobytes(),
        )
        self.seen = vector_files.mark(path)

    def _header(self) -> dict | None:
        """The header of the file if it is this database's and this model's."""
        try:
            header = vector_files.peek(self.path())
        except (OSError, ValueError, KeyError):
            return None
        if header["model"] != self.model or header["database"] != self._identity():
            return None
        return header

    def _newer_file(self) -> bool:
        """Whether the file holds a newer build than this index (another worker rebuilt
        it): a stat at each refresh, the header read only when the file changed."""
        mark = vector_files.mark(self.path())
        if mark is None or mark == self.seen:
            return False
        self.seen = mark
        header = self._header()
        return header is not None and header.get("built", 0) > self.built

    def _load(self, end: int, count: int) -> bool:
        """Take the index from its file if it is this database's and this model's and adds
        up, then apply the log since it was written."""
        import faiss

        path = self.path()
        try:
            with path.open("rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as m:
                header = vector_files.read_header(m)
                if (
                    header["model"] != self.model
                    or header["database"] != self._identity()
                    or header["position"] > end
                ):
                    return False
                offset = header["offset"]
                ivf = faiss.deserialize_index(np.frombuffer(m, dtype=np.uint8, offset=offset))
                self.seen = vector_files.mark(path, os.fstat(f.fileno()))
        except FileNotFoundError:
            return False
        except (OSError, ValueError, KeyError, RuntimeError) as error:
            logger.warning("vector index %s not used: %s", path, error)
            return False
        self.ivf, self.position = ivf, header["position"]
        self.trained, self.top = header["trained"], header["top"]
        self.built = header.get("built", 0)
        if not self._apply(end):
            logger.info("vector index %s is older than the change log: building it again", path)
            self.ivf = None
            return False
        if len(self) != count:
            logger.warning("vector index %s does not add up: building it again", path)
            self.ivf = None
            return False
        return True

    # -- searching ---------------------------------------------------------------------

    def search(self, queries: np.ndarray, k: int) -> list[list[tuple[int, float]]]:
        """For each query vector, the k stored claims nearest by cosine, best first."""
        return self.start_search(queries, k)()

    def start_search(self, queries: np.ndarray, k: int) -> Callable[[], list]:
        """search, begun: faiss searches in a thread (no lock of Python's, no database) while
        the caller asks the database other things; the function returned waits, re-scores."""
        self.refresh()
        if not len(self):
            return lambda: [[] for _ in range(len(queries))]
        if self.ivf is not None:
            queries = np.ascontiguousarray(queries, dtype=np.float32)
            self.ivf.nprobe = probes()
            keys = _searching().submit(self.ivf.search, queries, max(k, candidates()))
            return lambda: self._rescore(queries, keys.result()[1], k)
        found = self._search_exact(queries, k)
        return lambda: found

    def _search_exact(self, queries: np.ndarray, k: int) -> list[list[tuple[int, float]]]:
        sims = queries @ self.matrix.T
        k = min(k, len(self.ids))
        found = []
        for row in sims:
            top = np.argpartition(-row, k - 1)[:k]
            top = top[np.argsort(-row[top])]
            found.append([(int(self.ids[j]), float(row[j])) for j in top])
        return found

    def _rescore(self, queries: np.ndarray, keys: np.ndarray, k: int) -> list:
        shortlists = [row[row >= 0] for row in keys]
        # Scored again with the exact cosine of the stored vectors, read in one query.
        ids, matrix = self._vectors(np.concatenate(shortlists))
        row_of = {int(claim_id): n for n, claim_id in enumerate(ids)}
        found = []
        for query, shortlist in zip(queries, shortlists, strict=True):
            rows = np.asarray([row_of[int(i)] for i in shortlist if int(i) in row_of], dtype=int)
            if not len(rows):
                found.append([])
                continue
            sims = matrix[rows] @ query
            order = np.lexsort((ids[rows], -sims))[:k]
            found.append([(int(ids[rows[j]]), float(sims[j])) for j in order])
        return found


_pools: dict[int, ThreadPoolExecutor] = {}


def _searching() -> ThreadPoolExecutor:
    """The thread faiss searches in, one a process: a forked worker has none of its parent's."""
    if os.getpid() not in _pools:
        _pools[os.getpid()] = ThreadPoolExecutor(max_workers=1, thread_name_prefix="faiss")
    return _pools[os.getpid()]


def _database() -> str:
    return f"{connection.vendor}:{connection.settings_dict.get('NAME')}"


def rebuild(*, model: str, built: int) -> bool:
    """Build the index of `model` from the database and write its file, unless a build
    newer than `built` is there already or another worker is building it (one at a time:
    the directory's lock, held through the build). Workers searching meanwhile keep
    their index, and take up the file at their next refresh. Returns whether it built."""
    index = VectorIndex(model)
    index.database = _database()
    path = index.path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with vector_files.locked(path.parent) as mine:
        on_file = index._header()
        if not mine or (on_file is not None and on_file.get("built", 0) > built):
            return False
        index._build(index._log_end())
        index._write(path)
    return True


def prune_log(*, most: int = _PRUNE_MOST) -> int:
    """Delete the change log's rows but the last FACTCHECK_VECTOR_LOG_KEEP, at most `most`
    of them (a long log goes over a few calls, each a short statement). The newest row is
    always kept, so the log's end never goes back (refresh would take that for another
    database). An index further behind finds the gap (_apply) and is read again."""
    start = VectorIndex._log_start()
    below = min(VectorIndex._log_end() - max(log_keep(), 1) + 1, start + most)
    if below <= start:
        return 0
    return ClaimEmbeddingChange.objects.filter(id__lt=below).delete()[0]


_indexes: dict[str, VectorIndex] = {}


def vector_index() -> VectorIndex:
    """This process's index of the current embedding model."""
    from claims import embedding

    if embedding.MODEL_NAME not in _indexes:
        _indexes[embedding.MODEL_NAME] = VectorIndex(embedding.MODEL_NAME)
    return _indexes[embedding.MODEL_NAME]
