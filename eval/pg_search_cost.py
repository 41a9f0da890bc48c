"""What one lexical search costs on a PostgreSQL store: wall p50/p95, the client's CPU and the server's CPU per
search, over the SweQUAD-MC dev questions (docs/postgres.md, session 22); with --ask, what a whole answer costs
(`Engine.ask` over the store: search, outlines, tracker state; docs/postgres.md, session 24).

    python -m granska.eval.pg_search_cost "postgresql://…?schema=S" --out rows.json [--questions 60] [--ask]

The server's CPU is that of the backends serving this process's connections only (found by their client
ports), so a build or another client on the same server is not counted; 0 when the server is on another
machine. The rows each search returned go to --out, to compare two codes' pools on the same data.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

WARMUP = 3  # searches before the measured ones (connections, prepared statements, caches)


def backend_cpu(store: Any) -> float:
    """CPU seconds so far of the server processes serving this process's connections to `store`."""
    import psutil

    ports = {c.laddr.port for c in psutil.Process().net_connections(kind="tcp")}
    with store._db.read() as conn:
        pids = [pid for pid, port in conn.execute("SELECT pid, client_port FROM pg_stat_activity") if port in ports]
    total = 0.0
    for pid in pids:
        try:
            t = psutil.Process(pid).cpu_times()
        except psutil.Error:  # another machine's backend, or one that just ended
            continue
        total += t.user + t.system
    return total


def _searcher(store: Any, *, ask: bool) -> Callable[[str], list[int]]:
    """One question's work: the lexical search's rows, or (ask) a whole answer's cited passages' offsets."""
    from granska.index.lexical import query_terms

    if not ask:
        return lambda q: [int(r) for r in store.lexical_search(query_terms(q), k=20)[0]]
    import tempfile

    from granska.engine import Engine
    from granska.settings import Settings

    engine = Engine(Settings(index_dir=Path(tempfile.mkdtemp(prefix="granska-pgask-"))), store=store)
    return lambda q: [c.start for c in engine.ask(q).citations]


def measure(url: str, questions: int, *, ask: bool = False) -> dict[str, Any]:
    """The figures and the rows of `questions` lexical searches (k=20) or answers (`ask`), after WARMUP."""
    from granska.eval.scale import _questions
    from granska.index.pg import PgStore

    store = PgStore(url)
    work = _searcher(store, ask=ask)
    pool = _questions()
    asked = (pool * (questions // len(pool) + 1))[:questions]
    for q in asked[:WARMUP]:
        work(q)
    walls: list[float] = []
    rows: list[list[int]] = []
    server0, client0, load0 = backend_cpu(store), time.process_time(), os.getloadavg()[0]
    for q in asked:
        t0 = time.perf_counter()
        rows.append(work(q))
        walls.append(time.perf_counter() - t0)
    server, client = backend_cpu(store) - server0, time.process_time() - client0
    walls.sort()
    passages = sum(v["chunks"] for v in store.status().values())
    out = {
        "what": "ask" if ask else "lexical_search",
        "questions": questions,
        "p50_ms": 1000 * statistics.median(walls),
        "p95_ms": 1000 * walls[int(0.95 * (questions - 1))],
        "client_cpu_ms": 1000 * client / questions,
        "server_cpu_ms": 1000 * server / questions,
        "load": (load0 + os.getloadavg()[0]) / 2,
        "passages": passages,
        "kb_per_passage": store.disk_bytes() / max(passages, 1) / 1024,
        "rows": rows,
    }
    store.close()
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m granska.eval.pg_search_cost", description=__doc__.split("\n")[0])
    parser.add_argument("url", help="A postgresql:// store URL (with ?schema=NAME).")
    parser.add_argument("--out", type=Path, required=True, help="JSON file for the figures and the rows.")
    parser.add_argument("--questions", type=int, default=60, help="Searches measured (dev questions, repeated).")
    parser.add_argument("--ask", action="store_true", help="Measure whole answers (Engine.ask), not searches.")
    args = parser.parse_args(argv)
    got = measure(args.url, max(1, args.questions), ask=args.ask)
    args.out.write_text(json.dumps(got), encoding="utf-8")
    print(json.dumps({k: v for k, v in got.items() if k != "rows"}))


if __name__ == "__main__":
    main()
