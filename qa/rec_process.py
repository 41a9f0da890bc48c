"""The tracker tables' background work in a child process (`python -m granska.qa.rec_process`).

A relink or a rebuild is pure Python: in a thread it shares the interpreter lock with every question the
server answers. So one child process per serving process works the journals (`qa/rec_work.py`) of the stores
it is told about, and writes their rows through the store itself (one transaction per entry, as a thread
would), so a kill of either side loses nothing: the journal stays, and the next worker resumes it. The child
keeps its caches (extracted recommendations, analysed response documents) between passes, so a relink after
one new document analyses only that one.

Protocol: one JSON line per kick on the child's stdin, {"location": index folder or PostgreSQL URL}; one JSON
line back on its stdout, {"done": location}, when a pass over that store's journal has ended. The child ends
when its stdin closes or its parent is gone. Under `granska serve` it runs at a lower CPU priority
(`GRANSKA_TRACKER_NICE`, default 5 there, 0 elsewhere: a CLI ingest waits for it). A store that names no location (built in memory by a caller) is
worked in a daemon thread of the parent instead.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import threading
from collections import Counter
from typing import IO

from granska.index.store import Store, open_store
from granska.qa import rec_work

NICE_ENV = "GRANSKA_TRACKER_NICE"  # how much lower the child's CPU priority is than its parent's
DEFAULT_NICE = 0  # a CLI ingest waits for the child: full speed
SERVER_NICE = 5  # `granska serve` sets this default: the questions first

PASS = ("background pass", "the store")  # what a failure of a whole pass is recorded under

log = logging.getLogger(__name__)


def location_of(store: Store) -> str | None:
    """Where a child process can open the same store: an index folder or a PostgreSQL URL."""
    for attribute in ("root", "url"):
        value = getattr(store, attribute, None)
        if value is not None:
            return str(value)
    return None


class Child:
    """The parent's side: starts the child at the first kick (again if it died), tells it which store to
    work, and counts the passes asked for and not yet done per store (`busy`)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._owner = os.getpid()  # a forked copy of this process starts its own child
        self._asked: Counter[str] = Counter()

    def kick(self, location: str) -> None:
        line = (json.dumps({"location": location}) + "\n").encode("utf-8")
        with self._lock:
            for _attempt in range(2):  # a child that died is started again once
                proc = self._started()
                try:
                    assert proc.stdin is not None
                    proc.stdin.write(line)
                    proc.stdin.flush()
                except (BrokenPipeError, OSError):
                    self._proc = None
                    continue
                self._asked[location] += 1
                return
        log.warning("the tracker's background process could not be started; its journal waits")

    def busy(self, location: str) -> bool:
        with self._lock:
            return self._asked[location] > 0

    def pid(self) -> int | None:
        with self._lock:
            return self._proc.pid if self._proc is not None and self._proc.poll() is None else None

    def _started(self) -> subprocess.Popen[bytes]:
        if self._proc is not None and self._proc.poll() is None and self._owner == os.getpid():
            return self._proc
        self._owner = os.getpid()
        self._asked.clear()  # what a dead child was asked is in the journal; the new one is asked again
        proc = subprocess.Popen(
            [sys.executable, "-m", "granska.qa.rec_process", str(os.getpid())],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            close_fds=True,
        )
        self._proc = proc
        threading.Thread(target=self._read, args=(proc,), name="granska-tracker-child", daemon=True).start()
        return proc

    def _read(self, proc: subprocess.Popen[bytes]) -> None:
        """The child's answers: one pass done per line; at its end (it died) nothing is in flight any more."""
        assert proc.stdout is not None
        for raw in proc.stdout:
            try:
                done = str(json.loads(raw)["done"])
            except (ValueError, KeyError, TypeError):
                continue
            with self._lock:
                if self._proc is proc and self._asked[done] > 0:
                    self._asked[done] -= 1
        with self._lock:
            if self._proc is proc:
                self._asked.clear()


CHILD = Child()  # one per serving process: its stores are worked one pass at a time


def serve(lines: IO[bytes], out: IO[bytes], parent: int) -> None:
    """The child's loop: a pass over the named store's journal per line read, until stdin closes."""
    stores: dict[str, tuple[Store, rec_work.Worker]] = {}

    def alive() -> bool:
        return os.getppid() == parent

    for raw in lines:
        try:
            location = str(json.loads(raw)["location"])
        except (ValueError, KeyError, TypeError):
            continue
        try:
            if location not in stores:
                store = open_store(location)
                stores[location] = (store, rec_work.Worker(store))
            store, worker = stores[location]
            if store.exists():
                with rec_work.worker_lock(store):
                    worker.run(alive=alive)
                    _cleared_pass_failure(store)
        except Exception as exc:  # on stderr and, when the store takes it, in the journal; the next kick tries again
            log.exception("tracker background work on %s failed", location)
            if location in stores:
                stores[location][1].record(rec_work.failure(*PASS, exc))
        if not alive():
            return
        try:
            out.write((json.dumps({"done": location}) + "\n").encode("utf-8"))
            out.flush()
        except BrokenPipeError:  # the parent went between the check and the write: nothing to tell
            return


def _cleared_pass_failure(store: Store) -> None:
    """A pass that ended well clears what a failed one recorded (read first: most passes write nothing)."""
    key = rec_work.failed_key(*PASS)
    if any(k == key for k, _ in store.tracker("pending")):
        store.put_tracker(rec_work.cleared([key]), code=store.tracker_state()[0] or rec_work.tracker_code())


def main(argv: list[str]) -> None:
    logging.basicConfig(level=logging.WARNING, format="granska tracker worker: %(message)s")
    # Questions come first: the background yields the cores to the server when both want them.
    os.nice(int(os.environ.get(NICE_ENV, DEFAULT_NICE)))
    parent = int(argv[0]) if argv else os.getppid()
    serve(sys.stdin.buffer, sys.stdout.buffer, parent)


if __name__ == "__main__":
    main(sys.argv[1:])
