"""BM25 (bm25s) over two Swedish-aware analyses of each chunk: folded char 3-5-grams and stemmed words.

Each chunk is indexed together with its document's context (municipality, auditor, issuer, title), so a
passage deep inside "PwC:s granskning" still matches a question that names PwC (contextual retrieval).
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from granska import text as analysis
from granska.types import Chunk, DocMeta


def context_line(meta: DocMeta) -> str:
    return " ".join(x for x in (meta.municipality, meta.auditor, meta.issuer, meta.title) if x)


class LexicalIndex:
    FIELDS = ("char", "word")

    def __init__(self, retrievers: dict[str, object], size: int) -> None:
        self._r = retrievers
        self.size = size

    @classmethod
    def build(cls, chunks: list[Chunk], metas: dict[str, DocMeta]) -> LexicalIndex:
        import bm25s

        texts = [f"{context_line(metas[c.doc])}\n{c.text}" for c in chunks]
        retrievers: dict[str, object] = {}
        for field, analyze in (("char", analysis.char_tokens), ("word", analysis.stem_tokens)):
            r = bm25s.BM25()
            # An empty token list would break bm25s; "" is its own placeholder token.
            r.index([analyze(t) or [""] for t in texts], show_progress=False)
            retrievers[field] = r
        return cls(retrievers, len(chunks))

    def save(self, folder: Path) -> None:
        for field, r in self._r.items():
            r.save(str(folder / f"bm25-{field}"))  # type: ignore[attr-defined]
        (folder / f"bm25-v{analysis.ANALYZER_VERSION}.ok").write_text(str(self.size))

    @classmethod
    def load(cls, folder: Path, size: int) -> LexicalIndex | None:
        """The saved index, or None when there is none for this analyzer version and size."""
        import bm25s

        marker = folder / f"bm25-v{analysis.ANALYZER_VERSION}.ok"
        if not marker.is_file() or marker.read_text().strip() != str(size):
            return None
        logging.getLogger("bm25s").setLevel(logging.WARNING)
        return cls({f: bm25s.BM25.load(str(folder / f"bm25-{f}")) for f in cls.FIELDS}, size)

    def scores(self, query: str) -> dict[str, np.ndarray]:
        """BM25 score of every chunk, per field."""
        query = analysis.for_matching(query)
        toks = {"char": analysis.char_tokens(query, drop_stopwords=True), "word": analysis.stem_tokens(query)}
        out: dict[str, np.ndarray] = {}
        for field, r in self._r.items():
            vocab = r.vocab_dict  # type: ignore[attr-defined]
            known = [t for t in toks[field] if t in vocab]
            out[field] = (
                np.asarray(r.get_scores(known), dtype=np.float32)  # type: ignore[attr-defined]
                if known
                else np.zeros(self.size, dtype=np.float32)
            )
        return out
