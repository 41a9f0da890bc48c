"""FAISS adapter: `id_index` for the store (ids = chunk rows, removable); `empty`/`build` choose a type by size."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

# Exact search is fast enough below this many vectors on 2 cores. Above it, IVF-Flat: ~1.0x the raw vector
# bytes (HNSW adds ~20% of links and takes far longer to build on 2 cores; IVF-PQ loses too much recall
# for citation work).
FLAT_LIMIT = 200_000
IVF_PROBE = 32
TRAIN_PER_LIST = 40  # k-means wants ~39 points per centroid


def build(vectors: np.ndarray) -> Any:
    """An index over `vectors` (rows = chunk positions), its type chosen by size."""
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    index = empty(vectors.shape[1], len(vectors))
    train(index, vectors)
    index.add(vectors)
    return index


def empty(dim: int, n: int) -> Any:
    """An untrained index suited to n vectors (build() in steps, for corpora too large to hold twice)."""
    import faiss

    if n <= FLAT_LIMIT:
        return faiss.IndexFlatIP(dim)
    nlist = int(4 * np.sqrt(n))
    index = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, nlist, faiss.METRIC_INNER_PRODUCT)
    index.nprobe = IVF_PROBE
    return index


def train_size(index: Any) -> int:
    return int(getattr(index, "nlist", 0)) * TRAIN_PER_LIST


def train(index: Any, sample: np.ndarray) -> None:
    if not index.is_trained:
        rows = np.random.default_rng(0).choice(len(sample), size=min(len(sample), train_size(index)), replace=False)
        index.train(np.ascontiguousarray(sample[np.sort(rows)], dtype=np.float32))


def kind(index: Any) -> str:
    return type(index).__name__


def write(index: Any, path: Path) -> None:
    import faiss

    faiss.write_index(index, str(path))


def read(path: Path) -> Any:
    import faiss

    return faiss.read_index(str(path))


def search(index: Any, query: np.ndarray, k: int, allowed: np.ndarray | None) -> list[tuple[int, float]]:
    """Top-k (row, inner product); `allowed` restricts the search to those rows (metadata filters)."""
    import faiss

    k = min(k, index.ntotal)
    if k <= 0:
        return []
    q = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
    params = None
    if allowed is not None:
        if len(allowed) == 0:
            return []
        selector = faiss.IDSelectorBatch(np.asarray(allowed, dtype=np.int64))
        params = (
            faiss.SearchParametersIVF(sel=selector, nprobe=index.nprobe)  # type: ignore[call-arg]  # stubs lag the API
            if isinstance(index, faiss.IndexIVF)
            else faiss.SearchParameters(sel=selector)  # type: ignore[call-arg]
        )
    scores, rows = index.search(q, k, params=params)
    return [(int(r), float(s)) for r, s in zip(rows[0], scores[0], strict=True) if r >= 0]


def id_index(dim: int) -> Any:
    """An exact index whose ids are the store's chunk rows: rows can be added and removed one document at a
    time (IVF would need retraining as the corpus grows; exact search suits the optional dense signal)."""
    import faiss

    return faiss.IndexIDMap2(faiss.IndexFlatIP(dim))


def add(index: Any, ids: np.ndarray, vectors: np.ndarray) -> None:
    index.add_with_ids(np.ascontiguousarray(vectors, dtype=np.float32), np.asarray(ids, dtype=np.int64))
