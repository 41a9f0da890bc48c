"""Hybrid search: lexical-first weighted fusion of char-BM25, word-BM25 and dense similarity, with filters."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import numpy as np
from granska.index.embedders import Encoder
from granska.index.lexical import LexicalIndex
from granska.index.store import Store

from granska.errors import BadRequestError
from granska.settings import SearchSettings
from granska.text import fold
from granska.types import Chunk, DocMeta, Hit

FILTER_KEYS = ("municipality", "role", "auditor", "issuer", "year", "date", "doc", "title")


def parse_filters(
    items: Sequence[str] | Mapping[str, str | list[str]] | None, *, extra: Sequence[str] = ()
) -> dict[str, list[str]]:
    """`["municipality=Motala", "role=response"]` or a mapping -> {key: [values]}; unknown keys are an error."""
    known = (*FILTER_KEYS, *extra)
    out: dict[str, list[str]] = {}
    pairs: list[tuple[str, str]] = []
    if isinstance(items, Mapping):
        for key, value in items.items():
            pairs.extend((key, v) for v in (value if isinstance(value, list) else [value]))
    else:
        for item in items or []:
            key, sep, value = item.partition("=")
            if not sep:
                raise BadRequestError(f"filter '{item}' must look like KEY=VALUE, e.g. municipality=Motala")
            pairs.append((key, value))
    for key, value in pairs:
        key = key.strip().lower()
        if key not in known:
            raise BadRequestError(f"unknown filter key '{key}' (use one of: {', '.join(known)})")
        if not str(value).strip():
            raise BadRequestError(f"filter '{key}' needs a value")
        out.setdefault(key, []).append(str(value).strip())
    return out


def meta_matches(doc: str, meta: DocMeta, filters: dict[str, list[str]]) -> bool:
    """Every key must match one of its values; words match by folded prefix ("Motala" ~ "Motala kommun")."""
    fields = {**meta.as_dict(), "doc": doc}
    for key, values in filters.items():
        have = _words(str(fields.get(key) or ""))
        if not any(_words(v) and all(any(h.startswith(w) for h in have) for w in _words(v)) for v in values):
            return False
    return True


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9_]+", fold(text))


class Searcher:
    def __init__(self, store: Store, embedder: Encoder | None, lexical: LexicalIndex, settings: SearchSettings) -> None:
        self.store = store
        self.embedder = embedder
        self.lexical = lexical
        self.settings = settings
        self.chunks: list[Chunk] = store.chunks()
        self.metas = {name: d.meta for name, d in store.documents().items()}
        rows: dict[str, list[int]] = {name: [] for name in self.metas}
        for i, c in enumerate(self.chunks):  # one pass: a scan per document would be quadratic
            rows[c.doc].append(i)
        self._doc_rows = {name: np.array(r, dtype=np.int64) for name, r in rows.items()}

    def hit_at(self, doc: str, offset: int) -> Hit | None:
        """The passage of `doc` that holds `offset`, unscored (for citations found outside the ranking)."""
        for row in self._doc_rows.get(doc, []):
            c = self.chunks[row]
            if c.start <= offset < c.end:
                return Hit(chunk=c, score=0.0, meta=self.metas[doc])
        return None

    def allowed_rows(self, filters: dict[str, list[str]]) -> np.ndarray | None:
        if not filters:
            return None
        rows = [self._doc_rows[n] for n, m in self.metas.items() if meta_matches(n, m, filters)]
        return np.sort(np.concatenate(rows)) if rows else np.zeros(0, dtype=np.int64)

    def signals(
        self, query: str, allowed: np.ndarray | None, *, qvec: np.ndarray | None = None
    ) -> dict[str, np.ndarray]:
        """Each signal as one score per chunk, scaled to [0, 1] within the allowed chunks, plus the raw cosine
        ("cosine": absolute, so it can tell a question the documents do not answer). `qvec`: the query's
        embedding when the caller already has it."""
        s = self.settings
        raw = self.lexical.scores(query)
        out = {"char": _scaled(raw["char"], allowed), "word": _scaled(raw["word"], allowed)}
        dense = np.zeros(len(self.chunks), dtype=np.float32)
        cosine = np.zeros(len(self.chunks), dtype=np.float32)
        if self.embedder is not None:  # the engine gives one when dense fuses or the abstainer reads the cosine
            if qvec is None:
                qvec = self.embedder.encode([query], query=True)[0]
            found = self.store.dense_search(qvec, s.dense_candidates, allowed)
            if found:
                rows = np.array([r for r, _ in found])
                sims = np.array([v for _, v in found], dtype=np.float32)
                cosine[rows] = sims
                # Cosines of one model sit in a narrow band: stretch the candidates' range to [0, 1].
                lo, hi = float(sims.min()), float(sims.max())
                dense[rows] = (sims - lo) / (hi - lo) if hi > lo else 1.0
        out["dense"] = dense
        out["cosine"] = cosine
        return out

    def search(self, query: str, *, k: int = 5, filters: dict[str, list[str]] | None = None) -> list[Hit]:
        allowed = self.allowed_rows(filters or {})
        if not self.chunks or (allowed is not None and len(allowed) == 0) or not query.strip():
            return []
        return self.rank(self.signals(query, allowed), allowed, k=k)

    def rank(self, sig: dict[str, np.ndarray], allowed: np.ndarray | None, *, k: int) -> list[Hit]:
        """The top `k` allowed chunks by the weighted fusion of `sig` (as returned by `signals`)."""
        s = self.settings
        fused = s.w_char * sig["char"] + s.w_word * sig["word"] + s.w_dense * sig["dense"]
        if allowed is not None:
            mask = np.full(len(self.chunks), -np.inf, dtype=np.float32)
            mask[allowed] = 0.0
            fused = fused + mask
        order = np.argsort(-fused, kind="stable")[: max(k, 1)]
        total = s.w_char + s.w_word + s.w_dense or 1.0
        return [
            Hit(
                chunk=self.chunks[i],
                score=float(fused[i] / total),
                meta=self.metas[self.chunks[i].doc],
                parts={name: float(v[i]) for name, v in sig.items()},
            )
            for i in order
            if np.isfinite(fused[i])
        ]


def _scaled(scores: np.ndarray, allowed: np.ndarray | None) -> np.ndarray:
    pool = scores if allowed is None else scores[allowed]
    top = float(pool.max()) if len(pool) else 0.0
    return scores / top if top > 0 else np.zeros_like(scores)
