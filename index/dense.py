"""FAISS adapter: the index type follows the corpus size; rows are chunk positions in the store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

# Exact search is fast enough below this many vectors on 2 cores; above it, HNSW keeps p50 low with
# ~1.2x the raw vector bytes (IVF-PQ would be smaller but loses too much recall for citation work).
FLAT_LIMIT = 200_000
HNSW_M = 32


def build(vectors: np.ndarray) -> Any:
    import faiss

    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    dim = vectors.shape[1]
    if len(vectors) <= FLAT_LIMIT:
        index = faiss.IndexFlatIP(dim)
    else:
        index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 40
        index.hnsw.efSearch = 64
    index.add(vectors)
    return index


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
        params = faiss.SearchParametersHNSW(sel=selector) if isinstance(index, faiss.IndexHNSW) else faiss.SearchParameters(sel=selector)
    scores, rows = index.search(q, k, params=params)
    return [(int(r), float(s)) for r, s in zip(rows[0], scores[0], strict=True) if r >= 0]
