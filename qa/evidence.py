"""Sentence-level evidence: which sentences of the retrieved passages answer the question, and how well.

Coverage is the IDF-weighted share of the question's content words found in a sentence (fuzzy, so OCR
damage like "nimnden" still matches "nämnden"), with the document's context line (municipality,
auditor, title) counting at half weight. It is both the ranking signal and the abstention signal.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from granska.types import Hit, Span
from index.analysis import char_ngrams, content_words, fold
from index.lexical import context_line
from ingest.chunking import sentence_spans

MATCH_AT = 0.6  # share of a word's char n-grams that must occur in the sentence


@dataclass(frozen=True, slots=True)
class Scored:
    span: Span
    coverage: float  # 0..1
    rank: int  # rank of the passage it came from
    hit: Hit


@lru_cache(maxsize=4096)
def _grams(word: str) -> frozenset[str]:
    return frozenset(char_ngrams(word, 3, 3))


@lru_cache(maxsize=2048)
def _text_grams(text: str) -> frozenset[str]:
    return frozenset(g for w in fold(text).split() for g in char_ngrams("".join(ch for ch in w if ch.isalnum()), 3, 3))


def match(word: str, grams: frozenset[str]) -> float:
    mine = _grams(word)
    share = len(mine & grams) / len(mine)
    return share if share >= MATCH_AT else 0.0


class Weights:
    """IDF of question words over the searchable passages, by fuzzy presence."""

    def __init__(self, passages: list[str]) -> None:
        self._grams = [_text_grams(p) for p in passages]
        self._n = max(len(passages), 1)

    def idf(self, word: str) -> float:
        df = sum(1 for g in self._grams if match(word, g) > 0)
        return math.log(1 + (self._n - df + 0.5) / (df + 0.5))


def coverage(words: list[str], weights: dict[str, float], text: str, context: str) -> float:
    total = sum(weights.values())
    if total <= 0:
        return 0.0
    g_text, g_ctx = _text_grams(text), _text_grams(context)
    got = sum(weights[w] * max(match(w, g_text), 0.5 * match(w, g_ctx)) for w in words)
    return got / total


def sentences(question: str, hits: list[Hit], weights: Weights, *, passages: int = 5) -> list[Scored]:
    """Every sentence of the top passages, scored; best first (ties go to the better passage)."""
    words = content_words(question)
    w = {word: weights.idf(word) for word in words}
    out: list[Scored] = []
    seen: set[tuple[str, int, int]] = set()
    for rank, hit in enumerate(hits[:passages]):
        c = hit.chunk
        ctx = context_line(hit.meta)
        for s, e in sentence_spans(c.text):
            key = (c.doc, c.start + s, c.start + e)
            if key in seen:  # passages overlap by a sentence
                continue
            seen.add(key)
            text = c.text[s:e]
            cov = coverage(words, w, text, ctx)
            out.append(Scored(Span(c.doc, key[1], key[2], c.page, text, cov), cov, rank, hit))
    # Prefer coverage, then passage rank: a small rank penalty breaks near-ties toward the retriever.
    out.sort(key=lambda x: -(x.coverage - 0.02 * x.rank + 0.05 * x.hit.score))
    return out
