"""Sentence-level evidence: which sentences of the retrieved passages answer the question, and how well.

Coverage is the IDF-weighted share of the question's content words found in a sentence (fuzzy, so OCR
damage like "nimnden" still matches "nämnden"), with the document's context line (municipality,
auditor, title) counting at half weight. It is both the ranking signal and the abstention signal.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from granska.types import Hit, Span
from index.analysis import char_ngrams, content_words, words
from index.lexical import context_line
from ingest.chunking import sentence_spans

ANSWER_TYPE_BONUS = 0.1
_DATE = re.compile(r"\b(1[89]|20)\d\d\b|\b\d{1,2} (januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|november|december)\b", re.I)
_NUMBER = re.compile(r"\d")
_ASKS_DATE = re.compile(r"\b(när|sedan när|vilket (datum|år)|senast vilket|when|since when|what date|which year)\b", re.I)
_ASKS_NUMBER = re.compile(r"\b(hur (många|mycket|stor)|vilket (nummer|belopp|diarienummer)|how (many|much))\b", re.I)


def answer_type(question: str) -> re.Pattern[str] | None:
    """What the answer must contain, when the question says (a date for "när", a number for "hur många")."""
    if _ASKS_DATE.search(question):
        return _DATE
    if _ASKS_NUMBER.search(question):
        return _NUMBER
    return None


MATCH_AT = 0.6  # share of a word's char n-grams that must occur in the sentence
NEIGHBOUR_DISCOUNT = 0.8


@dataclass(frozen=True, slots=True)
class Scored:
    span: Span
    coverage: float  # 0..1
    rank: int  # rank of the passage it came from
    hit: Hit
    prior: float = 0.0  # tie-breakers added to coverage when ranking


@lru_cache(maxsize=4096)
def _grams(word: str) -> tuple[frozenset[str], frozenset[str]]:
    """The word's 3-grams, and those of its first 70% (its stem, roughly: bedömdes ~ bedömning)."""
    stem = word[: max(5, -(-7 * len(word) // 10))]
    return frozenset(char_ngrams(word, 3, 3)), frozenset(char_ngrams(stem, 3, 3)[:-1])


@lru_cache(maxsize=2048)
def text_grams(text: str) -> frozenset[str]:
    return frozenset(g for w in words(text) for g in char_ngrams(w, 3, 3))


def match(word: str, grams: frozenset[str]) -> float:
    whole, stem = _grams(word)
    share = len(whole & grams) / len(whole)
    if len(word) >= 7 and stem:
        share = max(share, 0.9 * len(stem & grams) / len(stem))
    return share if share >= MATCH_AT else 0.0


class Weights:
    """IDF of question words over the searchable passages, by fuzzy presence."""

    def __init__(self, passages: list[str]) -> None:
        self._grams = [text_grams(p) for p in passages]
        self._n = max(len(passages), 1)

    def idf(self, word: str) -> float:
        df = sum(1 for g in self._grams if match(word, g) > 0)
        return math.log(1 + (self._n - df + 0.5) / (df + 0.5))


def coverage(words: list[str], weights: dict[str, float], text: str, context: str) -> float:
    total = sum(weights.values())
    if total <= 0:
        return 0.0
    g_text, g_ctx = text_grams(text), text_grams(context)
    got = sum(weights[w] * max(match(w, g_text), 0.5 * match(w, g_ctx)) for w in words)
    return got / total


def sentences(question: str, hits: list[Hit], weights: Weights, *, passages: int = 5) -> list[Scored]:
    """Every sentence of the top passages, scored; best first (ties go to the better passage)."""
    words = content_words(question)
    w = {word: weights.idf(word) for word in words}
    expected = answer_type(question)
    out: list[Scored] = []
    seen: set[tuple[str, int, int]] = set()
    for rank, hit in enumerate(hits[:passages]):
        c = hit.chunk
        ctx = context_line(hit.meta)
        spans = sentence_spans(c.text)
        for i, (s, e) in enumerate(spans):
            key = (c.doc, c.start + s, c.start + e)
            if key in seen:  # passages overlap by a sentence
                continue
            seen.add(key)
            text = c.text[s:e]
            # A short sentence ("Kommunstyrelsen bör i detta avseende:") borrows from its neighbours, discounted.
            around = c.text[spans[max(i - 1, 0)][0] : spans[min(i + 1, len(spans) - 1)][1]]
            own = coverage(words, w, text, ctx)
            cov = max(own, NEIGHBOUR_DISCOUNT * coverage(words, w, around, ctx))
            prior = 0.1 * own - 0.02 * rank + 0.05 * hit.score
            if expected is not None and expected.search(text):
                prior += ANSWER_TYPE_BONUS
            out.append(Scored(Span(c.doc, key[1], key[2], c.page, text, cov), cov, rank, hit, prior))
    # Coverage first; near-ties go to the sentence's own words, the expected answer type, the better passage.
    out.sort(key=lambda x: -(x.coverage + x.prior))
    return out
