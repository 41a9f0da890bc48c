"""`python -m granska.eval.scale_steps N OUT [STORE]`: the steps of `granska bench --passages N`, one size and one
store, each step's JSON appended to OUT/steps.jsonl as soon as it ends (with the code's `git describe`), so that a
size too large to finish in the time available still reports the steps that did. Same children as
`eval.scale.run`; STORE is `local` (the default), `postgresql` (a server started under OUT for the run) or a
`postgresql://…` address.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from granska.eval import scale


def _code() -> str:
    root = Path(scale.__file__).resolve().parents[1]
    out = subprocess.run(
        ["git", "-C", str(root), "describe", "--always", "--dirty"], check=False, capture_output=True, text=True
    )
    return out.stdout.strip()


def step(log: Path, name: str, *args: str, store: str = "local") -> dict[str, Any]:
    """Run one child step on `store` and append its result to `log`."""
    started = time.strftime("%H:%M:%S")
    ran = scale._timed(store, name, *args) if name != "imports" else scale._child(name)
    got = {"step": name, "started": started, "code": _code(), "store": scale._label(store), **ran}
    got["ended"] = time.strftime("%H:%M:%S")
    with log.open("a", encoding="utf-8") as f:
        f.write(json.dumps(got) + "\n")
    return got


def main(n: int, out: Path, store: str = "local") -> None:
    out.mkdir(parents=True, exist_ok=True)
    out.chmod(0o755)  # a PostgreSQL started for the run runs as another user when this runs as root
    log = out / "steps.jsonl"
    extra, corpus, index = out / "extra", out / f"corpus-{n}", out / f"index-{n}"
    if not extra.exists():
        scale.write_corpus(extra, scale.PASSAGES_PER_DOC, seed=999, prefix="extra")
    if not corpus.exists():
        scale.write_corpus(corpus, n, seed=n)
    empty = out / "index-empty"  # the floors: the same document on an empty index
    with contextlib.ExitStack() as stack:
        # An address given keeps its schemas (a long run is inspected afterwards); a started server stops.
        spec = scale._resolve(store, out, stack, []) if store == "postgresql" else store
        step(log, "imports")
        step(log, "add", str(empty), str(extra), store=spec)
        step(log, "remove", str(empty), str(extra), store=spec)
        step(log, "build", str(index), str(corpus), store=spec)
        for name in ("add", "remove"):
            step(log, name, str(index), str(extra), store=spec)
        step(log, "first", str(index), store=spec)
        step(log, "serve", str(index), store=spec)


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4) or not sys.argv[1].isdigit():
        sys.exit("usage: python -m granska.eval.scale_steps PASSAGES OUT_FOLDER [local|postgresql|postgresql://…]")
    main(int(sys.argv[1]), Path(sys.argv[2]), *sys.argv[3:4])
