"""How much of the exact BM25 top 20 a PostgreSQL lexical search returns, and what it costs, for postings budgets
and pool sizes (docs/postgres.md, session 23).

    python -m granska.eval.pg_recall "postgresql://…?schema=S" [--questions 60] [BUDGET:POOL[:WIDE] ...]

The truth is each field's exact top 20 over every passage of the schema (the exact BM25 both stores rank with,
granska.index.bm25.rescore, read once for all passages), their union per question; a search's share is the part
of it the search returns (`lexical_search(k=20)`: each field's top 20 of its pools, exactly rescored). The
server's CPU is that of the backends serving this process (granska.eval.pg_search_cost.backend_cpu). With no
spec the shipped rule is measured (pg_lexical.budget, POOL, WIDE_POOL); each BUDGET:POOL[:WIDE] measures a fixed
budget of postings per field instead, POOL candidates per field (WIDE, default POOL, when the budget cut the
probes), and prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from typing import Any

import numpy as np

K = 20


BLOCK = 2_000  # passages rescored at once for the truth: rescoring all of a 413k corpus at once needed > 20 GB


def truths(store: Any, questions: list[str]) -> list[set[int]]:
    """Per question, the union of both fields' exact top K rows over the whole schema (rescored BLOCK passages at
    a time: a passage's score does not depend on the others, and merging the blocks' tops in row order keeps the
    tie order of one stable sort over every row)."""
    from granska.index import bm25
    from granska.index import pg_lexical as lex
    from granska.index.lexical import query_terms

    with store._db.read() as conn:
        cur = conn.execute("SELECT row, dl_char, dl_word, words FROM chunks ORDER BY row")
        found = [(int(r), (int(c), int(w), bytes(b))) for r, c, w, b in cur]
    out = []
    for q in questions:
        terms = query_terms(q)
        with store._db.snapshot() as conn:
            stats, dfs = lex.corpus(conn, terms)
        best: dict[str, list[tuple[float, int]]] = {"char": [], "word": []}
        for i in range(0, len(found), BLOCK):
            rows, scores = bm25.rescore(terms, dict(found[i : i + BLOCK]), stats, dfs)
            for f, kept in best.items():
                s = scores[f]
                kept.extend((-float(s[j]), rows[j]) for j in np.argsort(-s, kind="stable")[:K] if s[j] > 0)
        top: set[int] = set()
        for kept in best.values():
            top |= {r for _, r in sorted(kept)[:K]}  # by score, then by row: the global stable order
        out.append(top)
    return out


def measure(
    store: Any, questions: list[str], truth: list[set[int]], spec: tuple[int, int, int] | None
) -> dict[str, Any]:
    """Share of the truth returned, postings drawn, and client / server CPU per search, with this budget and
    pool (None: the shipped rule)."""
    from granska.eval.pg_search_cost import backend_cpu
    from granska.index import pg_lexical as lex
    from granska.index.lexical import query_terms

    if spec is not None:
        lex.POSTINGS, lex.POOL, lex.WIDE_POOL = spec
        lex.GROWTH = 0
    store.lexical_search(query_terms(questions[0]), k=K)  # the statement shapes prepared
    server0, client0, t0 = backend_cpu(store), time.process_time(), time.perf_counter()
    held = total = 0
    for q, top in zip(questions, truth, strict=True):
        got = set(store.lexical_search(query_terms(q), k=K)[0].tolist())
        held, total = held + len(top & got), total + len(top)
    n = len(questions)
    return {
        "budget": "shipped" if spec is None else spec[0],
        "pool": lex.POOL,
        "wide_pool": lex.WIDE_POOL,
        "recall_top20": held / max(total, 1),
        "server_cpu_ms": 1000 * (backend_cpu(store) - server0) / n,
        "client_cpu_ms": 1000 * (time.process_time() - client0) / n,
        "wall_ms": 1000 * (time.perf_counter() - t0) / n,
        "load": os.getloadavg()[0],
    }


def _spec(text: str) -> tuple[int, int, int]:
    """BUDGET:POOL[:WIDE] as (budget, pool, wide pool)."""
    parts = [int(x) for x in text.split(":")]
    return parts[0], parts[1], parts[2] if len(parts) > 2 else parts[1]


def main(argv: list[str] | None = None) -> None:
    from granska.eval.scale import _questions
    from granska.index.pg import PgStore

    parser = argparse.ArgumentParser(prog="python -m granska.eval.pg_recall", description=__doc__.split("\n")[0])
    parser.add_argument("url", help="A postgresql:// store URL (with ?schema=NAME).")
    parser.add_argument("specs", nargs="*", help="BUDGET:POOL[:WIDE] (default: the shipped rule).")
    parser.add_argument("--questions", type=int, default=60, help="SweQUAD-MC dev questions used.")
    args = parser.parse_intermixed_args(argv)  # BUDGET:POOL pairs before or after --questions
    store = PgStore(args.url)
    questions = _questions()[: max(1, args.questions)]
    truth = truths(store, questions)
    passages = sum(v["chunks"] for v in store.status().values())
    for text in args.specs or [None]:
        spec = None if text is None else _spec(text)
        print(json.dumps({"passages": passages, **measure(store, questions, truth, spec)}), flush=True)
    store.close()


if __name__ == "__main__":
    main()
