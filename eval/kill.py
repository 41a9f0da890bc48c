"""kill -9 at random moments of a CLI ingest, an API upload and an API delete, repeated: no lost or corrupted state.

    python -m granska.eval.kill [--trials 21] [--embedder hash]

Each trial starts from an index of the bundled corpus, starts a write, kills the process at a random moment
(or the moment a half-written generation appears), then checks: the index loads, holds exactly the state
before or exactly the state after the write (never a mix), the next open leaves no `.partial` folder, and the
question asked before gets the same answer. Prints one JSON object; exits 1 on any bad trial.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from granska.eval.serving import EXE, local_server
from granska.index.store import LocalStore

from granska.engine import BUNDLED_CORPUS, Engine
from granska.settings import EmbedderSettings, Settings

DOCS = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "swequad_mc" / "docs"
QUESTION = "Vem gav EY i uppdrag att granska integrationsarbetet?"


def _state(index_dir: Path) -> tuple[tuple[str, ...], tuple[str, ...]]:
    store = LocalStore(index_dir)
    return tuple(sorted(store.documents())), tuple(c.chunk_id for c in store.chunks())


def _kill_at(proc: subprocess.Popen[bytes], index_dir: Path, delay: float, on_partial: bool) -> bool:
    """Kill after `delay` seconds, or as soon as a .partial appears when on_partial; True if one was there."""
    deadline = time.monotonic() + delay
    seen = False
    while time.monotonic() < deadline and proc.poll() is None:
        seen = any(index_dir.glob("*.partial"))
        if on_partial and seen:
            break
        time.sleep(0.002)
    seen = seen or any(index_dir.glob("*.partial"))
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    return seen


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
    ok = whole and not left and same_answer is not False
    return {
        "kind": kind,
        "delay_s": round(delay, 3),
        "kill_on_partial": on_partial,
        "partial_on_disk_at_kill": partial,
        "outcome": "before" if after == before else f"after (+{len(new_docs)} docs)",
        "stale_partials_after_open": len(left),
        "same_answer": same_answer,
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
    }
    print(json.dumps({"summary": summary, "rows": rows}, ensure_ascii=False, indent=1))
    return 0 if summary["ok"] == len(rows) else 1


if __name__ == "__main__":
    sys.exit(main())
