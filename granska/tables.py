"""The tracker's tables kept per document: rows stored beside the index, updated when a document comes or goes.

Responsibilities are computed per document; recommendations per municipality (they link within it), in a
background thread, so a write returns when the document is searchable. The engine composes one `Tables`
over its store and shares its locks with it (one writer at a time; the cached tables under the reader lock).

Rows made by other tracker code (an upgrade) are rebuilt in the background too, one municipality at a time:
the change of code is recorded together with one `upgrade:<place>` key per municipality, in one transaction,
so a killed process resumes where it stopped; meanwhile the tables answer from the rows they have, and
`state()` says they are being rebuilt.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from granska.index import rows as tracker_rows
from granska.index.search import section_matches
from granska.index.store import Store
from granska.index.vectors import Rerun
from granska.qa import link_pool, rec_model, rec_tables, recommendations, responsibilities, tracker
from granska.qa.rec_tables import corpus_order, place_key
from granska.qa.recommendations import Recommendation
from granska.qa.responsibilities import Responsibility
from granska.types import Answer, DocMeta, Document, Span

PENDING_KEY = "journal:pending"  # tracker rows of documents committed but not yet computed
UPGRADE = "upgrade:"  # a municipality whose rows were made by other tracker code, queued for the rebuild
RELINK = "relink:"  # a municipality whose recommendations wait for their links (a write touched it)

log = logging.getLogger(__name__)

Rows = dict[str, dict[str, list[Any]]]


class Tables:
    """Recommendation and responsibility rows of one store, maintained per document.

    write: the engine's writer lock (a rebuild or a killed ingest's pending rows are written under it);
    lock: the engine's reader lock, which guards the cached tables; documents: the engine's documents view
    (with outlines, for the section filter).
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
        self._queue_lock = threading.Lock()  # a municipality queued while the background relinks it stays queued
        self._relink = Rerun(self._relink_queued, name="granska-tracker")
        # One municipality's rows are computed and written by one thread at a time (the relinking and the
        # upgrade's rebuild both read its documents: the later writer read the later documents); another
        # municipality's relink does not wait for a large one's rebuild.
        self._place_locks: dict[str, threading.Lock] = {}
        self._locks_lock = threading.Lock()
        self._upgrade_lock = threading.Lock()
        self._upgrader: threading.Thread | None = None

    # --- writes --------------------------------------------------------------------------------
    def mark_pending(self, touched: dict[str, DocMeta | None]) -> None:
        """Journal the documents whose tracker rows are not computed yet (a kill before the end of an ingest
        leaves them pending; the next table answer computes them)."""
        pending = [{"doc": n, "place": place_key(m, n) if m is not None else None} for n, m in touched.items()]
        code = self.store.tracker_state()[0] or tracker_code()
        self.store.put_tracker({PENDING_KEY: {"pending": pending}}, code=code)

    def after_write(self, docs: set[str], old: dict[str, DocMeta]) -> None:
        """Tracker rows for the documents touched now; their municipalities' recommendations (which link
        across that municipality's documents, a cost growing with it) in the background."""
        # Rows made by other code are rebuilt in the background; a fresh index starts with this code's rows.
        if not self._current() and set(self.store.metas()) - docs:
            self._queue_upgrade(journal=False)  # the writer's own journal entries are settled just below
        rows = self._rows(docs, old, relink=False)
        rows[PENDING_KEY] = {"pending": []}  # done: nothing pending
        self.store.put_tracker(rows, code=tracker_code())
        self._relink.kick()

    def wait_relinked(self) -> None:
        """Block until the background relinking queued by this process is done."""
        self._relink.wait()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the stored tracker rows cover every committed document (the background relinking);
        False when `timeout` seconds went by first."""
        self._finish_pending()
        if self.store.exists() and self._current() and self._queued():
            self._relink.kick()
        return self._relink.wait(timeout)

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
        for key, rows in self.store.tracker(kind):
            old = kept.get(key)
            fresh[key] = old if old is not None and old[0] == rows else (rows, rec_tables.loaded_rows(cls, rows))
        self._objects[kind] = fresh
        return [r for _, objects in fresh.values() for r in objects]

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
        (`rebuilding`: municipalities left), `relinking`: municipalities whose links wait for the background
        after a write; `places`: those municipalities' keys (a document's is `place_key`)."""
        if not self.store.exists():
            return {"stale": False, "rebuilding": 0, "relinking": 0, "places": {}}
        queued = dict(self.store.tracker("pending"))
        upgrading = {k[len(UPGRADE) :] for k in queued if k.startswith(UPGRADE)}
        relinking = {k[len(RELINK) :] for k in queued if k.startswith(RELINK)}
        stale = bool(upgrading) or not self._current()
        places = {p: "rebuilding" for p in upgrading} | {p: "relinking" for p in relinking - upgrading}
        return {"stale": stale, "rebuilding": len(upgrading), "relinking": len(relinking), "places": places}

    def document_states(self, metas: Mapping[str, DocMeta]) -> dict[str, str]:
        """Per document: "current", or "rebuilding"/"relinking" while its municipality's rows wait (docs list)."""
        places = self.state()["places"]
        return {n: places.get(place_key(m, n), "current") for n, m in metas.items()}

    def wait_rebuilt(self, timeout: float | None = None) -> bool:
        """Block until the background rebuild after a change of tracker code is done (False on timeout)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while self._upgrades() or not self._current():
            self._kick_upgrade()
            thread = self._upgrader
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                return False
            if thread is not None:
                thread.join(min(left, 1.0) if left is not None else 1.0)
        return True

    def caveat(self, answer: Answer) -> Answer:
        """A table's answer while the tables are rebuilt after a change of tracker code says it may be
        incomplete (`rec_tables.stale_caveat`), instead of claiming a complete list."""
        if answer.notes.get("generator") not in rec_tables.TABLE_GENERATORS:
            return answer
        state = self.state()
        return rec_tables.stale_caveat(answer, state["rebuilding"]) if state["stale"] else answer

    # --- the background and the journal --------------------------------------------------------
    def _journal(self, prefix: str) -> dict[str, list[Any]]:
        """The journal's entries under `prefix`: {key: [stamp]}."""
        return {k: v for k, v in self.store.tracker("pending") if k.startswith(prefix)}

    def _queued(self) -> dict[str, list[Any]]:
        """Municipalities whose recommendations wait for the background relinking: {key: [stamp]}."""
        return self._journal(RELINK)

    def _upgrades(self) -> dict[str, list[Any]]:
        """Municipalities whose rows were made by other tracker code, left for the rebuild: {key: [stamp]}."""
        return self._journal(UPGRADE)

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
        self._kick_upgrade()

    def _kick_upgrade(self) -> None:
        """Start the rebuild's thread if it is not running. A daemon: a CLI that asked one question exits,
        and the next process resumes the queue (nothing half-written: one municipality per transaction)."""
        with self._upgrade_lock:
            if self._upgrader is None or not self._upgrader.is_alive():
                self._upgrader = threading.Thread(
                    target=self._upgrade_queued, name="granska-tracker-upgrade", daemon=True
                )
                self._upgrader.start()

    def _upgrade_queued(self) -> None:
        """The rebuild: each queued municipality's recommendations and its documents' responsibilities, one
        municipality per transaction; the last one also drops rows of keys no document has any more."""
        failed: set[str] = set()
        while self._current() and (left := {k: v for k, v in self._upgrades().items() if k not in failed}):
            metas = self.store.metas()
            size = Counter(place_key(m, n) for n, m in metas.items())
            # The smallest municipalities first: most of the table is current soonest.
            key = min(left, key=lambda k: (size[k[len(UPGRADE) :]], k))
            place = key[len(UPGRADE) :]
            try:
                with self._place_lock(place):
                    metas = self.store.metas()
                    names = {n for n, m in metas.items() if place_key(m, n) == place}
                    rows = self._rows(names, {}, places={place})
                    with self._queue_lock:
                        if self._upgrades().get(key) == left[key]:
                            rows[key] = {"pending": []}
                        if len(left) == 1:
                            rows.update(self._orphans(metas))
                        self.store.put_tracker(rows, code=tracker_code())
            except Exception:  # seen in the log; that municipality keeps its rows, the others go on
                log.exception("tracker rebuild of %s failed", place)
                failed.add(key)

    def _orphans(self, metas: Mapping[str, DocMeta]) -> Rows:
        """Stored rows under keys no committed document has (another code's keys, a municipality emptied)."""
        want = {f"doc:{n}" for n in metas} | {f"place:{place_key(m, n)}" for n, m in metas.items()}
        out: Rows = {}
        for kind in ("recommendations", "responsibilities"):
            for key, _ in self.store.tracker(kind):
                if key not in want:
                    out.setdefault(key, {})[kind] = []
        return out

    def _relink_queued(self) -> None:
        """The background job: recommendations of each queued municipality, over its documents now. A place
        queued again meanwhile stays queued (its stamp changed) and is done once more."""
        while self._current() and (queued := self._queued()):
            for key, stamp in sorted(queued.items()):  # one municipality per transaction
                place = key[len(RELINK) :]
                with self._place_lock(place):
                    rows = self._rows(set(), {}, places={place})
                    with self._queue_lock:
                        if self._queued().get(key) == stamp:
                            rows[key] = {"pending": []}
                        self.store.put_tracker(rows, code=tracker_code())

    def _place_lock(self, place: str) -> threading.Lock:
        with self._locks_lock:
            return self._place_locks.setdefault(place, threading.Lock())

    def _finish_pending(self) -> None:
        """Tracker rows a killed ingest left pending: computed now (per document; municipalities queued), if
        no writer of this engine is at work."""
        version = self.store.tracker_state()[1]
        if version == self._pending_checked or not self.store.exists():
            return
        pending = [r for k, rows in self.store.tracker("pending") if k == PENDING_KEY for r in rows]
        if not pending:
            self._pending_checked = version
            if self._queued() and not self._relink.busy():
                self._relink.kick()  # a killed process's queue
            if self._upgrades():
                self._kick_upgrade()  # a killed process's rebuild
            return
        if not self._write.acquire(blocking=False):
            return
        try:
            pending = [r for k, rows in self.store.tracker("pending") if k == PENDING_KEY for r in rows]
            if pending and self._current():
                names = {str(r["doc"]) for r in pending}
                places = {str(r["place"]) for r in pending if r.get("place")}
                rows = self._rows(names, {}, places=places, relink=False)
                rows[PENDING_KEY] = {"pending": []}
                self.store.put_tracker(rows, code=tracker_code())
                self._relink.kick()
        finally:
            self._write.release()

    def _rows(
        self,
        docs: set[str],
        old: dict[str, DocMeta],
        *,
        places: frozenset[str] | set[str] = frozenset(),
        relink: bool = True,
    ) -> Rows:
        """Responsibilities per document; recommendations per municipality (they link within it), or with
        relink=False those municipalities queued for the background. `places`: more municipalities to
        rebuild (where a document was before it changed)."""
        metas = self.store.metas()
        documents = self.store.documents()
        out: Rows = {}
        for name in docs:
            rows = responsibilities.build({name: documents[name]}) if name in metas else []
            out[f"doc:{name}"] = {"responsibilities": [tracker_rows.dump(r) for r in rows]}
        places = (
            {place_key(metas[n], n) for n in docs if n in metas} | {place_key(m, n) for n, m in old.items()} | places
        )
        if not relink:
            stamp = time.time_ns()
            with self._queue_lock:
                out.update({f"{RELINK}{p}": {"pending": [stamp]} for p in places})
            return out
        members: dict[str, list[str]] = {}
        for n, m in metas.items():  # one pass over the metadata, not one per municipality
            members.setdefault(place_key(m, n), []).append(n)
        for place in places:
            group = {n: documents[n] for n in members.get(place, [])}
            rows = recommendations.build(group) if group else []
            out[f"place:{place}"] = {"recommendations": [tracker_rows.dump(r) for r in rows]}
        link_pool.release()  # the linking's analysed passages are not kept by a serving process
        return out

    def _current(self) -> bool:
        """True when the stored tracker rows were made by this code (else they are rebuilt once, in full)."""
        return self.store.tracker_state()[0] == tracker_code()


def tracker_code() -> str:
    """A hash of the code and the fitted classifier that compute tracker rows: stored rows made by other code
    or another model are rebuilt (a refit that changes only the model must not leave stale rows)."""
    h = hashlib.sha256()
    for module in sorted(Path(recommendations.__file__).parent.glob("*.py")):
        h.update(module.read_bytes())
    h.update(rec_model.digest())
    return h.hexdigest()[:16]


def _in_section(docs: Mapping[str, Document], span: Span, values: list[str]) -> bool:
    doc = docs.get(span.doc)
    sec = doc.outline.section_at(span.start) if doc is not None and doc.outline is not None else None
    return sec is not None and section_matches(sec.kind, sec.path, values)
