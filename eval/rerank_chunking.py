"""Passage length and overlap of the chunker, measured as the reranker is judged (issue 10, item 3):

    python -m granska.eval.rerank_chunking --work /tmp/chunks                      # the default grid
    python -m granska.eval.rerank_chunking --work /tmp/chunks --settings 128-1,256-1

For every setting TOKENS-OVERLAP (`GRANSKA_INGEST__CHUNK_TOKENS`, `GRANSKA_INGEST__OVERLAP_SENTENCES`) each
split is indexed with that chunker (WORK/ch-TOKENS-OVERLAP, lexical, built once) and its candidates cached as
`rerank_data` does; printed per setting: the first-passage hit@1 / recall@5 of the fused order on every split,
and of the shipped kind of reranker (mode lead, C 0.01, pool 10) refitted on that setting's train split —
train 5-fold cross-validated grouped by text, and each dev set scored by the model fitted on all of train.
A longer passage holds the evidence more often by its length alone, so the answer's citation precision
(`granska eval` on the same indexes) must be read beside these figures.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from granska.eval.fit_rerank import _figures, baselines, cross_validated, fit
from granska.eval.rerank_data import DOMAIN, load

DEFAULT_GRID = ("192-1", "128-1", "256-1", "384-1", "192-0", "192-2")  # 192-1 is the shipped chunker
MODE, C, POOL = "lead", 0.01, 10  # the shipped reranker's choice (qa/models/rerank.json)


def measure(work: Path, setting: str) -> dict[str, object]:
    """One setting's figures (the indexes and caches are built on first use)."""
    tokens, overlap = (int(x) for x in setting.split("-"))
    os.environ["GRANSKA_INGEST__CHUNK_TOKENS"] = str(tokens)
    os.environ["GRANSKA_INGEST__OVERLAP_SENTENCES"] = str(overlap)
    folder = work / f"ch-{setting}"
    folder.mkdir(parents=True, exist_ok=True)
    train = load(folder, "train")
    devs = {name: load(folder, name) for name in ("dev", *DOMAIN)}
    model = fit(train, list(range(len(train.x))), c=C, pool=POOL)
    row: dict[str, object] = {
        "setting": setting,
        "fused": {n: baselines(s)["fused"] for n, s in {"train": train, **devs}.items()},
        "reranked": {
            "train_cv": cross_validated(train, c=C, pool=POOL, mode=MODE),
            **{n: _figures(s, model, pool=POOL, mode=MODE) for n, s in devs.items()},
        },
    }
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, required=True, help="folder for the indexes and candidate caches")
    parser.add_argument("--settings", default=",".join(DEFAULT_GRID), help="TOKENS-OVERLAP,… to measure")
    args = parser.parse_args()
    for setting in args.settings.split(","):
        print(json.dumps(measure(args.work, setting.strip())), flush=True)


if __name__ == "__main__":
    main()
