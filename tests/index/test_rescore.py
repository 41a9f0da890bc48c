"""The vectorised exact BM25 gives the passage-by-passage scores bit for bit; the candidate drawing keeps the
rarest terms within its postings budget and every term on a small index."""

from __future__ import annotations

import json
import random
from collections import Counter

import numpy as np
import pytest
from granska.index import bm25
from granska.index.lexical import drawing_terms, indexed_text, query_terms
from granska.ingest import pipeline

from granska.settings import IngestSettings
from granska.text import char_ngrams
from tests.conftest import SHARED

SWEQUAD = SHARED / "datasets" / "swequad_mc"


class _Matcher:
    """How often each query term occurs in a chunk's char and word fields, from its word counts. What a
    word contributes is worked out once per query (words repeat across candidates)."""

    def __init__(self, terms: dict[str, list[str]]) -> None:
        self._char = set(terms.get("char", []))
        self._word = set(terms.get("word", []))
        self._memo: dict[str, tuple[list[tuple[str, int]], str | None]] = {}

    def _of(self, w: str) -> tuple[list[tuple[str, int]], str | None]:
        got = self._memo.get(w)
        if got is None:
            s = bm25.stem(w)
            grams = Counter(char_ngrams(w))
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


def _reference(
    terms: dict[str, list[str]],
    found: dict[int, tuple[int, int, bytes]],
    stats: tuple[int, int, int],
    dfs: dict[str, dict[str, int]],
) -> tuple[list[int], dict[str, np.ndarray]]:
    """The previous rescoring, one passage at a time, with its word matcher (kept here as the reference)."""
    n, total_c, total_w = stats
    rows = sorted(found)
    avgdl = {"char": total_c / max(n, 1), "word": total_w / max(n, 1)}
    idfs = {f: {t: bm25.idf(df, n) for t, df in dfs[f].items()} for f in dfs}
    matcher = _Matcher(terms)
    scores = {f: np.zeros(len(rows), dtype=np.float32) for f in ("char", "word")}
    for i, r in enumerate(rows):
        dl_c, dl_w, blob = found[r]
        tf = matcher.frequencies(bm25.decode(blob))
        for f, dl in (("char", dl_c), ("word", dl_w)):
            scores[f][i] = bm25.score(terms.get(f, []), tf[f], dl, avgdl[f], idfs[f])
    return rows, scores


@pytest.fixture(scope="module")
def corpus() -> dict[int, tuple[int, int, bytes]]:
    """Every SweQUAD-MC passage as the store keeps it: (char length, word length, encoded word counts)."""
    out: dict[int, tuple[int, int, bytes]] = {}
    for path in sorted((SWEQUAD / "docs").glob("*.txt")):
        loaded = pipeline.load_one(path, None, IngestSettings())
        for c in loaded.chunks:
            counts = bm25.word_counts(indexed_text(c, loaded.document.meta))
            out[len(out) + 1] = (*bm25.lengths(counts), bm25.encode(counts))
    return out


def test_vectorised_rescoring_equals_the_passage_by_passage_scores(corpus: dict) -> None:
    stats = (len(corpus), sum(v[0] for v in corpus.values()), sum(v[1] for v in corpus.values()))
    lines = (SWEQUAD / "dev.jsonl").read_text(encoding="utf-8").splitlines()
    questions = [json.loads(line)["question"] for line in lines if line.strip()]
    rng = random.Random(11)
    decoded = {r: bm25.decode(v[2]) for r, v in corpus.items()}
    for q in questions[:25]:
        terms = query_terms(q)
        matcher = _Matcher(terms)
        freqs = [matcher.frequencies(c) for c in decoded.values()]
        dfs = {f: {t: sum(1 for fr in freqs if fr[f].get(t)) for t in set(terms[f])} for f in ("char", "word")}
        shortlist = {r: corpus[r] for r in rng.sample(sorted(corpus), 60)}
        rows, got = bm25.rescore(terms, shortlist, stats, dfs)
        want_rows, want = _reference(terms, shortlist, stats, dfs)
        assert rows == want_rows
        for f in ("char", "word"):
            assert got[f].dtype == np.float32 and np.array_equal(got[f], want[f]), (q, f)
        assert got["char"].max() > 0  # the questions do match some of the passages
    assert bm25.rescore({"char": ["#ab"], "word": []}, {}, stats, {"char": {"#ab": 0}, "word": {}})[0] == []


def test_candidates_are_drawn_by_the_rarest_terms_within_the_budget() -> None:
    terms = ["a", "b", "b", "c", "d", "e", "f", "g", "h", "i", "j"]
    dfs = {t: 10 * (i + 1) for i, t in enumerate("abcdefghij")}  # a: 10 … j: 100; all: 550 postings
    assert drawing_terms(terms, dfs, budget=550) == terms  # they fit: every term, repeats kept
    assert drawing_terms(terms, dfs, budget=400) == ["a", "b", "b", "c", "d", "e", "f", "g", "h"]  # 360 postings
    assert drawing_terms(terms, dfs, budget=5) == ["a", "b", "b", "c", "d", "e", "f", "g", "h"]  # never under 8 terms
