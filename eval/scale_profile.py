"""`python -m granska.eval.scale_profile INDEX [--asks] [--rounds 2] [--cprofile OUT.prof]`: where a query's
time goes on a large index, per stage, wall and CPU, in this fresh process (round 1 is cold, later rounds warm).

Stages are timed by wrapping the functions that do them (this script only, never the served code): Tantivy's
candidates (`LexicalIndex.search`), the query terms' document frequencies, fetching the shortlist's stored word
counts, the exact BM25 rescoring, fetching the passages, the documents' outlines, and (with `--asks`) the rest
of `Engine.ask` (routing and the answer). Questions: the SweQUAD-MC dev questions (`eval.scale._questions`).
CPU is the asking thread's own (`time.thread_time`): an ask may start the tracker's background relinking in the
same process, whose CPU is not the question's.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import statistics
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from granska.eval import scale

_spent: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])


def _timed(owner: Any, name: str, stage: str) -> None:
    """Replace owner.name by a wrapper adding its wall and CPU seconds to `stage` (outermost call only)."""
    inner: Callable[..., Any] = getattr(owner, name)
    depth = [0]

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if depth[0]:
            return inner(*args, **kwargs)
        depth[0] += 1
        t, c = time.perf_counter(), time.thread_time()
        try:
            return inner(*args, **kwargs)
        finally:
            depth[0] -= 1
            _spent[stage][0] += time.perf_counter() - t
            _spent[stage][1] += time.thread_time() - c

    setattr(owner, name, wrapper)


def instrument() -> None:
    from granska.index import bm25, db, lexical, outlines, search

    from granska import engine

    _timed(lexical.LexicalIndex, "search", "tantivy candidates")
    _timed(lexical.LexicalIndex, "doc_freqs", "doc freqs")
    _timed(db.Database, "terms", "fetch word counts")
    _timed(bm25, "rescore", "exact bm25")
    _timed(db.Database, "chunks", "fetch passages")
    _timed(outlines.Outlines, "by_name", "outlines")
    _timed(search.Searcher, "search", "search (all)")
    _timed(engine.Engine, "ask", "ask (all)")


def run(index: Path, *, asks: bool, rounds: int, profile: Path | None) -> dict[str, Any]:
    instrument()
    questions = scale._questions()
    t0, c0 = time.perf_counter(), time.thread_time()
    engine = scale._engine(index)
    engine.store.metas()
    opened = {"open_s": time.perf_counter() - t0, "open_cpu_s": time.thread_time() - c0}
    prof = cProfile.Profile() if profile is not None else None
    out: dict[str, Any] = {"index": str(index), "questions": len(questions), "load_start": os.getloadavg()[0], **opened}
    for r in range(1, rounds + 1):
        _spent.clear()
        walls, cpus = [], []
        if prof is not None and r == rounds:
            prof.enable()
        for q in questions:
            t, c = time.perf_counter(), time.thread_time()
            engine.ask(q) if asks else engine.search(q, k=20)
            walls.append(time.perf_counter() - t)
            cpus.append(time.thread_time() - c)
        if prof is not None and r == rounds:
            prof.disable()
        out[f"round{r}"] = {
            "p50_ms": 1000 * statistics.median(walls),
            "p95_ms": 1000 * scale._p(walls, 0.95),
            "cpu_p50_ms": 1000 * statistics.median(cpus),
            "cpu_p95_ms": 1000 * scale._p(cpus, 0.95),
            "stages_ms_per_query": {
                k: [round(1000 * w / len(questions), 2), round(1000 * c / len(questions), 2)]
                for k, (w, c) in _spent.items()
            },
            "load": os.getloadavg()[0],
        }
    out["rss"] = scale._rss_now()
    if prof is not None and profile is not None:
        prof.dump_stats(str(profile))
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("index", type=Path)
    p.add_argument("--asks", action="store_true", help="time Engine.ask (default: Engine.search, k=20)")
    p.add_argument("--rounds", type=int, default=2, help="passes over the questions (the first is cold)")
    p.add_argument("--cprofile", type=Path, default=None, help="write a cProfile of the last round here")
    a = p.parse_args()
    print(json.dumps(run(a.index, asks=a.asks, rounds=a.rounds, profile=a.cprofile), indent=1), flush=True)
    # Background work an ask may start (the tracker's relinking of queued municipalities, Tantivy merges) is
    # not part of the measurement: end here, as the bench's child steps do.
    os._exit(0)


if __name__ == "__main__":
    main()
