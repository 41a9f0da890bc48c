"""Upload jobs: the API's and the web page's uploads wait in one queue and are ingested by one writer thread.

Questions never wait for an upload: the writer commits through the store, and readers keep answering from the
last committed state until its commit lands (the engine's writer lock is separate from what readers use).
A job is staged (its files copied to a folder of its own) before it is queued, so the request that brought the
files may end while the job waits; its progress is (files done, files planned) and its result the same report
as `granska ingest --json`.
"""

from __future__ import annotations

import itertools
import secrets
import shutil
import threading
import time
import weakref
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from granska.ingest.pipeline import IngestReport, Skipped, printable

from granska.engine import Engine
from granska.errors import GranskaError

MAX_QUEUED = 50  # uploads waiting at once; more is refused (429) rather than kept in memory without end
KEEP_FINISHED = 200  # finished jobs whose status can still be asked for


@dataclass
class Job:
    """One queued upload: what a client sees at GET /api/jobs/{id}."""

    id: str
    files: list[str]
    staging: Path
    paths: list[Path]
    after: Callable[[IngestReport], None] | None = None  # run in the writer thread once ingested (web viewer)
    status: str = "queued"  # queued | running | done | failed
    done_files: int = 0
    total_files: int = 0
    queued_at: float = field(default_factory=time.time)
    started_at: float | None = None
    finished_at: float | None = None
    report: dict[str, Any] | None = None
    error: str | None = None
    exception: Exception | None = field(default=None, repr=False)  # re-raised to a client that waited
    finished: threading.Event = field(default_factory=threading.Event, repr=False)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "job": self.id,
            "status": self.status,
            "files": self.files,
            "done_files": self.done_files,
            "total_files": self.total_files or len(self.files),
            "queued_at": round(self.queued_at, 3),
            "started_at": round(self.started_at, 3) if self.started_at else None,
            "finished_at": round(self.finished_at, 3) if self.finished_at else None,
        }
        if self.report is not None:
            out["report"] = self.report
        if self.error is not None:
            out["error"] = self.error
        return out


class QueueFullError(GranskaError):
    """Too many uploads are waiting (429)."""


class Jobs:
    """The queue of one engine's uploads and its one writer thread (started at the first upload)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._waiting: deque[Job] = deque()
        self._cv = threading.Condition()
        self._thread: threading.Thread | None = None
        self._ids = itertools.count(1)

    def submit(
        self, staging: Path, paths: list[Path], names: list[str], *, after: Callable[[IngestReport], None] | None = None
    ) -> Job:
        """Queue the staged files (the job owns `staging` and removes it when done)."""
        with self._cv:
            if len(self._waiting) >= MAX_QUEUED:
                shutil.rmtree(staging, ignore_errors=True)
                raise QueueFullError(f"{len(self._waiting)} uploads are waiting already; try again when they are in")
            shown = [printable(n)[:200] for n in names]  # as uploaded, but always encodable as one JSON line
            job = Job(f"{next(self._ids)}-{secrets.token_hex(4)}", shown, staging, paths, after, total_files=len(paths))
            self._jobs[job.id] = job
            self._waiting.append(job)
            self._forget_old()
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="granska-writer", daemon=True)
                self._thread.start()
            self._cv.notify()
            return job

    def get(self, job_id: str) -> Job | None:
        with self._cv:
            return self._jobs.get(job_id)

    def all(self) -> list[Job]:
        with self._cv:
            return list(self._jobs.values())

    def position(self, job: Job) -> int:
        """How many jobs run or wait before this one (0: it is running or finished)."""
        with self._cv:
            ahead = list(self._waiting).index(job) if job in self._waiting else -1
            running = any(j.status == "running" for j in self._jobs.values())
            return ahead + int(running) if ahead >= 0 else 0

    def _forget_old(self) -> None:
        finished = [j for j in self._jobs.values() if j.finished.is_set()]
        for j in finished[: max(0, len(finished) - KEEP_FINISHED)]:
            del self._jobs[j.id]

    def _run(self) -> None:
        while True:
            with self._cv:
                while not self._waiting:
                    self._cv.wait()
                job = self._waiting.popleft()
                job.status, job.started_at = "running", time.time()
            self._ingest(job)

    def _ingest(self, job: Job) -> None:
        def progress(done: int, total: int) -> None:
            job.done_files, job.total_files = done, total

        try:
            report = self._engine.ingest(job.paths, uploaded=True, on_progress=progress)
            if job.after is not None:
                job.after(report)
            # The staging folder is ours, not the user's: name each file as it was uploaded.
            report.skipped = [Skipped(s.path.replace(f"{job.staging}/", ""), s.reason) for s in report.skipped]
            job.report, job.status = report.as_dict(), "done"
        except Exception as exc:  # noqa: BLE001 - a failed job is reported in its status, the writer goes on
            job.error, job.status, job.exception = _one_line(exc), "failed", exc
        finally:
            shutil.rmtree(job.staging, ignore_errors=True)
            job.finished_at = time.time()
            job.finished.set()


def _one_line(exc: Exception) -> str:
    text = str(exc) if isinstance(exc, GranskaError) else f"{type(exc).__name__}: {exc}"
    return " ".join(text.split())[:500]


_QUEUES: weakref.WeakKeyDictionary[Engine, Jobs] = weakref.WeakKeyDictionary()
_QUEUES_LOCK = threading.Lock()


def jobs_of(engine: Engine) -> Jobs:
    """The one queue of this engine, shared by the API and the web page (so they never write at once)."""
    with _QUEUES_LOCK:
        if engine not in _QUEUES:
            _QUEUES[engine] = Jobs(engine)
        return _QUEUES[engine]
