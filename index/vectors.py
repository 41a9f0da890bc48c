"""Vectors off the critical path: documents go in searchable by their words first; a worker thread embeds
the documents that have no vectors yet, one document per commit, and they join the dense signal when ready.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import numpy as np
from granska.index.embedders import Encoder
from granska.index.store import Store

log = logging.getLogger("granska")


def missing(store: Store) -> list[str]:
    """Documents whose chunks have no vectors yet, in name order."""
    return sorted(n for n, s in store.status().items() if s["chunks"] and not s["vectors"])


def embed_document(store: Store, embedder: Encoder, doc: str, *, batch: int) -> int:
    """Embed one document's chunks and attach them; 0 when it changed or went meanwhile (nothing lost)."""
    status = store.status().get(doc)
    if status is None:
        return 0
    texts = [c.text for _, c in store.doc_chunks(doc)]
    parts = [embedder.encode(texts[i : i + batch]) for i in range(0, len(texts), batch)]
    if not parts:
        return 0
    vectors = np.concatenate(parts)
    return len(texts) if store.add_vectors(doc, status["sha256"], vectors) else 0


class Worker:
    """One background thread that embeds whatever lacks vectors, woken by `kick()` after each commit.

    The thread is not a daemon: a CLI `granska ingest` prints its report as soon as the text is in, and the
    process exits when the vectors are (a kill in between loses nothing committed; the next run resumes).
    """

    def __init__(self, store: Store, embedder: Callable[[], Encoder], *, batch: int) -> None:
        self._store = store
        self._embedder = embedder
        self._batch = batch
        self._rerun = Rerun(self._embed_missing, name="granska-embed")
        self.embedded = 0
        self.seconds = 0.0

    def kick(self) -> None:
        self._rerun.kick()

    def wait(self) -> None:
        """Block until every document has its vectors (tests, benchmarks, a CLI that must finish)."""
        self._rerun.wait()

    def busy(self) -> bool:
        return self._rerun.busy()

    def _embed_missing(self) -> None:
        try:
            todo = missing(self._store)
            if todo:
                emb = self._embedder()
            for doc in todo:
                t0 = time.perf_counter()
                self.embedded += embed_document(self._store, emb, doc, batch=self._batch)
                self.seconds += time.perf_counter() - t0
        except Exception:  # a background failure must be seen, and must not kill the server
            log.exception("embedding in the background failed; the documents stay searchable by their words")


class Rerun:
    """One background thread that runs `job` until no `kick()` came in while it ran (the embedding worker, the
    tracker's relinking: work kept off the writer's path). Not a daemon by default: a CLI exits when it is
    done; `daemon=True` for work a journal resumes in the next process, so a CLI need not wait for it."""

    def __init__(self, job: Callable[[], None], *, name: str, daemon: bool = False) -> None:
        self._job = job
        self._name = name
        self._daemon = daemon
        self._lock = threading.Lock()
        self._dirty = False
        self._thread: threading.Thread | None = None

    def kick(self) -> None:
        with self._lock:
            self._dirty = True
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name=self._name, daemon=self._daemon)
                self._thread.start()

    def busy(self) -> bool:
        with self._lock:
            return self._thread is not None and self._thread.is_alive()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the job is done (True), or `timeout` seconds went by (False)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            with self._lock:
                thread = self._thread
            if thread is None or not thread.is_alive() or thread is threading.current_thread():
                return True
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                return False
            thread.join(left)

    def _run(self) -> None:
        while True:
            with self._lock:
                if not self._dirty:
                    self._thread = None
                    return
                self._dirty = False
            try:
                self._job()
            except Exception:  # seen in the log; the committed state keeps answering
                log.exception("background job %s failed", self._name)
