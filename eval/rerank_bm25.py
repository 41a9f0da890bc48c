"""BM25 k1 / b of the lexical rescoring, measured on the fused first passage (issue 10, item 3):

    python -m granska.eval.rerank_bm25 --work /tmp/rrk      # indexes as rerank_data builds them (built if missing)

`granska.index.bm25` rescores the shortlist with one (k1, b) for both fields (char n-grams and stems). For each
(k1, b) of the grid every question of every split is searched again as `Engine.ask` searches, and the fused
order's first-passage hit@1 / recall@5 printed. Train is cross-validated: the setting chosen on four folds'
questions (grouped by text, the reranker's folds) scores the fifth. A change would ship only if the train
figure rose by ≥ 0.01 and no dev set lost a first-passage or top-5 hit.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from granska.eval.fit_rerank import folds
from granska.eval.metrics import covers
from granska.eval.rerank_data import DOMAIN, _engine, load
from granska.index import bm25
from granska.qa import rerank

GRID = ((1.5, 0.75), (1.2, 0.75), (0.9, 0.75), (2.0, 0.75), (1.5, 0.5), (1.5, 0.9), (1.2, 0.5), (2.0, 0.9))


def _hits(work: Path, name: str, k1: float, b: float) -> tuple[np.ndarray, np.ndarray]:
    """Per question: the first passage holds the evidence / one of the first five does."""
    bm25.K1, bm25.B = k1, b
    engine, items = _engine(work, name)
    searcher = engine.searcher()
    one, five = [], []
    for item in items:
        hs = searcher.search(engine.resolve(item.question, None), k=rerank.POOL)
        gold = [covers({"doc": h.chunk.doc, "start": h.chunk.start, "end": h.chunk.end}, item.evidence) for h in hs]
        one.append(bool(gold[:1] and gold[0]))
        five.append(any(gold[:5]))
    return np.array(one), np.array(five)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, required=True)
    args = parser.parse_args()
    names = ("train", "dev", *DOMAIN)
    got = {(k1, b): {n: _hits(args.work, n, k1, b) for n in names} for k1, b in GRID}
    bm25.K1, bm25.B = GRID[0]
    for (k1, b), per in got.items():
        row = {n: [round(float(per[n][0].mean()), 3), round(float(per[n][1].mean()), 3)] for n in names}
        print(json.dumps({"k1": k1, "b": b, **row}), flush=True)
    # Train cross-validated: choose (k1, b) on the other folds' questions, score the held-out fold with it.
    train = load(args.work, "train")
    cv1 = np.zeros(len(train.items), dtype=bool)
    for held in folds(train):
        rest = sorted(set(range(len(train.items))) - set(held))
        best = max(GRID, key=lambda s: (got[s]["train"][0][rest].mean(), -GRID.index(s)))
        cv1[held] = got[best]["train"][0][held]
        print(json.dumps({"fold_choice": best}), flush=True)
    print(json.dumps({"train_cv_hit1": round(float(cv1.mean()), 3)}))


if __name__ == "__main__":
    main()
