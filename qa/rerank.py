"""A learned reranker of the retrieved passages: which of the fused top passages answers the question.

The fusion of char-BM25 and stem-BM25 ranks passages by how many of the question's n-grams they hold; it does
not see whether the question's words stand together, whether its rarest word is there, or whether the passage
gives the kind of answer asked for. This model reads those from the passages' text (already fetched) and
reorders the fused top `POOL`. Fitted by `python -m granska.eval.fit_rerank` on SweQUAD-MC train (folds
grouped by text), chosen on SweQUAD-MC dev; shipped as JSON coefficients (`qa/models/rerank.json`, numpy only
at answer time).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np
from granska.index.lexical import context_line
from granska.qa.evidence import Weights, answer_type, gives_answer_type, match, text_grams
from granska.qa.scorer import Linear

from granska.text import content_words, folded_words, for_matching, sentence_spans
from granska.types import Hit

MODEL_PATH = Path(__file__).resolve().parent / "models" / "rerank.json"
POOL = 20  # fused passages the features are read over (the engine's first 20); the model reorders the first `pool`

# One row per candidate passage; the names are the JSON's contract with `features`.
FEATURES = (
    "score",  # fused retrieval score (scaled by the best in the filter)
    "char",
    "word",
    "dense",
    "rank_inv",  # 1 / (fused rank + 1)
    "gap",  # fused score minus the best fused score among the candidates (<= 0)
    "char_rank_inv",  # 1 / (rank by char-BM25 among the candidates + 1)
    "word_rank_inv",
    "cov",  # IDF-weighted share of the question's words found in the passage (context line at half weight)
    "cov_gap",  # cov minus the best cov among the candidates (<= 0)
    "sent_cov",  # the best single sentence's coverage
    "sent_cov_gap",
    "pair_cov",  # the best two neighbouring sentences' coverage
    "rare_found",  # the question's rarest word (highest IDF) is found
    "missing_idf",  # share of the question's IDF mass the passage lacks entirely, normalised by the best
    "prox",  # matched question words / the shortest window of passage words holding all of them
    "bigram",  # share of the question's neighbouring word pairs that stand within 3 words in the passage
    "type_asked",
    "type_given",  # the question asks for a date/amount/count and the passage gives one
    "log_len",
    "doc_start",  # the passage opens its document
    "doc_share",  # share of the candidates' fused score held by passages of the same document
)


def _stem(word: str) -> str:
    """A word's prefix for positional matching ("bedömningen" ~ "bedömning"): cheap, unlike fuzzy n-grams."""
    return word[: max(4, -(-7 * len(word) // 10))]


def _positions(question_words: Sequence[str], ws: Sequence[str]) -> dict[int, list[int]]:
    """For each question word (by index), the positions of the passage words `ws` that open with its stem."""
    by_len: dict[int, dict[str, list[int]]] = {}
    for i, w in enumerate(question_words):
        s = _stem(w)
        by_len.setdefault(len(s), {}).setdefault(s, []).append(i)
    out: dict[int, list[int]] = {}
    for pos, w in enumerate(ws):
        for n, stems in by_len.items():
            for i in stems.get(w[:n], ()):
                out.setdefault(i, []).append(pos)
    return out


def _min_window(found: dict[int, list[int]]) -> int:
    """The fewest consecutive passage words that hold one occurrence of every found question word."""
    events = sorted((p, i) for i, ps in found.items() for p in ps)
    have: dict[int, int] = {}  # question word -> its occurrences inside the window
    need, best, lo = len(found), 10**9, 0
    for p, i in events:
        have[i] = have.get(i, 0) + 1
        while len(have) == need:
            q, j = events[lo]
            best = min(best, p - q + 1)
            have[j] -= 1
            if not have[j]:
                del have[j]
            lo += 1
    return best


def _bigram(found: dict[int, list[int]], n: int) -> float:
    pairs = [(i, i + 1) for i in range(n - 1)]
    if not pairs:
        return 0.0
    near = 0
    for a, b in pairs:
        pa, pb = found.get(a, []), found.get(b, [])
        if any(abs(x - y) <= 3 for x in pa for y in pb):
            near += 1
    return near / len(pairs)


_TOKEN = re.compile(r"\w+")


@lru_cache(maxsize=4096)
def _folded(token: str) -> tuple[str, ...]:
    return tuple(folded_words(token))


@lru_cache(maxsize=4096)
def layout(text: str) -> tuple[tuple[str, ...], np.ndarray, int]:
    """A passage's folded words in order, the sentence each stands in, and the number of sentences (one regex
    pass and cached per-word folding: folding each sentence anew cost most of the reranker's time)."""
    spans = sentence_spans(text)
    ends = np.array([e for _, e in spans], dtype=np.int64)
    ws: list[str] = []
    at: list[int] = []
    for m in _TOKEN.finditer(text):
        for w in _folded(m.group(0)):
            ws.append(w)
            at.append(m.start())
    return tuple(ws), np.searchsorted(ends, np.array(at, dtype=np.int64), side="right"), len(spans)


def _sentence_cover(
    of_word: np.ndarray, n_sent: int, found: dict[int, list[int]], share: list[float]
) -> tuple[float, float]:
    """The best sentence's and the best two neighbouring sentences' share of the question's weight, from the
    word positions of `found` (a sentence holds the words whose positions fall inside it)."""
    if not n_sent or not len(of_word):
        return 0.0, 0.0
    per = np.zeros((n_sent + 1, len(share)))  # the last row: words after the last sentence
    for i, ps in found.items():
        per[of_word[ps], i] = share[i]
    per = per[:n_sent]
    one = per.sum(axis=1)
    two = np.maximum(per[:-1], per[1:]).sum(axis=1) if n_sent > 1 else one
    return float(one.max()), float(two.max())


def features(question: str, hits: Sequence[Hit], weights: Weights | None = None) -> np.ndarray:
    """The reranker's feature rows (in `FEATURES` order) for the candidate passages `hits` (fused order)."""
    if not hits:
        return np.zeros((0, len(FEATURES)))
    matched = for_matching(question)
    qwords = content_words(matched)
    weights = weights or Weights([h.chunk.text for h in hits])
    idf = {w: weights.idf(w) for w in qwords}
    total = sum(idf.values()) or 1.0
    rarest = max(qwords, key=lambda w: idf[w]) if qwords else None
    expected = answer_type(matched)
    fused = np.array([h.score for h in hits])
    char = np.array([h.parts.get("char", 0.0) for h in hits])
    word = np.array([h.parts.get("word", 0.0) for h in hits])
    char_rank = np.argsort(np.argsort(-char, kind="stable"), kind="stable")
    word_rank = np.argsort(np.argsort(-word, kind="stable"), kind="stable")
    by_doc: dict[str, float] = {}
    for h in hits:
        by_doc[h.chunk.doc] = by_doc.get(h.chunk.doc, 0.0) + max(h.score, 0.0)
    fused_total = sum(by_doc.values()) or 1.0
    rows = []
    for r, h in enumerate(hits):
        text = h.chunk.text
        g_text, g_ctx = text_grams(text), text_grams(context_line(h.meta))
        m = {w: max(match(w, g_text), 0.5 * match(w, g_ctx)) for w in qwords}
        cov = sum(idf[w] * m[w] for w in qwords) / total
        missing = sum(idf[w] for w in qwords if m[w] == 0) / total
        ws, of_word, n_sent = layout(text)
        found = _positions(qwords, ws)
        sent, pair = _sentence_cover(of_word, n_sent, found, [idf[w] / total for w in qwords])
        n_found = len(found)
        prox = n_found / _min_window(found) if n_found >= 2 else 0.0
        rows.append(
            [
                h.score,
                h.parts.get("char", 0.0),
                h.parts.get("word", 0.0),
                h.parts.get("dense", 0.0),
                1.0 / (r + 1),
                h.score - float(fused.max()),
                1.0 / (char_rank[r] + 1),
                1.0 / (word_rank[r] + 1),
                cov,
                0.0,
                sent,
                0.0,
                pair,
                float(rarest is not None and m[rarest] > 0),
                missing,
                prox,
                _bigram(found, len(qwords)),
                float(expected is not None),
                float(expected is not None and gives_answer_type(matched, text)),
                math.log1p(len(text)),
                float(h.chunk.start == 0),
                max(by_doc[h.chunk.doc], 0.0) / fused_total,
            ]
        )
    x = np.array(rows, dtype=np.float64)
    for col, gap in (("cov", "cov_gap"), ("sent_cov", "sent_cov_gap")):
        c, g = FEATURES.index(col), FEATURES.index(gap)
        x[:, g] = x[:, c] - x[:, c].max()
    m_idx = FEATURES.index("missing_idf")
    x[:, m_idx] = x[:, m_idx] - x[:, m_idx].min()
    return x


@dataclass(frozen=True, slots=True)
class Reranker:
    """The fitted ranker and how many fused passages it reorders (chosen by cross-validation)."""

    model: Linear
    pool: int
    mode: str = "passage"  # one of MODES (see `order`)


@lru_cache(maxsize=2)
def _load(path: str) -> Reranker | None:
    p = Path(path)
    if not p.is_file():
        return None
    d = json.loads(p.read_text(encoding="utf-8"))
    return Reranker(Linear.from_dict(d["ranker"]), int(d["pool"]), str(d.get("mode", "passage")))


def shipped(path: Path | None = None) -> Reranker | None:
    """The shipped reranker, or None where none was fitted."""
    return _load(str(path or MODEL_PATH))


MODES = ("passage", "document", "lead")


def order(docs: Sequence[str], logits: np.ndarray, *, mode: str) -> list[int]:
    """Candidate positions best first, by mode:

    - "passage": by the model's score;
    - "document": documents by their best passage's score, fused order inside a document;
    - "lead": the first fused passage of the model's best document leads, the rest keep fused order.

    Fitted on short single-topic texts, the model tells the right text well, but its choice between
    neighbouring passages of one long report was measured not to carry over (docs/answers.md, Session 20),
    hence the modes that leave the order inside a document to the fusion."""
    n = len(logits)
    if mode == "passage":
        return sorted(range(n), key=lambda i: -logits[i])  # stable: ties keep fused order
    best: dict[str, float] = {}
    for d, v in zip(docs, logits, strict=True):
        best[d] = max(best.get(d, -math.inf), float(v))
    by_doc = sorted(range(n), key=lambda i: -best[docs[i]])  # stable: fused order inside a document
    if mode == "document":
        return by_doc
    lead = by_doc[0]
    return [lead, *(i for i in range(n) if i != lead)]


def rerank(question: str, hits: list[Hit], model: Reranker) -> list[Hit]:
    """The first `model.pool` hits reordered by the model (`parts["rerank"]` holds the score the order used);
    the rest follow in fused order."""
    head = hits[: model.pool]
    if len(head) < 2:
        return hits
    # Features over the first POOL passages, as in fitting (IDF, gaps and ranks are read among them).
    logits = model.model.logits(features(question, hits[:POOL]))[: len(head)]
    docs = [h.chunk.doc for h in head]
    got = order(docs, logits, mode=model.mode)
    return [replace(head[i], parts={**head[i].parts, "rerank": float(logits[i])}) for i in got] + hits[model.pool :]
