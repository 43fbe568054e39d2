"""The file a vector index is persisted in (claims.vectors): its format, the mark that
tells a worker another wrote it, and the lock of their directory.

The format: a magic line, the JSON header's length (8 bytes, little-endian), the header
(model, database, the log row it is up to date with, the log row it was built at, ...),
then the faiss index's own bytes. It is written to a temporary file renamed over it, so
a reader has the old file or the new one, never half of one.
"""

from __future__ import annotations

import fcntl
import json
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

MAGIC = b"FCVEC1\n"
_START = len(MAGIC) + 8


def write(path: Path, header: dict, index: bytes) -> None:
    """Write the file atomically, flushed to the disk before it is renamed over the old."""
    data = json.dumps(header).encode()
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(MAGIC + len(data).to_bytes(8, "little") + data)
            out.write(index)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_header(start, rest=None) -> dict:
    """The header, with "offset" where the index's bytes begin: from `start`, the file
    mapped in memory, or its first bytes with `rest` the open file to read the header from."""
    if start[: len(MAGIC)] != MAGIC:
        raise ValueError("not a vector index file")
    size = int.from_bytes(start[len(MAGIC) : _START], "little")
    header = json.loads(start[_START : _START + size] if rest is None else rest.read(size))
    header["offset"] = _START + size
    return header


def peek(path: Path) -> dict:
    """The header alone, without reading the index."""
    with path.open("rb") as f:
        return read_header(f.read(_START), f)


def mark(path: Path, stat: os.stat_result | None = None) -> tuple | None:
    """What changes when the file is written again (renamed over: a new inode)."""
    try:
        stat = stat or path.stat()
    except OSError:
        return None
    return (stat.st_ino, stat.st_mtime_ns, stat.st_size)


@contextmanager
def locked(directory: Path):
    """The directory's lock, taken without waiting: yields whether this process has it.
    Held while a file in it is written (and through a whole build), so two workers never
    write at once; one that finds it taken writes at a later change instead. The system
    lets go of it when its holder dies, so a killed build never leaves it taken."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
