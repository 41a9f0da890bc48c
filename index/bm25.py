"""Exact BM25 (Lucene variant, k1=1.5, b=0.75: what bm25s computed, and what the fusion weights were fitted
for) over a shortlist of candidates.

Tantivy finds the candidates, but its BM25 constants are fixed at k1=1.2; measured on SweQUAD-MC dev that
costs 0.008 hit@1 (bm25s at k1=1.2 loses exactly the same question). So the shortlist is rescored here.
Each chunk keeps its folded word counts (a few hundred bytes): the n-gram and stem frequencies of the query
terms follow from them exactly, since both analyses are functions of the words.
"""

from __future__ import annotations

import math
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


# Words a process keeps the stem of. Bounded: a serving process meets new words with every query (OCR'd text
# has a vocabulary without end); unbounded caches were measured as 40 MB of growth over 25 queries on a
# 9k-passage index. The shortlist's words are stemmed in one batch per query instead (`_word_match`).
STEM_CACHE = 65_536


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
    document frequencies. Both stores rank with this, so their candidates differ but their scores agree.

    Vectorised: each distinct word of the shortlist is matched against the query once (its n-grams and
    stem), each (passage, word) pair adds its count times that match to the passage's term frequencies, and
    BM25 is one array expression; the sum runs over the query's terms in their order, a repeated term adding
    again, with the same operations as `score` (so the same float64 values, bit for bit)."""
    n, total_c, total_w = stats
    rows = sorted(found)
    vocab: dict[str, int] = {}
    at: list[int] = []  # per (passage, word) pair: the passage's position, the word's id, its count
    ids: list[int] = []
    times: list[int] = []
    for i, r in enumerate(rows):
        parts = zlib.decompress(found[r][2]).decode("ascii").split()
        words = parts[0::2]
        ids.extend(vocab.setdefault(w, len(vocab)) for w in words)
        times.extend(map(int, parts[1::2]))
        at.extend([i] * len(words))
    pair_row = np.array(at, dtype=np.int64)
    pair_word = np.array(ids, dtype=np.int64)
    pair_times = np.array(times, dtype=np.float64)
    queries = {f: terms.get(f, []) for f in ("char", "word")}
    columns = {f: {t: j for j, t in enumerate(dict.fromkeys(q))} for f, q in queries.items()}
    words = list(vocab)  # ids are positions: each distinct word of the shortlist is matched once
    match = {"char": _char_match(words, columns["char"]), "word": _word_match(words, columns["word"])}
    scores: dict[str, np.ndarray] = {}
    for f, total, col in (("char", total_c, 0), ("word", total_w, 1)):
        width = len(columns[f])
        tf = _frequencies(pair_row, pair_word, pair_times, match[f], len(rows))
        dl = np.array([found[r][col] for r in rows], dtype=np.float64)
        norm = K1 * (1 - B + B * dl / max(total / max(n, 1), 1e-9))
        idfs = np.array([idf(dfs[f].get(t, 0), n) for t in columns[f]], dtype=np.float64)
        with np.errstate(invalid="ignore", divide="ignore"):
            part = np.where(tf > 0, idfs * tf / (tf + norm[:, None]), 0.0) if width else tf
        total_score = np.zeros(len(rows), dtype=np.float64)
        for t in queries[f]:  # in query order, a repeated term again: the same additions as `score`
            total_score += part[:, columns[f][t]]
        scores[f] = total_score.astype(np.float32)
    return rows, scores


def _frequencies(
    pair_row: np.ndarray, pair_word: np.ndarray, pair_times: np.ndarray, match: np.ndarray, passages: int
) -> np.ndarray:
    """(passages x terms) term frequencies: each (passage, word, count) pair whose word holds a query term adds
    count x match; sums of small integers in float64, so exact whatever the order."""
    width = match.shape[1]
    if not width or not len(pair_row):
        return np.zeros((passages, width), dtype=np.float64)
    holds = np.asarray(match.any(axis=1), dtype=bool)
    useful = holds[pair_word]  # most words of a passage hold no query term
    rows, words, times = pair_row[useful], pair_word[useful], pair_times[useful]
    flat = (rows[:, None] * width + np.arange(width)[None, :]).ravel()
    added = (times[:, None] * match[words]).ravel()
    return np.bincount(flat, weights=added, minlength=passages * width).reshape(passages, width)


def _char_match(words: list[str], columns: dict[str, int]) -> np.ndarray:
    """(words x query n-grams): how often each n-gram occurs in each word's char tokens. A word's tokens are
    every 3-5-character substring of "#word#" (granska.text.char_ngrams), so this counts each query n-gram's
    overlapping occurrences in the padded words, joined by a separator no n-gram holds, by C-level search
    rather than by building every word's n-grams."""
    out = np.zeros((len(words), len(columns)), dtype=np.float64)
    if not words or not columns:
        return out
    padded = [f"#{w}#" for w in words]
    starts = np.cumsum([0] + [len(p) + 1 for p in padded[:-1]])
    text = "\x00".join(padded)
    for gram, j in columns.items():
        at = text.find(gram)
        hits: list[int] = []
        while at != -1:
            hits.append(at)
            at = text.find(gram, at + 1)
        if hits:
            np.add.at(out[:, j], np.searchsorted(starts, hits, side="right") - 1, 1.0)
    return out


def _word_match(words: list[str], columns: dict[str, int]) -> np.ndarray:
    """(words x query stems): 1 where a word's stem (stopwords have none) is that query term."""
    out = np.zeros((len(words), len(columns)), dtype=np.float64)
    if not words or not columns:
        return out
    kept = [i for i, w in enumerate(words) if w not in analysis.STOPWORDS]
    for i, s in zip(kept, analysis._stemmer().stemWords([words[i] for i in kept]), strict=True):
        j = columns.get(s)
        if j is not None:
            out[i, j] = 1.0
    return out
