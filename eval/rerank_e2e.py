"""The whole answer step with the passage reranker, cross-validated on SweQUAD-MC train (grouped by text).

    python -m granska.eval.rerank_e2e --work /tmp/rrk [--limit N]

For each of 5 folds a reranker is fitted (as `fit_rerank` fits it, at the shipped C and pool) on the other
folds' texts, and the held-out questions are answered by the engine with that reranker. Printed: first-passage
hit@1 as the engine shows it (the passage of the quoted sentence first), and that of the reranked order alone
(the fold model's first passage), against the fused order and char-BM25 on the same questions. This is the
honest train figure for the shipped reranker; `granska eval` on train uses a model fitted on train.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
from granska.eval.fit_rerank import fit, folds, scored
from granska.eval.metrics import covers
from granska.eval.rerank_data import hit_at, load
from granska.qa import rerank

from granska.engine import Engine
from granska.settings import EmbedderSettings, Settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--limit", type=int, default=None, help="questions per fold (quick run)")
    args = parser.parse_args()
    shipped = json.loads(rerank.MODEL_PATH.read_text(encoding="utf-8"))
    c, pool, mode = float(shipped["C"]), int(shipped["pool"]), str(shipped.get("mode", "passage"))
    train = load(args.work, "train")
    engine = Engine(Settings(index_dir=args.work / "train-index-lexical", embedder=EmbedderSettings(model="hash")))
    shown = ranked = 0
    asked: list[int] = []
    cpu = time.process_time()
    for held in folds(train):
        held = held[: args.limit]
        rest = sorted(set(range(len(train.x))) - set(held))
        model = rerank.Reranker(fit(train, rest, c=c, pool=pool), pool, mode)
        rerank._load.cache_clear()
        original = rerank.shipped
        rerank.shipped = lambda path=None, m=model: m  # type: ignore[assignment]
        try:
            for n in held:
                item = train.items[n]
                got = engine.ask(item.question)
                first = got.passages[0] if got.passages else None
                span = (
                    None
                    if first is None
                    else {"doc": first.chunk.doc, "start": first.chunk.start, "end": first.chunk.end}
                )
                shown += bool(span and covers(span, item.evidence))
                s = scored(train, model.model, [n], pool=pool, mode=mode)[0]
                ranked += bool(len(s) and train.gold[n][int(np.argmax(s))])
                asked.append(n)
        finally:
            rerank.shipped = original  # type: ignore[assignment]
    sub = load(args.work, "train")
    for name in ("items", "hits", "gold", "x"):
        setattr(sub, name, [getattr(train, name)[n] for n in asked])
    char = [x[:, rerank.FEATURES.index("char")] for x in sub.x]
    n = len(asked)
    print(
        json.dumps(
            {
                "questions": n,
                "engine shown first passage, CV reranker": round(shown / n, 3),
                "reranked order alone, CV": round(ranked / n, 3),
                "fused order": round(hit_at(sub, None), 3),
                "char-BM25": round(hit_at(sub, char), 3),
                "cpu_s": round(time.process_time() - cpu, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
