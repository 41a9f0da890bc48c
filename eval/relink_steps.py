"""`python -m granska.eval.relink_steps INDEX EXTRA_FOLDER`: the CPU a municipality's relink costs after one
document is added or removed, measured where it runs (the tracker's background child process: utime + stime
from /proc), each step in a new process, so the first relink after a restart is what is measured, and the bytes
the child wrote meanwhile (`relink_written_bytes`: wchar from /proc/PID/io, the store's WAL and checkpoints
included) and the bytes of the tracker rows the step wrote (`rows_written_bytes`, `memo_rows_written_bytes`,
`place_rows_written_bytes`: rows new or changed, read from the index before and after) and a digest of the table
every reader gets (`table_sha`); prints one JSON line per step.

Steps, on a copy of an index the caller made (it is written to): `prime` (a new process opens the index and waits
until its tables are current: after a change of tracker code, the rebuild), then `add` (a new process adds the
one document of EXTRA_FOLDER and waits for its municipality's relink: a first relink after a restart), `remove`
in the same process (a relink by a worker that holds the memo of the one before), `add` again in a new process,
and `remove` in a new process (the first relink after a restart, for a removal). The file can also be run by
path (`python eval/relink_steps.py …`) with another checkout first on PYTHONPATH, to measure older code on its
own copy in the same run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

TIMEOUT_S = 3600.0


def _child_cpu(pid: int | None) -> float:
    """utime + stime of a process, in seconds (0 when there is none)."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _child_written(pid: int | None) -> int:
    """Bytes a process has written (`wchar` of /proc/PID/io: every write call, the store's WAL included)."""
    if pid is None:
        return 0
    for line in Path(f"/proc/{pid}/io").read_text().splitlines():
        if line.startswith("wchar:"):
            return int(line.split()[1])
    return 0


def _tracker_rows(index: Path) -> dict[tuple[str, str], tuple[int, int]]:
    """Every stored tracker row of an index folder: (key, kind) -> (bytes of its JSON, hash)."""
    import sqlite3

    conn = sqlite3.connect(f"file:{index / 'granska.sqlite'}?mode=ro", uri=True)
    try:
        return {
            (k, kind): (len(rows.encode("utf-8")), hash(rows))
            for k, kind, rows in conn.execute("SELECT key, kind, rows FROM tracker")
        }
    finally:
        conn.close()


def _rows_written(
    before: dict[tuple[str, str], tuple[int, int]], after: dict[tuple[str, str], tuple[int, int]]
) -> dict[str, int]:
    """Bytes of the tracker rows a step wrote (new or changed; the link memo's apart), and rows deleted: what the
    relink asked the store to write, whatever the store's own pages cost (wchar counts those, checkpoints included)."""
    changed = [k for k, v in after.items() if before.get(k) != v]
    memo = [k for k in changed if k[1].startswith(("memo:", "memohead:"))]
    place = [k for k in changed if k[1] == "recommendations" or k[1].startswith("placehead:")]
    return {
        "rows_written_bytes": sum(after[k][0] for k in changed),
        "memo_rows_written_bytes": sum(after[k][0] for k in memo),
        "memo_rows_written": len(memo),
        "place_rows_written_bytes": sum(after[k][0] for k in place),  # the recommendations and their heads
        "place_rows_written": len(place),
        "rows_deleted": sum(1 for k in before if k not in after),
    }


def _engine(index: Path) -> Any:
    from granska.engine import Engine
    from granska.settings import Settings

    return Engine(Settings(index_dir=index))


def _child_pid() -> int | None:
    from granska.qa import rec_process

    return rec_process.CHILD.pid()


def _step(name: str, engine: Any, change: Any, before: float, written: int = 0) -> dict[str, Any]:
    """Run `change` (returns once searchable), wait for the relink; CPU of this process and of the child, and
    the bytes the child wrote (`written`: its count before the step)."""
    index = Path(engine.store.root)
    stored = _tracker_rows(index)
    wall, cpu = time.perf_counter(), time.process_time()
    change()
    writer = time.process_time() - cpu
    done = engine.wait_for_tracker(timeout=TIMEOUT_S)
    after = _child_cpu(_child_pid())
    return {
        "step": name,
        "writer_cpu_s": round(writer, 3),
        "relink_cpu_s": round(after - before, 3),
        "relink_written_bytes": _child_written(_child_pid()) - written,
        **_rows_written(stored, _tracker_rows(index)),
        "wall_s": round(time.perf_counter() - wall, 3),
        "current": done,
        "load": os.getloadavg()[0],
    }


def child(step: str, index: str, extra: str) -> list[dict[str, Any]]:
    """One process's steps: `prime`, `add` (then `remove`, warm), `add`, or `remove`."""
    engine = _engine(Path(index))
    doc = next(Path(extra).glob("*.txt"))
    if step == "prime":
        wall = time.perf_counter()
        engine.tables.wait_rebuilt(timeout=TIMEOUT_S)
        done = engine.wait_for_tracker(timeout=TIMEOUT_S)
        return [{"step": "prime", "relink_cpu_s": round(_child_cpu(_child_pid()), 3), "current": done,
                 "wall_s": round(time.perf_counter() - wall, 3), "load": os.getloadavg()[0]}]  # fmt: skip
    engine.store.metas()
    out: list[dict[str, Any]] = []
    if step in ("add", "add-remove"):
        out.append(_step("add after restart", engine, lambda: engine.ingest([doc], tables_later=True), 0.0))
    if step == "add-remove":
        warm, written = _child_cpu(_child_pid()), _child_written(_child_pid())
        out.append(_step("remove, warm", engine, lambda: engine.remove(doc.name, tables_later=True), warm, written))
    if step == "remove":
        out.append(_step("remove after restart", engine, lambda: engine.remove(doc.name, tables_later=True), 0.0))
    rows = engine.store.tracker("recommendations")
    import hashlib

    digest = hashlib.sha256(json.dumps(rows, sort_keys=True).encode()).hexdigest()[:16]
    # The table as every reader gets it: the same across layouts of the stored rows (rows_sha is of the layout).
    table = [r.as_dict() for r in engine.recommendations()]
    table_digest = hashlib.sha256(json.dumps(table, sort_keys=True).encode()).hexdigest()[:16]
    for o in out:
        o["rows"] = sum(len(v) for _, v in rows)
        o["rows_sha"] = digest
        o["table_sha"] = table_digest
    return out


def main(index: Path, extra: Path) -> None:
    for step in ("prime", "add-remove", "add", "remove"):
        got = subprocess.run(
            [sys.executable, __file__, "child", step, str(index), str(extra)],
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        )
        for line in got.stdout.strip().splitlines():
            print(line, flush=True)


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "child":
        for result in child(*sys.argv[2:5]):
            print(json.dumps(result), flush=True)
        os._exit(0)  # the background child stops when its parent is gone
    if len(sys.argv) != 3:
        sys.exit("usage: python -m granska.eval.relink_steps INDEX_FOLDER EXTRA_FOLDER")
    main(Path(sys.argv[1]), Path(sys.argv[2]))
