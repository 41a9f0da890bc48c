"""The tracker's tables kept per document: rows stored beside the index, updated when a document comes or goes.

Responsibilities are computed per document; recommendations per municipality (they link within it), in the
background (a child process, `qa/rec_process.py`), so a write returns when the document is searchable. The engine composes one `Tables` over its
store and shares its locks with it (one writer at a time; the cached tables under the reader lock).

What the background has left to do is a journal stored beside the rows (`qa/rec_work.py`): municipalities to
relink after a write, documents whose own rows a killed ingest left pending (done in batches), and, after a
change of tracker code (an upgrade), every municipality to rebuild. Each entry is done and cleared in one
transaction, so a killed process resumes where it stopped; meanwhile the tables answer from the rows they
have, and `state()` says what is missing.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from granska.index.search import section_matches
from granska.index.store import Store
from granska.index.vectors import Rerun
from granska.qa import rec_process, rec_tables, rec_work, responsibilities, tracker
from granska.qa.rec_tables import corpus_order, place_key
from granska.qa.rec_work import PENDING_KEY, RELINK, RESPOND, UPGRADE, Rows, tracker_code
from granska.qa.recommendations import Recommendation
from granska.qa.responsibilities import Responsibility
from granska.types import Answer, DocMeta, Document, Span

__all__ = ["PENDING_KEY", "RELINK", "RESPOND", "UPGRADE", "Tables", "place_key", "tracker_code"]
WAIT_POLL_S = 0.05  # how often a wait for the background looks at the journal

log = logging.getLogger(__name__)


class Tables:
    """Recommendation and responsibility rows of one store, maintained per document.

    write: the engine's writer lock (a killed ingest's pending rows are handed over under it); lock: the
    engine's reader lock, which guards the cached tables; documents: the engine's documents view (with
    outlines, for the section filter).
    """

    def __init__(
        self,
        store: Store,
        *,
        write: threading.Lock,
        lock: threading.RLock,
        documents: Callable[[], Mapping[str, Document]],
    ) -> None:
        self.store = store
        self._write = write
        self._lock = lock
        self._documents = documents
        self._cache: tuple[int, list[Recommendation], list[Responsibility]] | None = None
        self._objects: dict[str, dict[str, tuple[list[Any], list[Any]]]] = {}  # kind -> key -> (stored, read)
        self._pending_checked = -1  # tracker version at which no tracker rows were pending
        self._upgrade_lock = threading.Lock()
        # The background work runs in a child process (`qa/rec_process.py`): it does not share the interpreter
        # lock with questions; a store that names no location is worked in a daemon thread instead.
        self._location = rec_process.location_of(store)
        self._worker = rec_work.Worker(store)
        self._thread = Rerun(self._work, name="granska-tracker", daemon=True)

    # --- writes --------------------------------------------------------------------------------
    def mark_pending(self, touched: dict[str, DocMeta | None]) -> None:
        """Journal the documents whose tracker rows are not computed yet (a kill before the end of an ingest
        leaves them pending; the next table read hands them to the background). Entries another writer left
        (a killed process) are handed to the background in the same transaction, not dropped."""
        rows: Rows = self._handed_over(exclude=set(touched))
        pending = [{"doc": n, "place": place_key(m, n) if m is not None else None} for n, m in touched.items()]
        rows[PENDING_KEY] = {"pending": pending}
        self.store.put_tracker(rows, code=self.store.tracker_state()[0] or tracker_code())

    def after_write(self, docs: set[str], old: dict[str, DocMeta]) -> None:
        """Tracker rows for the documents touched now; their municipalities' recommendations (which link
        across that municipality's documents, a cost growing with it) in the background."""
        # Rows made by other code are rebuilt in the background; a fresh index starts with this code's rows.
        if not self._current() and set(self.store.metas()) - docs:
            self._queue_upgrade(journal=False)  # the writer's own journal entries are settled just below
        metas = self.store.metas()
        rows = rec_work.responsibility_rows(self.store, docs)
        places = {place_key(metas[n], n) for n in docs if n in metas} | {place_key(m, n) for n, m in old.items()}
        rows.update(rec_work.entries(RELINK, places))
        busy = list(self.store.tracker("pending"))  # one read of the journal for this write
        if any(k.startswith(UPGRADE) for k, _ in busy) or any(rec_work.target(k, RESPOND) in docs
                                                              for k, _ in busy if k.startswith(RESPOND)):  # fmt: skip
            # The background may be computing these documents from what they were before: it does them again.
            rows.update(rec_work.entries(RESPOND, docs))
        rows.update(self._handed_over(exclude=docs, queued=busy))
        rows[PENDING_KEY] = {"pending": []}  # done: nothing pending
        self.store.put_tracker(rows, code=tracker_code())
        self._kick()

    def wait_relinked(self, timeout: float | None = None) -> bool:
        """Block until the background has relinked every municipality and computed every document's rows
        (not the upgrade's rebuild: that is what `state()["stale"]` says); False on timeout."""
        deadline = None if timeout is None else time.monotonic() + timeout
        kicked = False
        while self.store.exists() and self._current() and self._journal((RELINK, RESPOND)):
            if not self._worker_busy():
                if kicked:  # the worker went through the journal and left these: their work failed (the log)
                    return True
                self._kick()
                kicked = True
            if deadline is not None and time.monotonic() >= deadline:
                return False
            time.sleep(WAIT_POLL_S)
        return True

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the stored tracker rows cover every committed document (the background relinking);
        False when `timeout` seconds went by first."""
        self._finish_pending()
        return self.wait_relinked(timeout)

    # --- reads ---------------------------------------------------------------------------------
    def rows(self) -> tuple[list[Recommendation], list[Responsibility]]:
        """The tables, read from the rows stored per document. After a change of tracker code: the rows there
        are, at once, while the background rebuilds them (`state()`)."""
        if self.store.exists():
            if not self._current():
                self._queue_upgrade(journal=True)
            self._finish_pending()
        with self._lock:
            version = self.store.tracker_state()[1]
            if self._cache is None or self._cache[0] != version:
                metas = self.store.metas()
                recs = self._loaded(Recommendation, "recommendations")
                recs.sort(key=lambda r: corpus_order(r.recommendation, metas))
                stored = self._loaded(Responsibility, "responsibilities")
                # Stored per document; one statement repeated across documents is still one row.
                resps = responsibilities.unique(sorted(stored, key=lambda r: r.source.doc))
                self._cache = (version, recs, resps)
            return self._cache[1], self._cache[2]

    def _loaded(self, cls: type[Any], kind: str) -> list[Any]:
        """Every stored row of `kind` as `cls`. Only the keys whose rows changed since the last read are
        turned into objects again (a background relink or rebuild rewrites one municipality at a time; the
        rest are the objects read before)."""
        kept = self._objects.setdefault(kind, {})
        fresh: dict[str, tuple[list[Any], list[Any]]] = {}
        stored = self.store.tracker(kind)
        for key, rows in stored:
            old = kept.get(key)
            fresh[key] = old if old is not None and old[0] == rows else (rows, rec_tables.loaded_rows(cls, rows))
        self._objects[kind] = fresh
        loaded = [fresh[key][1] for key, _ in stored]
        if cls is Recommendation:  # a recommendation's quotations are stored in rows of their own beside it
            loaded = rec_tables.with_quotes(stored, loaded)
        return [r for objects in loaded for r in objects]

    def filtered(
        self, filters: dict[str, list[str]], metas: dict[str, DocMeta]
    ) -> tuple[list[Recommendation], list[Responsibility]]:
        """The tables' rows that pass the filters (a section filter: where the row's quote stands)."""
        recs, resps = self.rows()
        recs, resps = tracker.filter_rows(recs, filters, metas), tracker.filter_rows(resps, filters, metas)
        if "section" in filters:  # a row stands where its recommendation (or statement) stands
            docs = self._documents()
            recs = [r for r in recs if _in_section(docs, r.recommendation, filters["section"])]
            resps = [r for r in resps if _in_section(docs, r.source, filters["section"])]
        return recs, resps

    def state(self) -> dict[str, Any]:
        """What the tables cover now: `stale` while rows made by other tracker code are being rebuilt
        (`rebuilding`: municipalities left) or documents' own rows wait for the background (`pending`:
        documents a killed ingest left); `relinking`: municipalities whose links wait for the background
        after a write; `places`: those municipalities' keys (a document's is `place_key`); `failed`: how many
        pieces of the background's work raised (`failures`: one line each, `rec_work.failure_line`; the
        municipality, or the document in `failed_docs`, is "failed" in `places` / `document_states` until that
        work succeeds)."""
        return self._state()[0]

    def _state(self) -> tuple[dict[str, Any], set[str]]:
        """`state()` and the documents whose own rows wait, from one read of the journal."""
        if not self.store.exists():
            empty = {"stale": False, "rebuilding": 0, "relinking": 0, "pending": 0, "places": {}, "failed": 0,
                     "failures": [], "failed_docs": []}  # fmt: skip
            return empty, set()
        journal = self.store.tracker("pending")
        queued = [k for k, _ in journal]
        failed = rec_work.failures(journal)
        upgrading = {k[len(UPGRADE) :] for k in queued if k.startswith(UPGRADE)}
        relinking = {rec_work.target(k, RELINK) for k in queued if k.startswith(RELINK)}
        waiting = {rec_work.target(k, RESPOND) for k in queued if k.startswith(RESPOND)}
        stale = bool(upgrading) or bool(waiting) or not self._current()
        places = {p: "rebuilding" for p in upgrading} | {p: "relinking" for p in relinking - upgrading}
        places |= {str(f["target"]): "failed" for f in failed if f.get("what") in ("relink", "rebuild")}
        state = {
            "stale": stale,
            "rebuilding": len(upgrading),
            "relinking": len(relinking),
            "pending": len(waiting),
            "places": places,
            "failed": len(failed),
            "failures": [rec_work.failure_line(f) for f in failed],
            "failed_docs": sorted(str(f["target"]) for f in failed if f.get("what") == "rows"),
        }
        return state, waiting

    def document_states(self, metas: Mapping[str, DocMeta]) -> dict[str, str]:
        """Per document: "current", or "pending" (its own rows wait for the background), "rebuilding" /
        "relinking" while its municipality's rows wait (docs list). One read of the journal."""
        state, waiting = self._state()
        places = state["places"]
        out = {n: "pending" if n in waiting else places.get(place_key(m, n), "current") for n, m in metas.items()}
        return out | {n: "failed" for n in state["failed_docs"] if n in out}

    def wait_rebuilt(self, timeout: float | None = None) -> bool:
        """Block until the background rebuild after a change of tracker code is done (False on timeout)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while self._journal(UPGRADE) or not self._current():
            if not self._current():
                self._queue_upgrade(journal=True)
            if not self._worker_busy():
                self._kick()
            if deadline is not None and time.monotonic() >= deadline:
                return False
            time.sleep(WAIT_POLL_S)
        return True

    def caveat(self, answer: Answer) -> Answer:
        """A table's answer while the tables are rebuilt after a change of tracker code, or while documents'
        rows wait for the background, says it may be incomplete (`rec_tables.stale_caveat`), instead of
        claiming a complete list."""
        if answer.notes.get("generator") not in rec_tables.TABLE_GENERATORS:
            return answer
        state = self.state()
        if not state["stale"]:
            return answer
        return rec_tables.stale_caveat(answer, state["rebuilding"], pending=state["pending"])

    # --- the background and the journal --------------------------------------------------------
    def _journal(self, prefix: str | tuple[str, ...]) -> dict[str, list[Any]]:
        """The journal's entries under `prefix` (or any of several): {key: [stamp]}."""
        return rec_work.journal(self.store, prefix)

    def _handed_over(self, *, exclude: set[str], queued: list[tuple[str, list[Any]]] | None = None) -> Rows:
        """A killed writer's pending documents as entries for the background (their own rows, their
        municipalities' links), and that writer's journal cleared: what the next writer or reader writes.
        `queued`: the journal as the caller just read it (else read here)."""
        queued = list(self.store.tracker("pending")) if queued is None else queued
        left = [r for k, rows in queued if k == PENDING_KEY for r in rows]
        left = [r for r in left if str(r["doc"]) not in exclude]
        if not left:
            return {}
        stamp = time.time_ns()
        names = {str(r["doc"]) for r in left}
        metas = self.store.metas()
        # The municipalities the documents were in before (journalled) and are in now (their metadata).
        places = {str(r["place"]) for r in left if r.get("place")} | {
            place_key(metas[n], n) for n in names & set(metas)
        }
        rows = rec_work.entries(RESPOND, names, stamp)
        rows.update(rec_work.entries(RELINK, places, stamp))
        log.info("tracker rows of %d documents left pending: handed to the background", len(left))
        return rows

    def _queue_upgrade(self, *, journal: bool) -> None:
        """Rows made by other code: every municipality queued for the background rebuild and this code
        recorded, in one transaction (a kill resumes the queue). `journal`: a killed ingest's pending
        documents are covered by the rebuild too, so their journal is cleared, unless a writer of this
        engine is at work (its own entries are settled by its `after_write`)."""
        with self._upgrade_lock:
            if self._current() or not self.store.exists():
                return
            took = journal and self._write.acquire(blocking=False)
            try:
                metas = self.store.metas()
                stamp = time.time_ns()
                rows: Rows = {
                    f"{UPGRADE}{p}": {"pending": [stamp]} for p in {place_key(m, n) for n, m in metas.items()}
                }
                if took:
                    rows[PENDING_KEY] = {"pending": []}
                self.store.put_tracker(rows, code=tracker_code())
                log.info("tracker rows made by other code: %d municipalities queued for the rebuild", len(rows))
            finally:
                if took:
                    self._write.release()
        self._kick()

    def _finish_pending(self) -> None:
        """Tracker rows a killed ingest left pending: handed to the background in one transaction (if no
        writer of this engine is at work), which computes them in batches; a killed process's queue resumed."""
        version = self.store.tracker_state()[1]
        if version == self._pending_checked or not self.store.exists():
            return
        queued = list(self.store.tracker("pending"))  # one read of the journal per call
        pending = [r for k, rows in queued if k == PENDING_KEY for r in rows]
        if pending:
            if not self._write.acquire(blocking=False):
                return  # a writer of this engine is at work: its `after_write` settles the journal and kicks
            try:
                rows = self._handed_over(exclude=set(), queued=queued)
                if rows and self._current():
                    rows[PENDING_KEY] = {"pending": []}
                    self.store.put_tracker(rows, code=tracker_code())
                    self._kick()  # what was just handed over
                    return
            finally:
                self._write.release()
        else:
            self._pending_checked = version
        if any(k.startswith((RESPOND, RELINK, UPGRADE)) for k, _ in queued):
            self._kick()  # a killed process's queue

    def _kick(self) -> None:
        """Have the background work the journal (one worker per index at a time; it stops when nothing is
        left). The parent only notices the rows it writes: the cached tables reload at the next read."""
        if self._location is not None:
            rec_process.CHILD.kick(self._location)
        else:
            self._thread.kick()

    def _worker_busy(self) -> bool:
        return rec_process.CHILD.busy(self._location) if self._location is not None else self._thread.busy()

    def _work(self) -> None:
        """The thread's pass over the journal (a store with no location)."""
        with rec_work.worker_lock(self.store):
            self._worker.run()

    def _current(self) -> bool:
        """True when the stored tracker rows were made by this code (else they are rebuilt once, in full)."""
        return rec_work.current(self.store)


def _in_section(docs: Mapping[str, Document], span: Span, values: list[str]) -> bool:
    doc = docs.get(span.doc)
    sec = doc.outline.section_at(span.start) if doc is not None and doc.outline is not None else None
    return sec is not None and section_matches(sec.kind, sec.path, values)
