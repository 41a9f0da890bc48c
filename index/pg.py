"""The shared store: the `Store` protocol over PostgreSQL, so several `granska serve` processes on several
machines answer from one corpus (GRANSKA_STORE=postgresql://… or `granska --store URL …`).

Documents, passages, tracker rows and corpus statistics are tables (granska.index.pg_db); lexical search is
PostgreSQL full-text search over the embedded store's analysed terms, rescored with its exact BM25
(granska.index.pg_lexical); vectors, when the fusion uses them, are pgvector columns with an HNSW index.

Consistency: every change (an ingest batch, a delete, a document's vectors, tracker rows) is one
transaction under a writer lock, and bumps a counter that readers compare at each query (`version()`, read
at most every VERSION_TTL_S), so an ingest on one server is answered by the others at their next question;
nothing is cached across a version change.
"""

from __future__ import annotations

import contextlib
import json
import logging
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from granska.index import bm25, outlines, pg_db, pg_listen, pg_write
from granska.index import pg_lexical as lex
from granska.index.db import Documents, document_of
from granska.index.lexical import CANDIDATES
from granska.index.store import FORMAT, Upsert

from granska.errors import IndexMissingError
from granska.types import Chunk, DocMeta, Document, Outline

OUTLINE_LOCK_WAIT = "50ms"  # a reader keeping an outline never waits longer for a writer
log = logging.getLogger("granska")
VERSION_TTL_S = 0.1  # another server's commit is seen this much later at most (well within "seconds")
# ... and while this store's listener is up, commits arrive as notifications (ms after them): the poll is then
# only the fallback for one lost with its connection (an ask read the version ~3 times at 0.1 s: session 23)
HEARD_TTL_S = 1.0
HNSW_EF_SEARCH = 100  # neighbours HNSW keeps while searching (pgvector's default 40 is below dense_candidates)


class PgStore:
    """One schema of one PostgreSQL database. Safe for many readers and writers in many processes."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._db = pg_db.Database(url)
        self._metas: tuple[tuple[int | None, int | None], dict[str, DocMeta]] = ((None, None), {})
        self.meta_reads = 0  # times every document's metadata was read (tests count them)
        self._outlines_made = False  # this process has made sure the outlines table exists
        self._exists = False
        # (version, docs_version) and the tracker state: read at most every VERSION_TTL_S, at once after this
        # process's own commits or a notification of another's (marked stale, read at the next use).
        self._where = f"the PostgreSQL store {pg_db.safe_url(url)} (schema {self._db.schema})"
        self._listener = pg_listen.Listener(url, pg_db.channel(self._db.schema), self._heard)
        hearing = self._listener.listening.is_set
        self._versions = pg_listen.Polled(
            self._read_versions, ttl=VERSION_TTL_S, heard_ttl=HEARD_TTL_S, hearing=hearing
        )
        self._tracker = pg_listen.Polled(self._read_tracker, ttl=VERSION_TTL_S, heard_ttl=HEARD_TTL_S, hearing=hearing)

    def _heard(self, key: str) -> None:
        """Another server committed (LISTEN/NOTIFY): mark what changed stale; nothing is read here, so a burst
        of commits costs one read at the next question (the VERSION_TTL_S poll stays the fallback)."""
        if key in ("version", "docs_version"):
            self._versions.forget()
        elif key == "tracker_version":
            self._tracker.forget()

    def __repr__(self) -> str:
        return f"PgStore({pg_db.safe_url(self.url)}, schema={self._db.schema})"

    def close(self) -> None:
        self._listener.stop()
        self._db.close()

    # --- reading -------------------------------------------------------------------------------
    def exists(self) -> bool:
        """True once an ingest committed (remembered: nothing removes the fingerprint; a search asks this per
        passage, each a round trip to the server otherwise)."""
        if self._exists:
            return True
        if not self._db.has_tables():
            return False
        with self._db.read() as conn:
            self._exists = pg_db.get(conn, "fingerprint") is not None
        return self._exists

    def _need(self) -> None:
        if not self.exists():
            raise IndexMissingError(f"no index in {self._where}; run `granska ingest PATH` first")

    def fingerprint(self) -> dict[str, Any]:
        self._need()
        with self._db.read() as conn:
            return dict(json.loads(pg_db.get(conn, "fingerprint") or "{}"))

    def version(self) -> int:
        """Grows with every commit from any server: one indexed read, at most every VERSION_TTL_S (a search
        asks for it once per passage; this process's own commits are seen at once)."""
        self._listener.start()
        return self._versions.get()[0]

    def _read_versions(self) -> tuple[int, int | None]:
        """(version, docs_version): every commit bumps the first, only a change of documents the second (a
        vector fill commits per document and changes no metadata); None in a schema no such code wrote yet."""
        if not self._db.has_tables():
            return 0, None
        with self._db.read() as conn:
            got = dict(conn.execute("SELECT key, value FROM meta WHERE key IN ('version', 'docs_version')"))
        docs = got.get("docs_version")
        return int(got.get("version") or 0), None if docs is None else int(docs)

    def _committed(self) -> None:
        """After a commit of this process: the next version() reads the counter."""
        self._versions.forget()

    def metas(self) -> dict[str, DocMeta]:
        """Every document's metadata, read again only when the documents changed (docs_version; by version in
        a schema without it)."""
        if not self._db.has_tables():
            return {}
        self._listener.start()
        v, docs = self._versions.get()
        key = (docs, None) if docs is not None else (None, v)
        if self._metas[0] != key:
            with self._db.read() as conn:
                found = {n: DocMeta(**json.loads(m)) for n, m in conn.execute("SELECT name, meta FROM docs")}
            self._metas = (key, _Metas(self._meta_of, found))
            self.meta_reads += 1
        return self._metas[1]

    def _meta_of(self, name: str) -> DocMeta | None:
        with self._db.read() as conn:
            got = conn.execute("SELECT meta FROM docs WHERE name = %s", (name,)).fetchone()
        return None if got is None else DocMeta(**json.loads(got[0]))

    def documents(self) -> Mapping[str, Document]:
        """Every document by name; texts are read when a document is looked at, not all at once."""
        return Documents(self._document, sorted(self.metas())) if self.exists() else {}

    def _document(self, name: str) -> Document | None:
        with self._db.read() as conn:
            row = conn.execute(
                "SELECT name, sha256, text, page_starts, meta, origin FROM docs WHERE name = %s", (name,)
            ).fetchone()
        return document_of(row) if row is not None else None

    def status(self) -> dict[str, dict[str, Any]]:
        if not self._db.has_tables():
            return {}
        with self._db.read() as conn:
            cur = conn.execute("SELECT name, sha256, chunks, vectors FROM docs")
            return {n: {"sha256": s, "chunks": c, "vectors": bool(v)} for n, s, c, v in cur}

    def document_heads(self) -> dict[str, Document]:
        """Every document without its text: identity, hash, origin and metadata (what planning an ingest needs)."""
        if not self._db.has_tables():
            return {}
        with self._db.read() as conn:
            cur = conn.execute("SELECT name, sha256, '', NULL, meta, origin FROM docs")
            return {r[0]: document_of(r) for r in cur}

    def chunks(self) -> list[Chunk]:
        """All chunks in row order (reads the whole table: for tools, not for the query path)."""
        if not self._db.has_tables():
            return []
        with self._db.read() as conn:
            return [pg_db.chunk(r)[1] for r in conn.execute(f"SELECT {pg_db.CHUNK_COLS} FROM chunks ORDER BY row")]

    def chunk_rows(self, rows: Sequence[int]) -> dict[int, Chunk]:
        if not len(rows):
            return {}
        with self._db.read() as conn:
            cur = conn.execute(
                f"SELECT {pg_db.CHUNK_COLS} FROM chunks WHERE row = ANY(%s::bigint[])", ([int(r) for r in rows],)
            )
            return dict(pg_db.chunk(r) for r in cur)

    def doc_chunks(self, doc: str) -> list[tuple[int, Chunk]]:
        with self._db.read() as conn:
            cur = conn.execute(f"SELECT {pg_db.CHUNK_COLS} FROM chunks WHERE doc = %s ORDER BY start", (doc,))
            return [pg_db.chunk(r) for r in cur]

    def chunk_at(self, doc: str, offset: int) -> Chunk | None:
        with self._db.read() as conn:
            r = conn.execute(
                f'SELECT {pg_db.CHUNK_COLS} FROM chunks WHERE doc = %s AND start <= %s AND "end" > %s '
                "ORDER BY start LIMIT 1",
                (doc, offset, offset),
            ).fetchone()
        return None if r is None else pg_db.chunk(r)[1]

    def rows_of(self, docs: Sequence[str]) -> np.ndarray:
        with self._db.read() as conn:
            cur = conn.execute("SELECT row FROM chunks WHERE doc = ANY(%s::text[]) ORDER BY row", (list(docs),))
            return np.array([r[0] for r in cur], dtype=np.int64)

    def lexical_search(
        self,
        terms: dict[str, list[str]],
        k: int = CANDIDATES,
        docs: Sequence[str] | None = None,
        also: Sequence[int] = (),
    ) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """Each field's top-k rows by exact BM25 among full-text candidates (plus `also`), with both scores."""
        self._need()
        self._db.ensure_current(self.version())
        with self._db.snapshot(seqscan=False) as conn:
            # seqscan off: the planner prices a tsvector by its heap row, not by the TOAST read of every one a
            # scan touches: on small tables it scans them all per term (measured 20x slower than the GIN index).
            (n, total_c, total_w), classes = lex.corpus_classes(conn, terms)
            dfs = lex.passage_counts(classes)
            avgdl = {"char": total_c / max(n, 1), "word": total_w / max(n, 1)}
            pools = []
            for f in ("char", "word"):
                weighted, probed, cut = lex.drawn(dfs[f], classes[f], n)
                pool = max(lex.WIDE_POOL if cut else lex.POOL, k)
                pools.append(lex.candidates(f, weighted, docs, avgdl=avgdl[f], pool=pool, classes=probed))
            found = lex.stored(conn, pools, also)
        rows, scores = bm25.rescore(terms, found, (n, total_c, total_w), dfs)
        return lex.shortlist(rows, scores, k, also)

    def dense_search(self, query: np.ndarray, k: int, allowed: np.ndarray | None) -> list[tuple[int, float]]:
        """Top-k (row, inner product) by pgvector; HNSW when unfiltered, exact over `allowed` otherwise."""
        if not self._has_vectors() or (allowed is not None and len(allowed) == 0):
            return []
        q = pg_write.vector_text(np.asarray(query, dtype=np.float32).reshape(-1))
        with self._db.read() as conn, conn.transaction():
            conn.execute(f"SET LOCAL hnsw.ef_search = {max(HNSW_EF_SEARCH, int(k))}")
            if allowed is None:
                cur = conn.execute(
                    "SELECT row, -(vec <#> %s::vector) FROM vectors ORDER BY vec <#> %s::vector LIMIT %s", (q, q, k)
                )
            else:
                cur = conn.execute(
                    "SELECT row, s FROM (SELECT row, -(vec <#> %s::vector) AS s FROM vectors "
                    "WHERE row = ANY(%s::bigint[]) OFFSET 0) x ORDER BY s DESC LIMIT %s",
                    (q, [int(r) for r in allowed], k),
                )
            return [(int(r), float(s)) for r, s in cur]

    def _has_vectors(self) -> bool:
        with self._db.read() as conn:
            got = conn.execute("SELECT to_regclass(%s)", (f"{self._db.schema}.vectors",)).fetchone()
        return got is not None and got[0] is not None

    def cache_dir(self) -> Path:
        """A local folder for artefacts derived from the store (per process: the store itself is remote)."""
        self._need()
        path = Path(tempfile.gettempdir()) / "granska-pg-cache" / self._db.schema
        path.mkdir(parents=True, exist_ok=True)
        return path

    def tracker(self, kind: str) -> list[tuple[str, list[Any]]]:
        if not self._db.has_tables():
            return []
        with self._db.read() as conn:
            cur = conn.execute('SELECT key, rows FROM tracker WHERE kind = %s ORDER BY key COLLATE "C"', (kind,))
            return [(k, json.loads(r)) for k, r in cur]

    def outline(self, doc: str, code: str, *, sha256: str | None = None) -> tuple[str, Outline] | None:
        """(sha256, outline) stored for `doc` by the outline code `code` (see LocalStore.outline)."""
        import psycopg

        if not self._db.has_tables():
            return None
        try:
            with self._db.read() as conn:
                got = pg_db.get_outline(conn, doc, code, sha256)
        except psycopg.errors.UndefinedTable:
            return None  # a schema made before outlines were stored
        return None if got is None else (got[0], outlines.decode(got[1]))

    def put_outline(self, doc: str, sha256: str, code: str, outline: Outline) -> None:
        """Keep an outline computed at first use; best effort, as in LocalStore.put_outline."""
        import psycopg

        try:
            with self._db.read() as conn, conn.transaction():
                conn.execute(f"SET LOCAL lock_timeout = '{OUTLINE_LOCK_WAIT}'")
                if not self._outlines_made:  # once per process: a schema made before outlines gains the table
                    conn.execute(pg_db.OUTLINES)
                pg_db.put_outline(conn, doc, sha256, code, outlines.encode(outline))
            self._outlines_made = True
        except psycopg.Error as exc:  # a writer holds the row, a read-only role, or a concurrent CREATE
            log.debug("outline of %s not kept: %s", doc, exc)

    def tracker_state(self) -> tuple[str | None, int]:
        """(code that made the stored tracker rows, a counter that grows when they change): one statement, at
        most every VERSION_TTL_S (an answer asks three times), at once after this process's tracker writes."""
        self._listener.start()
        return self._tracker.get()

    def _read_tracker(self) -> tuple[str | None, int]:
        if not self._db.has_tables():
            return None, 0
        with self._db.read() as conn:
            got = dict(conn.execute("SELECT key, value FROM meta WHERE key IN ('tracker_code', 'tracker_version')"))
        return got.get("tracker_code"), int(got.get("tracker_version") or 0)

    def worker_lock(self, name: str = "tracker", *, wait: bool = True) -> contextlib.AbstractContextManager[bool]:
        """Held by one process per schema on every machine at a time (a PostgreSQL advisory lock, released when
        its process or its connection goes): the tracker's background workers of several servers take it, as
        the embedded store's take a file lock in the index folder. Yields False only when not `wait`ing."""
        return self._db.session_lock(name, wait=wait)

    def disk_bytes(self) -> int:
        """Bytes of this store's tables and indexes in the database."""
        if not self._db.has_tables():
            return 0
        with self._db.read() as conn:
            got = conn.execute(
                "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
                "JOIN pg_namespace s ON s.oid = c.relnamespace WHERE s.nspname = %s AND c.relkind IN ('r', 'S')",
                (self._db.schema,),
            ).fetchone()
        return int(got[0]) if got else 0

    # --- writing -------------------------------------------------------------------------------
    def apply(self, *, upserts: list[Upsert], deletes: list[str], fingerprint: dict[str, Any]) -> None:
        """Replace/insert `upserts` and delete `deletes` in one transaction (all or nothing)."""
        prepared = [(u, pg_write.analyse(u)) for u in upserts]  # outside the lock: the analysis is the slow part
        with self._db.write() as conn:
            pg_write.delete_documents(conn, sorted({*deletes, *(u.document.doc for u in upserts)}))
            pg_write.insert_documents(conn, prepared)
            pg_db.put(conn, "format", str(FORMAT))
            pg_db.put(conn, "fingerprint", json.dumps(fingerprint, sort_keys=True))
            pg_db.bump(conn, "docs_version", notify=False)  # the "version" notification covers it
            pg_db.bump(conn, "version")
        self._committed()

    def build_indexes(self) -> float:
        """Build the GIN indexes a load into an empty schema left out (pg_write: built once, after the load);
        the first search that finds them missing would. Returns the seconds it took (0 when they were there)."""
        return self._db.build_indexes()

    def add_vectors(self, doc: str, sha256: str, vectors: np.ndarray) -> bool:
        """Attach a document's vectors (computed after its text went in); False when it changed meanwhile."""
        with self._db.write() as conn:
            got = conn.execute("SELECT sha256 FROM docs WHERE name = %s", (doc,)).fetchone()
            rows = [r[0] for r in conn.execute("SELECT row FROM chunks WHERE doc = %s ORDER BY start", (doc,))]
            if got is None or got[0] != sha256 or len(rows) != len(vectors):
                return False
            pg_write.put_vectors(conn, doc, rows, vectors)
            pg_db.bump(conn, "version")
        self._committed()
        return True

    def put_tracker(self, rows: dict[str, dict[str, list[Any]]], *, code: str, replace: bool = False) -> None:
        """Store tracker rows: {key: {kind: [row, …]}}; an empty list deletes that key's rows. `code` names
        what computed them; `replace` drops every stored row first (a full rebuild)."""
        with self._db.write() as conn:
            if replace:
                conn.execute("DELETE FROM tracker")
            put = [
                (k, kind, json.dumps(items, ensure_ascii=False))
                for k, kinds in rows.items()
                for kind, items in kinds.items()
                if items
            ]
            gone = [(k, kind) for k, kinds in rows.items() for kind, items in kinds.items() if not items]
            with conn.cursor() as cur:  # executemany pipelines its statements: one wait, not one per key
                if put:
                    cur.executemany(
                        "INSERT INTO tracker (key, kind, rows) VALUES (%s, %s, %s) "
                        "ON CONFLICT (key, kind) DO UPDATE SET rows = EXCLUDED.rows",
                        put,
                    )
                if gone:
                    cur.executemany("DELETE FROM tracker WHERE key = %s AND kind = %s", gone)
            pg_db.put(conn, "tracker_code", code)
            pg_db.bump(conn, "tracker_version")
        self._tracker.forget()


class _Metas(dict[str, DocMeta]):
    """Every document's metadata at one version; a name committed since (by another server, between this
    read and a search that found its passages) is read when asked for, not a KeyError."""

    def __init__(self, load: Callable[[str], DocMeta | None], found: dict[str, DocMeta]) -> None:
        super().__init__(found)
        self._load = load

    def __missing__(self, name: str) -> DocMeta:
        got = self._load(name)
        if got is None:
            raise KeyError(name)
        self[name] = got
        return got
