"""Parse a file in a child process whose memory and time are capped by the kernel, not by the parser's goodwill.

The guards (`granska.ingest.guards`) refuse what they can see before parsing, and the loaders check a deadline
between pages; but a third-party parser can still spin or allocate inside one step (a pathological PDF page,
a content stream that expands). Formats read by such parsers (PDF, DOCX, HTML) are therefore parsed by one
long-lived worker process (a fresh interpreter, so it is safe from a threaded server), which
- runs under `RLIMIT_AS` = its own size after importing the parsers + `max_memory_mb` (default 1 GB): an
  allocation beyond that fails inside the child with MemoryError and the file is skipped;
- is killed when one file takes longer than the per-file time limit (plus a grace period for the loader's own
  check to speak first), and a fresh worker serves the next file;
- may die in any other way (a segfault in a native parser): the file is skipped, the batch goes on.
Plain text (.txt, .md) is decoded by our own code in linear time, under the file size limit, in-process.
"""

from __future__ import annotations

import logging
import os
import pickle
import resource
import select
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO, Any

from granska.errors import UnreadableFileError
from granska.types import Document

ISOLATED = {".pdf", ".docx", ".html", ".htm"}
GRACE_S = 2.0  # after the per-file limit: the loader's own deadline check usually fires first, with its reason
START_S = 120.0  # a cold start imports the parsers (seconds on a loaded machine)


def _vm_size() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    return 0


def main() -> None:
    """The worker: import the parsers, cap the address space, then load files sent on stdin until it closes.
    Messages are pickles on stdin/stdout; stdout is kept for them (anything a library prints goes to stderr)."""
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    inp = sys.stdin.buffer
    max_memory = int(sys.argv[1])
    logging.disable(logging.WARNING)  # parser warnings about odd files: the report says what matters
    from granska.ingest import loaders

    for name in ("pypdf", "docx", "bs4", "lxml.etree"):  # imported now, so the cap is measured above them
        try:
            __import__(name)
        except ImportError:
            pass
    limit = _vm_size() + max_memory
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    _send(out, ("ready", os.getpid()))
    while True:
        try:
            path, kwargs = pickle.load(inp)
        except (EOFError, OSError):
            return
        try:
            _send(out, ("ok", loaders.load(Path(path), **kwargs)))
        except (UnreadableFileError, MemoryError) as exc:
            memory = isinstance(exc, MemoryError) or isinstance(exc.__cause__, MemoryError)
            over = f"needs more than {max_memory >> 20} MB of memory to parse (GRANSKA_INGEST__MAX_PARSE_MB)"
            _send(out, ("skip", over if memory else getattr(exc, "reason", str(exc))))


def _send(out: IO[bytes], message: Any) -> None:
    pickle.dump(message, out, protocol=pickle.HIGHEST_PROTOCOL)
    out.flush()


class _Worker:
    """One child process (a plain `python -c`, so no caller's main module is re-imported) and its pipes."""

    def __init__(self, max_memory: int) -> None:
        self.max_memory = max_memory
        self.proc = subprocess.Popen(
            [sys.executable, "-c", "from granska.ingest.isolate import main; main()", str(max_memory)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        if self.receive(START_S)[0] != "ready":
            self.kill()
            raise RuntimeError("the parser process did not start")

    def alive(self) -> bool:
        return self.proc.poll() is None

    def send(self, message: Any) -> None:
        assert self.proc.stdin is not None
        pickle.dump(message, self.proc.stdin, protocol=pickle.HIGHEST_PROTOCOL)
        self.proc.stdin.flush()

    def receive(self, timeout: float) -> Any:
        """The next message, or raises TimeoutError; EOFError when the child died."""
        assert self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not ready:
            raise TimeoutError
        return pickle.load(self.proc.stdout)

    def kill(self) -> None:
        if self.alive():
            self.proc.kill()
        self.proc.wait(10)
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe is not None:
                pipe.close()


_worker: _Worker | None = None
_lock = threading.Lock()  # one file at a time through the one worker


def load(path: Path, *, timeout_s: float, max_memory_mb: float, **kwargs: Any) -> Document:
    """`loaders.load(path, ...)` in the worker; raises UnreadableFileError (parse error, memory, time, crash)."""
    global _worker
    max_memory = int(max_memory_mb * (1 << 20))
    with _lock:
        if _worker is None or not _worker.alive() or _worker.max_memory != max_memory:
            if _worker is not None:
                _worker.kill()
            _worker = _Worker(max_memory)
        worker = _worker
        try:
            worker.send((str(path), {**kwargs, "timeout_s": timeout_s}))
            result = worker.receive(timeout_s + GRACE_S)
        except TimeoutError:
            worker.kill()
            _worker = None
            raise UnreadableFileError(
                str(path), f"parsing took over {timeout_s:.0f} s (GRANSKA_INGEST__FILE_TIMEOUT_S); stopped"
            ) from None
        except (EOFError, OSError, pickle.UnpicklingError) as exc:
            worker.kill()
            _worker = None
            raise UnreadableFileError(
                str(path), f"the parser process died (exit code {worker.proc.returncode})"
            ) from exc
    if result[0] == "ok":
        return result[1]  # type: ignore[no-any-return]
    raise UnreadableFileError(str(path), result[1])


def worker_pid() -> int | None:
    """The live worker's process id (for measuring its memory), or None."""
    return _worker.proc.pid if _worker is not None and _worker.alive() else None
