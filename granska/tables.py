"""The tracker's tables kept per document: rows stored beside the index, updated when a document comes or goes.

Responsibilities are computed per document; recommendations per municipality (they link within it), in a
background thread, so a write returns when the document is searchable. The engine composes one `Tables`
over its store and shares its locks with it (one writer at a time; the cached tables under the reader lock).
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from granska.index import rows as tracker_rows
from granska.index.search import section_matches
from granska.index.store import Store
from granska.index.vectors import Rerun
from granska.qa import link_pool, rec_model, recommendations, responsibilities, tracker
from granska.qa.recommendations import Recommendation
from granska.qa.responsibilities import Responsibility
from granska.types import DocMeta, Document, Span

PENDING_KEY = "journal:pending"  # tracker rows of documents committed but not yet computed

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
        self._pending_checked = -1  # tracker version at which no tracker rows were pending
        self._queue_lock = threading.Lock()  # a municipality queued while the background relinks it stays queued
        self._relink = Rerun(self._relink_queued, name="granska-tracker")

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
        # Rows made by other code are rebuilt in full once; a fresh index starts with this code's rows.
        if self._current() or not set(self.store.metas()) - docs:
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
        """The tables, read from the rows stored per document (built in full only when the code changed)."""
        if not self._current() and self.store.exists():
            self._rebuild()  # under the writer lock only: questions keep their own lock meanwhile
        elif self.store.exists():
            self._finish_pending()
        with self._lock:
            version = self.store.tracker_state()[1]
            if self._cache is None or self._cache[0] != version:
                metas = self.store.metas()
                recs = [
                    tracker_rows.load(Recommendation, r)
                    for _, rows in self.store.tracker("recommendations")
                    for r in rows
                ]
                recs.sort(key=lambda r: corpus_order(r.recommendation, metas))
                stored = [
                    tracker_rows.load(Responsibility, r)
                    for _, rows in self.store.tracker("responsibilities")
                    for r in rows
                ]
                # Stored per document; one statement repeated across documents is still one row.
                resps = responsibilities.unique(sorted(stored, key=lambda r: r.source.doc))
                self._cache = (version, recs, resps)
            return self._cache[1], self._cache[2]

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

    # --- the background and the journal --------------------------------------------------------
    def _queued(self) -> dict[str, list[Any]]:
        """Municipalities whose recommendations wait for the background relinking: {key: [stamp]}."""
        return {k: v for k, v in self.store.tracker("pending") if k.startswith("relink:")}

    def _relink_queued(self) -> None:
        """The background job: recommendations of each queued municipality, over its documents now. A place
        queued again meanwhile stays queued (its stamp changed) and is done once more."""
        while self._current() and (queued := self._queued()):
            rows = self._rows(set(), {}, places={k.split(":", 1)[1] for k in queued})
            with self._queue_lock:
                now = self._queued()
                rows.update({k: {"pending": []} for k, v in queued.items() if now.get(k) == v})
                self.store.put_tracker(rows, code=tracker_code())

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
                out.update({f"relink:{p}": {"pending": [stamp]} for p in places})
            return out
        for place in places:
            group = {n: documents[n] for n, m in metas.items() if place_key(m, n) == place}
            rows = recommendations.build(group) if group else []
            out[f"place:{place}"] = {"recommendations": [tracker_rows.dump(r) for r in rows]}
        link_pool.release()  # the linking's analysed passages are not kept by a serving process
        return out

    def _rebuild(self) -> None:
        with self._write:
            if self._current():
                return
            rows = self._rows(set(self.store.metas()), {})
            self.store.put_tracker(rows, code=tracker_code(), replace=True)

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


def place_key(meta: DocMeta, name: str) -> str:
    """Recommendations link within a municipality; a document whose municipality is unknown links to none,
    so it is its own group (else every such document would be rebuilt with each new one)."""
    place = recommendations.place(meta.municipality)  # the same comparison the tracker links by
    return place if place else f"?{name}"


def corpus_order(span: Span, metas: dict[str, DocMeta]) -> tuple[bool, str, int]:
    """The order the tables had when built over the whole corpus: reports before responses, then by name."""
    meta = metas.get(span.doc)
    return (meta is not None and meta.role == "response", span.doc, span.start)


def _in_section(docs: Mapping[str, Document], span: Span, values: list[str]) -> bool:
    doc = docs.get(span.doc)
    sec = doc.outline.section_at(span.start) if doc is not None and doc.outline is not None else None
    return sec is not None and section_matches(sec.kind, sec.path, values)
