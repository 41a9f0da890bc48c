"""Refit the passage reranker in one command (writes qa/models/rerank.json):

    python -m granska.eval.fit_rerank --work /tmp/rrk

A pairwise logistic ranker (scikit-learn) over `granska.qa.rerank.FEATURES`: for every SweQUAD-MC train
question whose gold passage is among the fused candidates, each gold passage is paired with each other
candidate of the first `pool` (feature differences, both signs). C and the reordered pool are chosen by 5-fold
cross-validation on train grouped by text (a text's questions never straddle folds), then checked on
SweQUAD-MC dev. Printed and stored: first-passage hit@1 / recall@5 of the fused order, of char-BM25 alone and
of the reranked order, train fitted, train cross-validated and dev side by side.
"""

from __future__ import annotations

import argparse
import datetime
import json
from pathlib import Path

import numpy as np
from granska.eval.rerank_data import Split, hit_at, load
from granska.qa import rerank
from granska.qa.scorer import Linear

C_GRID = (0.01, 0.1, 1.0)
POOLS = (5, 10, 20, 30)
FOLDS = 5


def _pairs(split: Split, idx: list[int], pool: int, mean: np.ndarray, scale: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    diffs = []
    for n in idx:
        x, g = (split.x[n][:pool] - mean) / scale, split.gold[n][:pool]
        pos, neg = np.flatnonzero(g), np.flatnonzero(~g)
        if not len(pos) or not len(neg):
            continue
        d = (x[pos][:, None, :] - x[neg][None, :, :]).reshape(-1, x.shape[1])
        # Each question weighs the same, however many pairs it makes.
        diffs.append((d, np.full(len(d), 1.0 / len(d))))
    if not diffs:
        return np.zeros((0, len(rerank.FEATURES))), np.zeros(0)
    d = np.vstack([a for a, _ in diffs])
    w = np.concatenate([b for _, b in diffs])
    return d, w


def fit(split: Split, idx: list[int], *, c: float, pool: int) -> Linear:
    """The pairwise ranker on the questions `idx` of `split` (features standardised over their candidates)."""
    from sklearn.linear_model import LogisticRegression

    rows = np.vstack([split.x[n][:pool] for n in idx])
    mean, scale = rows.mean(axis=0), rows.std(axis=0)
    scale[scale == 0] = 1.0  # a constant feature (dense off) carries no weight
    d, w = _pairs(split, idx, pool, mean, scale)
    x = np.vstack([d, -d])
    y = np.concatenate([np.ones(len(d)), np.zeros(len(d))])
    model = LogisticRegression(C=c, fit_intercept=False, max_iter=3000)
    model.fit(x, y, sample_weight=np.concatenate([w, w]) * len(idx))
    return Linear(rerank.FEATURES, mean, scale, model.coef_[0], 0.0)


def scored(split: Split, model: Linear, idx: list[int] | None = None) -> list[np.ndarray]:
    idx = list(range(len(split.x))) if idx is None else idx
    return [model.logits(split.x[n]) for n in idx]


def _sub(split: Split, idx: list[int]) -> Split:
    return Split([split.items[n] for n in idx], [split.hits[n] for n in idx], [split.gold[n] for n in idx],
                 [split.x[n] for n in idx], split.groups[idx])


def folds(split: Split) -> list[list[int]]:
    docs = sorted(set(split.groups.tolist()))
    fold_of = {d: i % FOLDS for i, d in enumerate(np.random.default_rng(0).permutation(docs).tolist())}
    return [[n for n, g in enumerate(split.groups) if fold_of[g] == f] for f in range(FOLDS)]


def cross_validated(split: Split, *, c: float, pool: int) -> dict[str, float]:
    """hit@1 / recall@5 over train, each question scored by a model fitted without its text's questions."""
    every = list(range(len(split.x)))
    scores: list[np.ndarray] = [np.zeros(0)] * len(every)
    for held in folds(split):
        rest = sorted(set(every) - set(held))
        model = fit(split, rest, c=c, pool=pool)
        for n, s in zip(held, scored(split, model, held), strict=True):
            scores[n] = s
    return {"hit1": hit_at(split, scores, limit=pool), "recall5": hit_at(split, scores, at=5, limit=pool)}


def _char(split: Split) -> list[np.ndarray]:
    col = rerank.FEATURES.index("char")
    return [x[:, col] for x in split.x]


def baselines(split: Split) -> dict[str, dict[str, float]]:
    return {
        "fused": {"hit1": hit_at(split, None), "recall5": hit_at(split, None, at=5)},
        "char-BM25": {"hit1": hit_at(split, _char(split)), "recall5": hit_at(split, _char(split), at=5)},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, required=True, help="folder of rerank_data's cached candidates")
    parser.add_argument("--out", type=Path, default=rerank.MODEL_PATH)
    args = parser.parse_args()
    train, dev = load(args.work, "train"), load(args.work, "dev")
    figures: dict[str, object] = {"train": baselines(train), "dev": baselines(dev), "grid": []}
    print("baselines train", figures["train"], "dev", figures["dev"])
    best: tuple[float, float, int] | None = None
    for c in C_GRID:
        for pool in POOLS:
            cv = cross_validated(train, c=c, pool=pool)
            model = fit(train, list(range(len(train.x))), c=c, pool=pool)
            fitted = {"hit1": hit_at(train, scored(train, model), limit=pool)}
            on_dev = {"hit1": hit_at(dev, scored(dev, model), limit=pool),
                      "recall5": hit_at(dev, scored(dev, model), at=5, limit=pool)}
            row = {"C": c, "pool": pool, "train_cv": cv, "train_fitted": fitted, "dev": on_dev}
            figures["grid"].append(row)  # type: ignore[union-attr]
            print(row, flush=True)
            if best is None or cv["hit1"] > best[0]:
                best = (cv["hit1"], c, pool)
    assert best is not None
    _, c, pool = best
    model = fit(train, list(range(len(train.x))), c=c, pool=pool)
    out = {
        "fitted": datetime.date.today().isoformat(),
        "data": "SweQUAD-MC train (962 questions), 5-fold CV grouped by text; checked on SweQUAD-MC dev",
        "C": c,
        "pool": pool,
        "ranker": model.as_dict(),
        "figures": figures,
    }
    args.out.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    print("chosen C", c, "pool", pool, "->", args.out)


if __name__ == "__main__":
    main()
