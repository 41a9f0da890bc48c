"""Hybrid search: lexical-first weighted fusion of char-BM25, word-BM25 and dense similarity, with filters.

The store returns each field's top candidates (Tantivy's top-k collector, never a score per passage);
the fusion is exact over their union.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

import numpy as np
from granska.index.embedders import Encoder
from granska.index.lexical import CANDIDATES, query_terms
from granska.index.store import Store

from granska.errors import BadRequestError
from granska.settings import SearchSettings
from granska.text import fold
from granska.types import Chunk, DocMeta, Hit, Outline

FILTER_KEYS = ("municipality", "role", "auditor", "issuer", "year", "date", "doc", "title", "section")
SECTION_POOL = 1000  # candidates drawn before a section filter keeps those in the section
CHUNK_KEYS = ("section",)  # filters on a passage's place in its document, not on the document's metadata


def parse_filters(
    items: Sequence[str] | Mapping[str, str | list[str]] | None, *, extra: Sequence[str] = ()
) -> dict[str, list[str]]:
    """`["municipality=X", "role=response"]` or a mapping -> {key: [values]}; unknown keys are an error."""
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
                raise BadRequestError(f"filter '{item}' must look like KEY=VALUE, e.g. role=response")
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
    """Every key must match one of its values; words match by folded prefix ("X" ~ "X kommun")."""
    fields = {**meta.as_dict(), "doc": doc}
    for key, values in filters.items():
        if key in CHUNK_KEYS:
            continue
        have = _words(str(fields.get(key) or ""))
        if not any(_words(v) and all(any(h.startswith(w) for h in have) for w in _words(v)) for v in values):
            return False
    return True


def section_matches(kind: str | None, headings: Sequence[str], values: list[str]) -> bool:
    """`section=findings` matches a section's kind; `section=Rekommendationer` a heading on its path (by folded
    word prefix, like the metadata filters)."""
    for v in values:
        if kind is not None and fold(v).strip() == kind:
            return True
        want = _words(v)
        if want and any(all(any(h.startswith(w) for h in _words(head)) for w in want) for head in headings):
            return True
    return False


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9_]+", fold(text))


class Searcher:
    """Reads the store's last committed state; notices commits from any process at the next query."""

    def __init__(
        self,
        store: Store,
        embedder: Encoder | None,
        settings: SearchSettings,
        *,
        outlines: Callable[[str], Outline | None] | None = None,
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.settings = settings
        self.outlines = outlines
        self._all: tuple[int, list[Chunk], np.ndarray] | None = None

    @property
    def metas(self) -> dict[str, DocMeta]:
        return self.store.metas()

    @property
    def chunks(self) -> list[Chunk]:
        """Every chunk in row order (reads them all: for tuning scripts, not the query path)."""
        return self._everything()[1]

    def _everything(self) -> tuple[int, list[Chunk], np.ndarray]:
        v = self.store.version()
        if self._all is None or self._all[0] != v:
            rows = self.store.rows_of(sorted(self.metas))
            found = self.store.chunk_rows(rows)
            self._all = (v, [found[r] for r in rows], rows)
        return self._all

    def hit_at(self, doc: str, offset: int) -> Hit | None:
        """The passage of `doc` that holds `offset`, unscored (for citations found outside the ranking)."""
        c = self.store.chunk_at(doc, offset)
        return None if c is None else self._hit(c, 0.0)

    def section_of(self, c: Chunk) -> tuple[str | None, tuple[str, ...]]:
        """A passage's section kind and heading path, from its document's outline (where one is known)."""
        o = self.outlines(c.doc) if self.outlines is not None else None
        sec = o.section_at(c.start) if o is not None else None
        return (sec.kind, sec.path) if sec is not None else (None, ())

    def _hit(self, c: Chunk, score: float, parts: dict[str, float] | None = None) -> Hit:
        kind, path = self.section_of(c)
        return Hit(chunk=c, score=score, meta=self.metas[c.doc], parts=parts or {}, section=kind, headings=path)

    def allowed_docs(self, filters: dict[str, list[str]]) -> list[str] | None:
        if not filters:
            return None
        return [n for n, m in self.metas.items() if meta_matches(n, m, filters)]

    def allowed_rows(self, filters: dict[str, list[str]]) -> np.ndarray | None:
        docs = self.allowed_docs(filters)
        return None if docs is None else self.store.rows_of(docs)

    def _dense(
        self, query: str, docs: list[str] | None, qvec: np.ndarray | None = None
    ) -> dict[int, tuple[float, float]]:
        """Dense candidates: (cosine stretched to [0, 1], raw cosine). One model's cosines sit in a narrow band,
        so fusion reads the stretched one; the raw one says how close the best passage really is."""
        s = self.settings
        if self.embedder is None:  # the engine gives one when dense fuses or the abstainer reads the cosine
            return {}
        if qvec is None:
            qvec = self.embedder.encode([query], query=True)[0]
        allowed = None if docs is None else self.store.rows_of(docs)
        found = self.store.dense_search(qvec, s.dense_candidates, allowed)
        if not found:
            return {}
        sims = np.array([v for _, v in found], dtype=np.float32)
        lo, hi = float(sims.min()), float(sims.max())
        scaled = (sims - lo) / (hi - lo) if hi > lo else np.ones_like(sims)
        return {int(r): (float(x), float(raw)) for (r, _), x, raw in zip(found, scaled, sims, strict=True)}

    def candidates(
        self, query: str, docs: list[str] | None, *, k: int, qvec: np.ndarray | None = None
    ) -> tuple[np.ndarray, dict[str, np.ndarray], dict[int, Chunk]]:
        """Live candidate rows and each signal for them, lexical scaled by its best score within the filter."""
        dense = self._dense(query, docs, qvec)
        rows, lexical = self.store.lexical_search(query_terms(query), max(k, CANDIDATES), docs, list(dense))
        found = self.store.chunk_rows(rows)
        live = np.array([r in found for r in rows], dtype=bool)  # rows of a crashed writer never show
        rows = rows[live]
        out = {f: _scaled(lexical[f][live]) for f in ("char", "word")}
        out["dense"] = np.array([dense.get(int(r), (0.0, 0.0))[0] for r in rows], dtype=np.float32)
        out["cosine"] = np.array([dense.get(int(r), (0.0, 0.0))[1] for r in rows], dtype=np.float32)
        return rows, out, found

    def signals(
        self, query: str, allowed: np.ndarray | None, *, qvec: np.ndarray | None = None
    ) -> dict[str, np.ndarray]:
        """Each signal as one score per chunk (positions in `chunks`), scaled to [0, 1], plus the raw cosine
        ("cosine": absolute, so it can tell a question the documents do not answer); for tuning and fitting
        scripts. `qvec`: the query's embedding when the caller already has it."""
        _, chunks, all_rows = self._everything()
        docs = None if allowed is None else sorted({chunks[i].doc for i in allowed})
        rows, sig, _ = self.candidates(query, docs, k=len(chunks), qvec=qvec)
        pos = np.searchsorted(all_rows, rows)
        out = {}
        for name, values in sig.items():
            full = np.zeros(len(chunks), dtype=np.float32)
            full[pos] = values
            out[name] = full
        return out

    def search(self, query: str, *, k: int = 5, filters: dict[str, list[str]] | None = None) -> list[Hit]:
        docs = self.allowed_docs(filters or {})
        if not query.strip() or not self.metas or (docs is not None and not docs):
            return []
        by_section = "section" in (filters or {})
        # A section filter applies to the candidates, so draw many more of them: most may stand elsewhere.
        rows, sig, found = self.candidates(query, docs, k=max(k, SECTION_POOL) if by_section else k)
        if by_section:  # a passage-level filter: keep the candidates standing in that section
            keep = np.array(
                [section_matches(*self.section_of(found[int(r)]), (filters or {})["section"]) for r in rows], dtype=bool
            )
            rows, sig = rows[keep], {name: v[keep] for name, v in sig.items()}
        if not len(rows):
            return []
        return self._ranked(rows, sig, found, k=k)

    def rank(self, sig: dict[str, np.ndarray], allowed: np.ndarray | None, *, k: int) -> list[Hit]:
        """The top `k` allowed chunks by the weighted fusion of `sig` (full arrays, as `signals` returns them)."""
        _, chunks, all_rows = self._everything()
        positions = np.arange(len(chunks)) if allowed is None else np.asarray(allowed, dtype=np.int64)
        if not len(positions):
            return []
        found = {int(all_rows[i]): chunks[int(i)] for i in positions}
        return self._ranked(all_rows[positions], {n: v[positions] for n, v in sig.items()}, found, k=k)

    def _ranked(self, rows: np.ndarray, sig: dict[str, np.ndarray], found: Mapping[int, Chunk], *, k: int) -> list[Hit]:
        s = self.settings
        fused = s.w_char * sig["char"] + s.w_word * sig["word"] + s.w_dense * sig["dense"]
        k = min(max(k, 1), len(rows))
        # Top-k without sorting every candidate; ties keep row (= ingest) order, as a stable sort would.
        top = np.argpartition(-fused, k - 1)[:k] if k < len(rows) else np.arange(len(rows))
        top = top[np.lexsort((rows[top], -fused[top]))]
        total = s.w_char + s.w_word + s.w_dense or 1.0
        return [
            self._hit(found[int(rows[i])], float(fused[i] / total), {name: float(v[i]) for name, v in sig.items()})
            for i in top
        ]


def _scaled(scores: np.ndarray) -> np.ndarray:
    top = float(scores.max()) if len(scores) else 0.0
    return scores / top if top > 0 else np.zeros_like(scores)
