"""Fusion weights, learned: a pairwise logistic ranker over the per-query scaled retrieval signals.

For each training question, every passage that covers the gold evidence is paired with the passages
that rank high on any signal but do not; the ranker learns w such that w·(x_pos - x_neg) > 0. Its weights
are the fusion weights (scaled so char-BM25 weighs 1). Which signals join (char, + stems, + dense) and the
regularisation are chosen on the dev split; the train figures are reported fitted and cross-validated
(folds grouped by document) so over-fitting shows.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from granska.eval.fitdata import Query, fold_of

SIGNALS = ("char", "word", "dense")
CANDIDATES = 30  # per signal: the passages a ranker must order are those some signal puts near the top
SUBSETS = (("char",), ("char", "word"), ("char", "dense"), ("char", "word", "dense"))
C_GRID = (0.01, 0.1, 1.0, 10.0)


def features(q: Query) -> np.ndarray:
    return np.stack([q.signals[name] for name in SIGNALS], axis=1)


def _pairs(queries: Sequence[Query], cols: list[int]) -> tuple[np.ndarray, np.ndarray]:
    diffs: list[np.ndarray] = []
    for q in queries:
        x = features(q)[:, cols]
        cand = set()
        for j in range(x.shape[1]):
            cand.update(np.argsort(-x[:, j], kind="stable")[:CANDIDATES].tolist())
        pos = [i for i in np.flatnonzero(q.gold)]
        neg = [i for i in cand if not q.gold[i]]
        for p in pos:
            diffs.extend(x[p] - x[n] for n in neg)
    d = np.array(diffs, dtype=np.float64)
    # Both orientations, so the classes balance and no intercept is needed.
    return np.concatenate([d, -d]), np.concatenate([np.ones(len(d)), np.zeros(len(d))])


def fit(queries: Sequence[Query], subset: Sequence[str], c: float) -> dict[str, float]:
    """Fusion weights for the signals in `subset` (others 0), char-BM25 scaled to 1."""
    from sklearn.linear_model import LogisticRegression

    cols = [SIGNALS.index(s) for s in subset]
    x, y = _pairs(queries, cols)
    model = LogisticRegression(C=c, fit_intercept=False, max_iter=1000).fit(x, y)
    coef = np.clip(model.coef_[0], 0.0, None)  # the searcher's weights are non-negative
    w = dict.fromkeys(SIGNALS, 0.0)
    for name, v in zip(subset, coef, strict=True):
        w[name] = float(v)
    top = w["char"] or max(w.values()) or 1.0
    return {name: round(v / top, 3) for name, v in w.items()}


def ranking(queries: Sequence[Query], w: dict[str, float]) -> dict[str, float]:
    """hit@1, recall@5 and MRR of the fused ranking (ties keep index order, as the searcher does)."""
    h1 = r5 = rr = 0.0
    vec = np.array([w[s] for s in SIGNALS], dtype=np.float32)
    for q in queries:
        order = np.argsort(-(features(q) @ vec), kind="stable")[:5]
        g = q.gold[order]
        h1 += float(g[0])
        r5 += float(g.any())
        first = np.flatnonzero(g)
        rr += 1.0 / (first[0] + 1) if len(first) else 0.0
    n = max(len(queries), 1)
    return {"hit1": round(h1 / n, 3), "recall5": round(r5 / n, 3), "mrr": round(rr / n, 3)}


def cross_validated(queries: Sequence[Query], subset: Sequence[str], c: float, *, folds: int = 5) -> dict[str, float]:
    """Train-split figures where each question is ranked by weights fitted without its document."""
    fold = fold_of((q.doc for q in queries), folds=folds)
    scored: list[tuple[int, dict[str, float]]] = []
    for f in range(folds):
        held = [q for q in queries if fold[q.doc] == f]
        rest = [q for q in queries if fold[q.doc] != f]
        if held and rest:
            scored.append((len(held), ranking(held, fit(rest, subset, c))))
    total = sum(n for n, _ in scored) or 1
    return {k: round(sum(n * r[k] for n, r in scored) / total, 3) for k in ("hit1", "recall5", "mrr")}


def choose(train: Sequence[Query], dev: Sequence[Query]) -> tuple[dict[str, float], list[dict[str, object]]]:
    """Fit every (signals, C) on train, keep the best on dev (hit@1, then MRR); returns weights and the table."""
    table: list[dict[str, object]] = []
    best: tuple[tuple[float, float, int], dict[str, float]] | None = None
    for subset in SUBSETS:
        for c in C_GRID if len(subset) > 1 else (1.0,):
            w = fit(train, subset, c)
            d = ranking(dev, w)
            table.append({"signals": "+".join(subset), "C": c, "weights": w, "train": ranking(train, w), "dev": d})
            # Fewer signals win ties: dense costs a query embedding, so it joins only where it helps.
            key = (d["hit1"], d["mrr"], -len(subset))
            if best is None or key > best[0]:
                best = (key, w)
    assert best is not None
    return best[1], table
