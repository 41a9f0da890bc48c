"""`python -m granska.eval.pg_pool --url URL`: how much of the exact BM25 top 20 the PostgreSQL store's
full-text candidate pool holds, per pool size, over the SweQUAD-MC dev questions (the documents must be
ingested in that store: `granska --store URL ingest ../shared/datasets/swequad_mc/docs`).

This is how POOL and SELECTIVE in granska.index.pg_lexical were chosen: by recall of the exact ranking
(what rescoring can only keep, never repair), not by answer accuracy.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from granska.index import bm25
from granska.index import pg_lexical as lex
from granska.index.lexical import FIELDS, query_terms
from granska.index.pg import PgStore

DEV = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "swequad_mc" / "dev.jsonl"
TOP = 20


def pool_recall(store: PgStore, questions: list[str], pools: list[int]) -> dict[int, float]:
    """Mean share of each field's exact top TOP (over every passage) found in a pool of each size."""
    db = store._db
    with db.read() as conn:
        every = [int(r[0]) for r in conn.execute("SELECT row FROM chunks")]
    got: dict[int, list[float]] = {p: [] for p in pools}
    for q in questions:
        terms = query_terms(q)
        with db.snapshot(seqscan=False) as conn:
            (n, tc, tw), classes = lex.corpus_classes(conn, terms)
            dfs = lex.passage_counts(classes)
            rows, scores = bm25.rescore(terms, lex.stored(conn, [], every), (n, tc, tw), dfs)
            for f in FIELDS:
                s = scores[f]
                top = {rows[i] for i in np.argsort(-s, kind="stable")[:TOP] if s[i] > 0}
                avgdl = (tc if f == "char" else tw) / max(n, 1)
                for p in pools:
                    weighted, probed, _ = lex.drawn(dfs[f], classes[f], n)
                    query = lex.candidates(f, weighted, None, avgdl=avgdl, pool=p, classes=probed)
                    pool = {int(r[0]) for r in conn.execute(*query)} if query else set()
                    got[p].append(len(top & pool) / max(len(top), 1))
    return {p: float(np.mean(v)) for p, v in got.items()}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m granska.eval.pg_pool", description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="The store holding the SweQUAD-MC documents.")
    parser.add_argument("--pools", default="20,30,40,60,100")
    args = parser.parse_args(argv)
    questions = [json.loads(line)["question"] for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
    store = PgStore(args.url)
    result = pool_recall(store, questions, [int(x) for x in args.pools.split(",")])
    print(f"SELECTIVE={lex.SELECTIVE} COMMON={lex.COMMON} POOL={lex.POOL}")
    for p, r in result.items():
        print(f"pool {p}: {r:.4f} of the exact top {TOP}")


if __name__ == "__main__":
    main()
