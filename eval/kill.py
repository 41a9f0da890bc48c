"""kill -9 at random moments of a CLI ingest, an API upload and an API delete, repeated: no lost or corrupted state.

    python -m granska.eval.kill [--trials 21] [--embedder hash]

Each trial starts from an index of the bundled corpus, starts a write, kills the process at a random moment
(or, in half the trials, the moment a write is half done: a `.partial` generation of the old format on disk, or
rows journalled as pending in the store's SQLite journal, i.e. added to Tantivy and not yet committed), then
checks: the index loads, holds exactly the state before or exactly the state after the write (never a mix),
the next open leaves no `.partial` folder, the question asked before gets the same answer, and the next write
succeeds and sweeps the journal (no pending rows or tombstones left; Tantivy holds exactly the live passages).
Prints one JSON object; exits 1 on any bad trial.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from granska.eval.serving import EXE, local_server
from granska.index.lexical import LexicalIndex
from granska.index.store import LEXICAL_DIR, LocalStore

from granska.engine import BUNDLED_CORPUS, Engine
from granska.settings import EmbedderSettings, Settings

DOCS = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "swequad_mc" / "docs"
QUESTION = "Vem gav EY i uppdrag att granska integrationsarbetet?"


def _state(index_dir: Path) -> tuple[tuple[str, ...], tuple[str, ...]]:
    store = LocalStore(index_dir)
    return tuple(sorted(store.documents())), tuple(c.chunk_id for c in store.chunks())


def mid_write(index_dir: Path) -> bool:
    """True while a write is half done: a .partial generation (old format) or rows pending in the journal."""
    if any(index_dir.glob("*.partial")):
        return True
    db = index_dir / "granska.sqlite"
    if not db.is_file():
        return False
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.05) as conn:
            return bool(conn.execute("SELECT count(*) FROM pending").fetchone()[0])
    except sqlite3.Error:
        return False


def _kill_at(proc: subprocess.Popen[bytes], index_dir: Path, delay: float, on_partial: bool) -> bool:
    """Kill after `delay` seconds, or as soon as a write is half done when on_partial; True if one was."""
    deadline = time.monotonic() + delay
    seen = False
    while time.monotonic() < deadline and proc.poll() is None:
        seen = mid_write(index_dir)
        if on_partial and seen:
            break
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    return seen or mid_write(index_dir)


def _next_write_sweeps(settings: Settings, work: Path) -> bool:
    """The next write succeeds, and leaves the journal empty and Tantivy holding exactly the live passages."""
    extra = work / "next"
    shutil.rmtree(extra, ignore_errors=True)
    extra.mkdir()
    (extra / "efter_avbrottet.txt").write_text("Nämnden ska senast i mars redovisa hur bristerna åtgärdas.\n")
    Engine(settings).ingest([extra])
    store = LocalStore(settings.index_dir)
    db = sqlite3.connect(settings.index_dir / "granska.sqlite")
    try:
        journal = db.execute("SELECT (SELECT count(*) FROM pending) + (SELECT count(*) FROM tombstones)").fetchone()
    finally:
        db.close()
    lexical = LexicalIndex(settings.index_dir / LEXICAL_DIR)
    return journal[0] == 0 and lexical.num_docs() == len(store.chunks())


def trial(kind: str, work: Path, settings: Settings, env: dict[str, str], rng: random.Random) -> dict[str, Any]:
    import httpx

    idx = settings.index_dir
    shutil.rmtree(idx, ignore_errors=True)
    Engine(settings).ingest([BUNDLED_CORPUS])
    before = _state(idx)
    answer = Engine(settings).ask(QUESTION).as_dict()
    docs = sorted(DOCS.glob("*.txt"))[:20]
    delay = rng.uniform(0.05, 3.0)
    on_partial = rng.random() < 0.5
    if kind == "cli-ingest":
        batch = work / "batch"
        shutil.rmtree(batch, ignore_errors=True)
        batch.mkdir()
        for p in docs:
            shutil.copy(p, batch / p.name)
        proc = subprocess.Popen(
            [str(EXE), "ingest", str(batch), "--index-dir", str(idx)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        partial = _kill_at(proc, idx, delay, on_partial)
    else:
        proc, url = local_server(idx, env=env, polls=600, interval_s=0.2)
        if kind == "api-upload":
            files = [("files", (p.name, p.read_bytes())) for p in docs]
            request: dict[str, Any] = {"method": "POST", "url": f"{url}/api/documents", "files": files}
        else:
            request = {"method": "DELETE", "url": f"{url}/api/documents/003_f15778b1dd09b2e4.txt"}

        def call() -> None:
            try:
                httpx.request(timeout=120, **request)
            except httpx.HTTPError:
                pass

        threading.Thread(target=call, daemon=True).start()
        partial = _kill_at(proc, idx, delay, on_partial)
    after = _state(idx)  # opening the store sweeps stale .partial folders
    left = list(idx.glob("*.partial"))
    new_docs = set(after[0]) - set(before[0])
    whole = after == before or (
        (kind != "api-delete" and set(before[0]) < set(after[0]) and set(before[1]) <= set(after[1]))
        or (kind == "api-delete" and set(after[0]) == set(before[0]) - {"003_f15778b1dd09b2e4.txt"})
    )
    same_answer = Engine(settings).ask(QUESTION).as_dict() == answer if after == before else None
    swept = _next_write_sweeps(settings, work)
    ok = whole and not left and same_answer is not False and swept
    return {
        "kind": kind,
        "delay_s": round(delay, 3),
        "kill_on_partial": on_partial,
        "partial_on_disk_at_kill": partial,
        "outcome": "before" if after == before else f"after (+{len(new_docs)} docs)",
        "stale_partials_after_open": len(left),
        "same_answer": same_answer,
        "next_write_swept_journal": swept,
        "ok": ok,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=21)
    parser.add_argument("--embedder", default="hash")
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    work = Path(tempfile.mkdtemp(prefix="granska-kill-"))
    settings = Settings(index_dir=work / "idx", embedder=EmbedderSettings(model=args.embedder))
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "GRANSKA_EMBEDDER__MODEL": args.embedder}
    kinds = ("cli-ingest", "api-upload", "api-delete")
    try:
        rows = [trial(kinds[i % 3], work, settings, env, rng) for i in range(args.trials)]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    summary = {
        "trials": len(rows),
        "ok": sum(r["ok"] for r in rows),
        "killed_mid_write": sum(r["partial_on_disk_at_kill"] for r in rows),
        "ended_before": sum(r["outcome"] == "before" for r in rows),
        "stale_partials_after_open": sum(r["stale_partials_after_open"] for r in rows),
        "next_write_swept_journal": sum(r["next_write_swept_journal"] for r in rows),
    }
    print(json.dumps({"summary": summary, "rows": rows}, ensure_ascii=False, indent=1))
    return 0 if summary["ok"] == len(rows) else 1


if __name__ == "__main__":
    sys.exit(main())
