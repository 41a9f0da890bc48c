"""Where documents, chunks and vectors live. `Store` is the interface (`granska.index.store_api`); `LocalStore`
keeps them in a folder.

LocalStore (format 2) is incremental: SQLite (WAL) holds documents, chunks, vectors and tracker rows;
Tantivy holds the lexical index; FAISS is built in memory from the stored vectors when dense search is on.
Adding or removing a document costs work proportional to that document.

Crash safety: the SQLite commit is the one moment a change becomes visible. A write (1) reserves fresh row
ids and journals them as pending, (2) adds the new rows to Tantivy and commits it, (3) in one SQLite
transaction inserts the new rows, deletes the old ones (journalled as tombstones) and clears the pending
entry, (4) deletes the tombstones from Tantivy. Readers only show rows present in SQLite, so a kill at any
step leaves the last committed state answering; the next writer sweeps what a dead one left behind.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import shutil
import sqlite3
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from granska.index import bm25, dense, outlines
from granska.index.db import Database, Documents, keep_outline
from granska.index.lexical import CANDIDATES, LexicalIndex, indexed_text
from granska.index.store_api import Store, Upsert

from granska.errors import IndexMissingError
from granska.types import Chunk, DocMeta, Document, Outline

FORMAT = 2
DB_FILE = "granska.sqlite"
LEXICAL_DIR = "lexical"
WRITER_WAIT_S = 600.0  # how long a writer waits for another one's merges before giving up
DEAD_FRACTION = 0.2  # rebuild the in-memory FAISS index when this share of its vectors is gone


class LocalStore:
    """A folder holding granska.sqlite and lexical/ (Tantivy). Safe for many readers and one writer."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._db = Database(root / DB_FILE)
        self._lexical: LexicalIndex | None = None
        self._seen = -1  # store version the lexical reader last reloaded at
        self._metas: tuple[int, dict[str, DocMeta]] = (-1, {})
        self._dense: Any = None
        self._dense_seq = 0
        self._guard = threading.Lock()
        self._merging: threading.Thread | None = None  # the last writer, finishing its merges
        if (root / "CURRENT").is_file() and not (root / DB_FILE).is_file():
            from granska.index.migrate import migrate_generations

            migrate_generations(self)
        self._sweep_partials()

    def _sweep_partials(self) -> None:
        """Remove half-written generations left by a killed writer, if no writer holds the lock right now."""
        if not any(self.root.glob("*.partial")):
            return
        try:
            with (self.root / ".lock").open("a") as fh:
                try:
                    fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    return  # a live writer: its .partial is not stale
                try:
                    for path in self.root.glob("*.partial"):
                        shutil.rmtree(path, ignore_errors=True)
                finally:
                    fcntl.flock(fh, fcntl.LOCK_UN)
        except OSError:
            return  # a read-only index: leave it as it is

    # --- reading -------------------------------------------------------------------------------
    def exists(self) -> bool:
        return (self.root / DB_FILE).is_file() and self._db.get("fingerprint") is not None

    def _need(self) -> None:
        if not self.exists():
            raise IndexMissingError(f"no index in {self.root}; run `granska ingest PATH` first")

    def fingerprint(self) -> dict[str, Any]:
        self._need()
        return dict(json.loads(self._db.get("fingerprint") or "{}"))

    def version(self) -> int:
        """Grows with every commit (from any process): readers compare it to notice a change."""
        return self._db.version() if (self.root / DB_FILE).is_file() else 0

    def metas(self) -> dict[str, DocMeta]:
        if not self.exists():
            return {}
        v = self.version()
        if self._metas[0] != v:
            self._metas = (v, self._db.metas())
        return self._metas[1]

    def documents(self) -> Mapping[str, Document]:
        """Every document by name; texts are read when a document is looked at, not all at once."""
        return Documents(self._db.document, sorted(self.metas())) if self.exists() else {}

    def status(self) -> dict[str, dict[str, Any]]:
        return self._db.status() if self.exists() else {}

    def document_heads(self) -> dict[str, Document]:
        """Every document without its text (empty): what planning an ingest needs (id, hash, origin, metadata),
        without reading the whole corpus's text."""
        return self._db.heads() if self.exists() else {}

    def chunks(self) -> list[Chunk]:
        """All chunks (reads the whole table: for tools, not for the query path)."""
        return list(self._db.chunks().values()) if self.exists() else []

    def chunk_rows(self, rows: Sequence[int]) -> dict[int, Chunk]:
        return self._db.chunks(rows)

    def doc_chunks(self, doc: str) -> list[tuple[int, Chunk]]:
        return self._db.doc_chunks(doc)

    def chunk_at(self, doc: str, offset: int) -> Chunk | None:
        return self._db.chunk_at(doc, offset)

    def rows_of(self, docs: Sequence[str]) -> np.ndarray:
        return self._db.rows_of(docs)

    def _lex(self) -> LexicalIndex:
        with self._guard:
            if self._lexical is None:
                self._lexical = LexicalIndex(self.root / LEXICAL_DIR)
            v = self.version()
            if v != self._seen:
                self._lexical.reload()
                self._seen = v
            return self._lexical

    def lexical_search(
        self,
        terms: dict[str, list[str]],
        k: int = CANDIDATES,
        docs: Sequence[str] | None = None,
        also: Sequence[int] = (),
    ) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """Each field's top-k rows by Tantivy (plus `also`), with the exact BM25 of each field for each row."""
        self._need()
        lexical = self._lex()
        dfs = lexical.doc_freqs(terms)  # decide which terms draw the candidates, then score them all
        rows = sorted(set(lexical.search(terms, k=k, docs=docs, dfs=dfs)) | {int(r) for r in also})
        stored = self._db.terms(rows)  # rows a killed writer left in Tantivy are not live: not in `stored`
        found, scores = bm25.rescore(terms, stored, self._db.stats(), dfs)
        return np.array(found, dtype=np.int64), scores

    def dense_search(self, query: np.ndarray, k: int, allowed: np.ndarray | None) -> list[tuple[int, float]]:
        index = self._dense_index()
        if index is None or index.ntotal == 0:
            return []
        return dense.search(index, query, k, allowed)

    def _dense_index(self) -> Any:
        """FAISS over the stored vectors, brought up to date with what other writers added since."""
        if not self.exists():
            return None
        with self._guard:
            live = self._db.count_vectors()
            if self._dense is not None and self._dense.ntotal - live > DEAD_FRACTION * max(self._dense.ntotal, 1):
                self._dense, self._dense_seq = None, 0  # many removed documents: start afresh
            last, ids, vecs = self._db.vectors_since(self._dense_seq)
            if len(ids):
                if self._dense is None:
                    self._dense = dense.id_index(vecs.shape[1])
                # A re-embedded row replaces its old vector.
                self._dense.remove_ids(np.asarray(ids, dtype=np.int64))
                dense.add(self._dense, ids, vecs)
            self._dense_seq = last
            return self._dense

    def cache_dir(self) -> Path:
        """A folder for artefacts derived from the index (kept for tools that cache beside it)."""
        self._need()
        path = self.root / "cache"
        path.mkdir(exist_ok=True)
        return path

    def tracker(self, kind: str) -> list[tuple[str, list[Any]]]:
        return self._db.tracker(kind) if self.exists() else []

    def outline(self, doc: str, code: str, *, sha256: str | None = None) -> tuple[str, Outline] | None:
        """(sha256, outline) stored for `doc` by the outline code `code`: of that version of it, or of the
        current one when `sha256` is None; None when none is stored (an index older than stored outlines)."""
        if not self.exists():
            return None
        try:
            got = self._db.outline(doc, code, sha256)
        except sqlite3.OperationalError as exc:
            if "no such table" not in str(exc):
                raise
            return None  # made before outlines were stored, and nothing wrote one since
        return None if got is None else (got[0], outlines.decode(got[1]))

    def put_outline(self, doc: str, sha256: str, code: str, outline: Outline) -> None:
        """Keep an outline computed at first use (derived data: no commit of the corpus, no version bump).
        Best effort: while a writer holds the database, or on a read-only index, it is not kept, and the
        next process computes it again."""
        keep_outline(self.root / DB_FILE, doc, sha256, code, outlines.encode(outline))

    def tracker_state(self) -> tuple[str | None, int]:
        """(code that made the stored tracker rows, a counter that grows when they change)."""
        if not (self.root / DB_FILE).is_file():
            return None, 0
        return self._db.get("tracker_code"), int(self._db.get("tracker_version") or 0)

    # --- writing -------------------------------------------------------------------------------
    def apply(self, *, upserts: list[Upsert], deletes: list[str], fingerprint: dict[str, Any]) -> None:
        """Replace/insert `upserts` and delete `deletes` as one commit (see the module docstring)."""
        self.root.mkdir(parents=True, exist_ok=True)
        with _locked(self.root / ".lock"):
            db = self._db
            db.create()
            lexical = LexicalIndex(self.root / LEXICAL_DIR)
            writer = self._writer(lexical)
            self._recover(db, lexical, writer)
            n = sum(len(u.chunks) for u in upserts)
            with _transaction(db):
                first = db.allocate_rows(n)
                db.conn.execute("INSERT INTO pending (lo, hi) VALUES (?, ?)", (first, first + n))
            metas = {u.document.doc: u.document.meta for u in upserts}
            rows: list[tuple[int, Chunk]] = []
            for u in upserts:
                base = first + len(rows)
                rows.extend((base + i, c) for i, c in enumerate(u.chunks))
            counts = [bm25.word_counts(indexed_text(c, metas[c.doc])) for _, c in rows]
            if rows:
                lexical.add(writer, ((r, c.doc, n) for (r, c), n in zip(rows, counts, strict=True)))
                writer.commit()
            with _transaction(db):
                for name in {*deletes, *metas}:
                    db.delete_document(name)
                at = 0
                for u in upserts:
                    mine = rows[at : at + len(u.chunks)]
                    at += len(u.chunks)
                    db.put_document(u.document, len(u.chunks))
                    if u.document.outline is not None and u.outline_code is not None:
                        d = u.document
                        db.put_outline(d.doc, d.doc_sha256, u.outline_code, outlines.encode(d.outline))
                    db.put_chunks(mine)
                    if u.vectors is not None and len(u.chunks):
                        db.put_vectors(u.document.doc, [r for r, _ in mine], u.vectors)
                db.put_terms((r, *bm25.lengths(n), bm25.encode(n)) for (r, _), n in zip(rows, counts, strict=True))
                db.put("format", str(FORMAT))
                db.put("fingerprint", json.dumps(fingerprint, sort_keys=True))
                db.conn.execute("DELETE FROM pending WHERE lo = ?", (first,))
                before = db.version()
                db.bump_version()
            self._carry_metas(before, deletes, metas)
            self._sweep_tombstones(db, lexical, writer)
            self._merge_in_background(writer)

    def _carry_metas(self, before: int, deletes: list[str], metas: dict[str, DocMeta]) -> None:
        """Bring the cached metadata to the version just committed without reading every document's again
        (an O(corpus) read that was most of removing one document at 1M passages), when the cache held the
        version this commit followed; otherwise the next read reloads it."""
        version, cached = self._metas
        if version != before:
            return
        carried = {n: m for n, m in cached.items() if n not in deletes}
        carried.update(metas)
        self._metas = (before + 1, carried)

    def _writer(self, lexical: LexicalIndex) -> Any:
        """Tantivy's one writer; waits while a previous writer (this process's or another's) still merges."""
        if self._merging is not None:
            self._merging.join()
            self._merging = None
        deadline = time.monotonic() + WRITER_WAIT_S
        while True:
            try:
                return lexical.writer()
            except ValueError as exc:
                if "LockBusy" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def _merge_in_background(self, writer: Any) -> None:
        """Segment merges take time that grows with the corpus: let them finish after the commit, off the
        writer's path (the wait releases the GIL; questions keep being answered from the committed state)."""
        self._merging = threading.Thread(target=writer.wait_merging_threads, name="granska-merge")
        self._merging.start()

    def add_vectors(self, doc: str, sha256: str, vectors: np.ndarray) -> bool:
        """Attach a document's vectors (computed after its text went in); False when it changed meanwhile."""
        with _locked(self.root / ".lock"), _transaction(self._db):
            rows = [r for r, _ in self._db.doc_chunks(doc)]
            current = self._db.status().get(doc)
            if current is None or current["sha256"] != sha256 or len(rows) != len(vectors):
                return False
            self._db.put_vectors(doc, rows, vectors)
            self._db.bump_version()
            return True

    def put_tracker(self, rows: dict[str, dict[str, list[Any]]], *, code: str, replace: bool = False) -> None:
        """Store tracker rows: {key: {kind: [row, …]}}; an empty list deletes that key's rows. `code` names
        what computed them; `replace` drops every stored row first (a full rebuild)."""
        self.root.mkdir(parents=True, exist_ok=True)
        self._db.create()  # the journal of a first ingest is written before its first commit
        with _locked(self.root / ".lock"), _transaction(self._db):
            if replace:
                self._db.conn.execute("DELETE FROM tracker")
            for key, kinds in rows.items():
                for kind, items in kinds.items():
                    self._db.put_tracker(key, kind, items)
            self._db.put("tracker_code", code)
            self._db.put("tracker_version", str(int(self._db.get("tracker_version") or 0) + 1))

    def _recover(self, db: Database, lexical: LexicalIndex, writer: Any) -> None:
        """Undo what a killed writer left in Tantivy: rows it added but never committed in SQLite."""
        pending = db.pending()
        if pending:
            for lo, hi in pending:
                lexical.delete_rows(writer, range(lo, hi))
            writer.commit()
            with _transaction(db):
                db.conn.execute("DELETE FROM pending")
        self._sweep_tombstones(db, lexical, writer)

    @staticmethod
    def _sweep_tombstones(db: Database, lexical: LexicalIndex, writer: Any) -> None:
        dead = db.tombstones()
        if not dead:
            return
        lexical.delete_rows(writer, dead)
        writer.commit()
        with _transaction(db):
            db.conn.executemany("DELETE FROM tombstones WHERE row = ?", ((r,) for r in dead))

    def disk_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.root.rglob("*") if p.is_file())

    def remove_old_generations(self) -> None:
        """After a migration: the format-1 generation folders and their pointer."""
        for path in self.root.iterdir():
            if path.is_dir() and path.name.startswith("gen-"):
                shutil.rmtree(path, ignore_errors=True)
        (self.root / "CURRENT").unlink(missing_ok=True)


@contextlib.contextmanager
def _transaction(db: Database) -> Iterator[None]:
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.conn.execute("ROLLBACK")
        raise
    db.conn.execute("COMMIT")


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def is_url(location: str | Path) -> bool:
    """True for a PostgreSQL store address (postgresql://… or postgres://…)."""
    return isinstance(location, str) and location.startswith(("postgresql://", "postgres://"))


def open_store(location: str | Path) -> Store:
    """The store at `location`: a PostgreSQL URL opens the shared store, anything else an index folder."""
    if is_url(location):
        from granska.index.pg import PgStore

        return PgStore(str(location))
    return LocalStore(Path(location))
