"""`python -m granska.eval.scale_steps N OUT`: the steps of `granska bench --passages N`, one size, each step's
JSON appended to OUT/steps.jsonl as soon as it ends (with the code's `git describe`), so that a size too large
to finish in the time available still reports the steps that did. Same children as `eval.scale.run`.
"""

from __future__ import annotations

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


def step(log: Path, name: str, *args: str) -> dict[str, Any]:
    """Run one child step and append its result to `log`."""
    started = time.strftime("%H:%M:%S")
    got = {"step": name, "started": started, "code": _code(), **scale._child(name, *args)}
    got["ended"] = time.strftime("%H:%M:%S")
    with log.open("a", encoding="utf-8") as f:
        f.write(json.dumps(got) + "\n")
    return got


def main(n: int, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    log = out / "steps.jsonl"
    extra, corpus, index = out / "extra", out / f"corpus-{n}", out / f"index-{n}"
    if not extra.exists():
        scale.write_corpus(extra, scale.PASSAGES_PER_DOC, seed=999, prefix="extra")
    if not corpus.exists():
        scale.write_corpus(corpus, n, seed=n)
    step(log, "imports")
    empty = str(out / "index-empty")  # the floors: the same document on an empty index
    step(log, "add", empty, str(extra))
    step(log, "remove", empty, str(extra))
    step(log, "build", str(index), str(corpus))
    for name in ("add", "remove"):
        step(log, name, str(index), str(extra))
    step(log, "first", str(index))
    step(log, "serve", str(index))


if __name__ == "__main__":
    if len(sys.argv) != 3 or not sys.argv[1].isdigit():
        sys.exit("usage: python -m granska.eval.scale_steps PASSAGES OUT_FOLDER")
    main(int(sys.argv[1]), Path(sys.argv[2]))
