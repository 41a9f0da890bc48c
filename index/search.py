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
from granska.types import Chunk, DocMeta, Hit, Outline

FILTER_KEYS = ("municipality", "role", "auditor", "issuer", "year", "date", "doc", "title", "section")
CHUNK_KEYS = ("section",)  # filters on a passage's place in its document, not on the document's metadata


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
    def __init__(
        self,
        store: Store,
        embedder: Encoder | None,
        lexical: LexicalIndex,
        settings: SearchSettings,
        *,
        outlines: Mapping[str, Outline] | None = None,
    ) -> None:
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
        # Each passage's section kind and heading path, from its document's outline (where one is given).
        self.sections: list[tuple[str | None, tuple[str, ...]]] = []
        for c in self.chunks:
            o = (outlines or {}).get(c.doc)
            sec = o.section_at(c.start) if o is not None else None
            self.sections.append((sec.kind, sec.path) if sec is not None else (None, ()))

    def _hit(self, row: int, score: float, parts: dict[str, float] | None = None) -> Hit:
        c = self.chunks[row]
        kind, path = self.sections[row]
        return Hit(chunk=c, score=score, meta=self.metas[c.doc], parts=parts or {}, section=kind, headings=path)

    def hit_at(self, doc: str, offset: int) -> Hit | None:
        """The passage of `doc` that holds `offset`, unscored (for citations found outside the ranking)."""
        for row in self._doc_rows.get(doc, []):
            c = self.chunks[row]
            if c.start <= offset < c.end:
                return self._hit(int(row), 0.0)
        return None

    def allowed_rows(self, filters: dict[str, list[str]]) -> np.ndarray | None:
        if not filters:
            return None
        rows = [self._doc_rows[n] for n, m in self.metas.items() if meta_matches(n, m, filters)]
        allowed = np.sort(np.concatenate(rows)) if rows else np.zeros(0, dtype=np.int64)
        if "section" in filters:
            allowed = np.array(
                [r for r in allowed if section_matches(*self.sections[r], filters["section"])], dtype=np.int64
            )
        return allowed

    def signals(self, query: str, allowed: np.ndarray | None) -> dict[str, np.ndarray]:
        """Each signal as one score per chunk, scaled to [0, 1] within the allowed chunks."""
        s = self.settings
        raw = self.lexical.scores(query)
        out = {"char": _scaled(raw["char"], allowed), "word": _scaled(raw["word"], allowed)}
        dense = np.zeros(len(self.chunks), dtype=np.float32)
        if self.embedder is not None and s.w_dense > 0:
            qvec = self.embedder.encode([query], query=True)[0]
            found = self.store.dense_search(qvec, s.dense_candidates, allowed)
            if found:
                rows = np.array([r for r, _ in found])
                sims = np.array([v for _, v in found], dtype=np.float32)
                # Cosines of one model sit in a narrow band: stretch the candidates' range to [0, 1].
                lo, hi = float(sims.min()), float(sims.max())
                dense[rows] = (sims - lo) / (hi - lo) if hi > lo else 1.0
        out["dense"] = dense
        return out

    def search(self, query: str, *, k: int = 5, filters: dict[str, list[str]] | None = None) -> list[Hit]:
        allowed = self.allowed_rows(filters or {})
        if not self.chunks or (allowed is not None and len(allowed) == 0) or not query.strip():
            return []
        sig = self.signals(query, allowed)
        s = self.settings
        fused = s.w_char * sig["char"] + s.w_word * sig["word"] + s.w_dense * sig["dense"]
        if allowed is not None:
            mask = np.full(len(self.chunks), -np.inf, dtype=np.float32)
            mask[allowed] = 0.0
            fused = fused + mask
        order = np.argsort(-fused, kind="stable")[: max(k, 1)]
        total = s.w_char + s.w_word + s.w_dense or 1.0
        return [
            self._hit(int(i), float(fused[i] / total), {name: float(v[i]) for name, v in sig.items()})
            for i in order
            if np.isfinite(fused[i])
        ]


def _scaled(scores: np.ndarray, allowed: np.ndarray | None) -> np.ndarray:
    pool = scores if allowed is None else scores[allowed]
    top = float(pool.max()) if len(pool) else 0.0
    return scores / top if top > 0 else np.zeros_like(scores)
