"""Exact BM25 (Lucene variant, k1=1.5, b=0.75: what bm25s computed, and what the fusion weights were fitted
for) over a shortlist of candidates.

Tantivy finds the candidates, but its BM25 constants are fixed at k1=1.2; measured on SweQUAD-MC dev that
costs 0.008 hit@1 (bm25s at k1=1.2 loses exactly the same question). So the shortlist is rescored here.
Each chunk keeps its folded word counts (a few hundred bytes): the n-gram and stem frequencies of the query
terms follow from them exactly, since both analyses are functions of the words.
"""

from __future__ import annotations

import math
import sys
import zlib
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

import numpy as np

from granska import text as analysis

K1 = 1.5
B = 0.75


def word_counts(text: str) -> Counter[str]:
    return Counter(analysis.words(text))


def encode(counts: Counter[str]) -> bytes:
    return zlib.compress(" ".join(f"{w} {n}" for w, n in counts.items()).encode("ascii", "replace"))


def decode(blob: bytes) -> dict[str, int]:
    parts = zlib.decompress(blob).decode("ascii").split()
    return {parts[i]: int(parts[i + 1]) for i in range(0, len(parts), 2)}


# Words a process keeps the char n-grams and the stem of. Bounded: a serving process meets new words with every
# query (OCR'd text has a vocabulary without end); 200,000 cached words at ~4 KB each was measured as 54 MB of
# growth over 25 queries on a 9k-passage index, 40 MB of it these caches. The n-grams are interned: "#ko" is
# one string for every word that has it.
WORD_CACHE = 32_768
STEM_CACHE = 65_536


@lru_cache(maxsize=WORD_CACHE)
def _ngrams(word: str) -> dict[str, int]:
    return {sys.intern(g): n for g, n in Counter(analysis.char_ngrams(word)).items()}


def ngram_text(word: str, times: int) -> list[str]:
    """The char-field tokens of a word said `times` times."""
    one = _ngram_text(word)
    return [one] * times


@lru_cache(maxsize=200_000)
def _ngram_text(word: str) -> str:
    return " ".join(analysis.char_ngrams(word))


def stem(word: str) -> str | None:
    """The word field's token for a folded word (None for a stopword)."""
    return _stem(word)


@lru_cache(maxsize=STEM_CACHE)
def _stem(word: str) -> str | None:
    return None if word in analysis.STOPWORDS else str(analysis._stemmer().stemWord(word))


def _gram_count(word: str) -> int:
    """How many char n-grams a word gives: analysis.char_ngrams pads it with '#' on both sides and takes
    every 3-, 4- and 5-gram (one token when the padded word is 3 characters or fewer); counted, not built."""
    padded = len(word) + 2
    return 1 if padded <= 3 else sum(max(0, padded - n + 1) for n in (3, 4, 5))


def lengths(counts: dict[str, int]) -> tuple[int, int]:
    """Tokens in the char and word fields (an empty field counts one placeholder token, as bm25s did)."""
    char = sum(n * _gram_count(w) for w, n in counts.items())
    word = sum(n for w, n in counts.items() if _stem(w) is not None)
    return max(char, 1), max(word, 1)


class Matcher:
    """How often each query term occurs in a chunk's char and word fields, from its word counts. What a
    word contributes is worked out once per query (words repeat across candidates)."""

    def __init__(self, terms: dict[str, list[str]]) -> None:
        self._char = set(terms.get("char", []))
        self._word = set(terms.get("word", []))
        self._memo: dict[str, tuple[list[tuple[str, int]], str | None]] = {}

    def _of(self, w: str) -> tuple[list[tuple[str, int]], str | None]:
        got = self._memo.get(w)
        if got is None:
            s = _stem(w)
            grams = _ngrams(w)
            shared = grams.keys() & self._char  # a set intersection in C: most words share nothing
            got = ([(g, grams[g]) for g in shared], s if s in self._word else None)
            self._memo[w] = got
        return got

    def frequencies(self, counts: dict[str, int]) -> dict[str, dict[str, int]]:
        char: dict[str, int] = {}
        word: dict[str, int] = {}
        for w, n in counts.items():
            grams, s = self._of(w)
            for g, m in grams:
                char[g] = char.get(g, 0) + n * m
            if s is not None:
                word[s] = word.get(s, 0) + n
        return {"char": char, "word": word}


def idf(df: int, n: int) -> float:
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


def score(query: Iterable[str], tf: dict[str, int], dl: int, avgdl: float, idfs: dict[str, float]) -> float:
    """Sum over the query's terms (a repeated term counts again) of idf * tf / (tf + k1 * norm)."""
    norm = K1 * (1 - B + B * dl / max(avgdl, 1e-9))
    total = 0.0
    for t in query:
        f = tf.get(t, 0)
        if f:
            total += idfs[t] * f / (f + norm)
    return total


def rescore(
    terms: dict[str, list[str]],
    found: dict[int, tuple[int, int, bytes]],
    stats: tuple[int, int, int],
    dfs: dict[str, dict[str, int]],
) -> tuple[list[int], dict[str, np.ndarray]]:
    """Exact BM25 of both fields for each passage in `found` ({row: (char length, word length, encoded
    word counts)}), given the corpus (passages, total char length, total word length) and the query terms'
    document frequencies. Both stores rank with this, so their candidates differ but their scores agree."""
    n, total_c, total_w = stats
    rows = sorted(found)
    avgdl = {"char": total_c / max(n, 1), "word": total_w / max(n, 1)}
    idfs = {f: {t: idf(df, n) for t, df in dfs[f].items()} for f in dfs}
    matcher = Matcher(terms)
    scores = {f: np.zeros(len(rows), dtype=np.float32) for f in ("char", "word")}
    for i, r in enumerate(rows):
        dl_c, dl_w, blob = found[r]
        tf = matcher.frequencies(decode(blob))
        for f, dl in (("char", dl_c), ("word", dl_w)):
            scores[f][i] = score(terms.get(f, []), tf[f], dl, avgdl[f], idfs[f])
    return rows, scores
