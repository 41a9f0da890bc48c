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
from typing import Any

import numpy as np
from granska.eval.fitdata import FOLDS, fold_of
from granska.eval.rerank_data import DOMAIN, Split, hit_at, load
from granska.qa import rerank
from granska.qa.scorer import Linear

C_GRID = (0.01, 0.1)  # 1.0 gave the figures of 0.1 to the third decimal (first run)
POOLS = (5, 10, 20)
MODES = ("lead", "document", "passage")


def _pairs(
    split: Split, idx: list[int], pool: int, mean: np.ndarray, scale: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
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


def scored(
    split: Split, model: Linear, idx: list[int] | None = None, *, pool: int = rerank.POOL, mode: str = "passage"
) -> list[np.ndarray]:
    """Per question, a score per candidate whose descending order is the reranked order of the first `pool`."""
    idx = list(range(len(split.x))) if idx is None else idx
    out = []
    for n in idx:
        head = min(pool, len(split.x[n]))
        logits = model.logits(split.x[n][:head])
        got = rerank.order([h.chunk.doc for h in split.hits[n][:head]], logits, mode=mode)
        s = np.zeros(len(split.x[n]))
        s[got] = np.arange(head, 0, -1)
        out.append(s)
    return out


def folds(split: Split) -> list[list[int]]:
    """Question positions per fold, grouped by text (shuffled with seed 0, as fitted in Session 20)."""
    fold = fold_of(split.groups.tolist(), seed=0)
    return [[n for n, g in enumerate(split.groups) if fold[g] == f] for f in range(FOLDS)]


def cross_validated(split: Split, *, c: float, pool: int, mode: str) -> dict[str, float]:
    """hit@1 / recall@5 over train, each question scored by a model fitted without its text's questions."""
    every = list(range(len(split.x)))
    scores: list[np.ndarray] = [np.zeros(0)] * len(every)
    for held in folds(split):
        rest = sorted(set(every) - set(held))
        model = fit(split, rest, c=c, pool=pool)
        for n, s in zip(held, scored(split, model, held, pool=pool, mode=mode), strict=True):
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


def _figures(split: Split, model: Linear, *, pool: int, mode: str) -> dict[str, float]:
    got = scored(split, model, pool=pool, mode=mode)
    return {"hit1": hit_at(split, got, limit=pool), "recall5": hit_at(split, got, at=5, limit=pool)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, required=True, help="folder of rerank_data's cached candidates")
    parser.add_argument("--out", type=Path, default=rerank.MODEL_PATH)
    args = parser.parse_args()
    train = load(args.work, "train")
    devs = {name: load(args.work, name) for name in ("dev", *DOMAIN)}
    figures: dict[str, Any] = {"train": baselines(train), **{n: baselines(d) for n, d in devs.items()}, "grid": []}
    print(json.dumps({k: v for k, v in figures.items() if k != "grid"}))
    best: tuple[tuple[float, float], dict[str, Any]] | None = None
    for mode in MODES:
        for c in C_GRID:
            for pool in POOLS:
                cv = cross_validated(train, c=c, pool=pool, mode=mode)
                model = fit(train, list(range(len(train.x))), c=c, pool=pool)
                row: dict[str, Any] = {
                    "mode": mode,
                    "C": c,
                    "pool": pool,
                    "train_cv": cv,
                    "train_fitted": _figures(train, model, pool=pool, mode=mode),
                }
                row.update({n: _figures(d, model, pool=pool, mode=mode) for n, d in devs.items()})
                # Chosen on the dev sets: on none may the first passage, or the first five, hold the answer less
                # often than in fused order.
                row["dev_ok"] = all(
                    row[n][m] >= figures[n]["fused"][m] - 1e-9 for n in devs for m in ("hit1", "recall5")
                )
                figures["grid"].append(row)
                print(json.dumps(row), flush=True)
                key = (round(cv["hit1"], 6), round(cv["recall5"], 6))  # recall@5 breaks ties: the answer reads 5
                if row["dev_ok"] and (best is None or key > best[0]):
                    best = (key, row)
    if best is None:
        print("no setting keeps every dev set: nothing written")
        return
    chosen = best[1]
    model = fit(train, list(range(len(train.x))), c=chosen["C"], pool=chosen["pool"])
    out = {
        "fitted": datetime.date.today().isoformat(),
        "data": "SweQUAD-MC train (962 questions), 5-fold CV grouped by text; chosen on SweQUAD-MC dev, "
        "shared/eval/dev, audits and their English versions (none may lose first passages)",
        "mode": chosen["mode"],
        "C": chosen["C"],
        "pool": chosen["pool"],
        "ranker": model.as_dict(),
        "figures": figures,
    }
    args.out.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    print("chosen", {k: chosen[k] for k in ("mode", "C", "pool", "train_cv")}, "->", args.out)


if __name__ == "__main__":
    main()
