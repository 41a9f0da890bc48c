"""The SQLite half of the embedded store: documents, passages, vectors, tracker rows, and the journal that
keeps the Tantivy half consistent with it.

WAL mode: one writer at a time, and readers keep reading the last committed state while it writes. Every
reading thread has its own connection (sqlite3 connections must not be shared across threads).
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from granska.types import Chunk, DocMeta, Document, Outline

OUTLINES = (
    "CREATE TABLE IF NOT EXISTS outlines "
    "(name TEXT PRIMARY KEY, sha256 TEXT NOT NULL, code TEXT NOT NULL, outline TEXT NOT NULL)"
)
PUT_OUTLINE = "INSERT OR REPLACE INTO outlines (name, sha256, code, outline) VALUES (?, ?, ?, ?)"
SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS docs (
  name TEXT PRIMARY KEY, sha256 TEXT NOT NULL, text TEXT NOT NULL, page_starts TEXT, meta TEXT NOT NULL,
  chunks INTEGER NOT NULL, vectors INTEGER NOT NULL DEFAULT 0,
  origin TEXT  -- who the file is apart from its name (a path hash, or upload:NAME); NULL in migrated indexes
);
-- Everything of a document but its text and pages: what listing, planning an ingest and the metadata filters read.
-- A row's text comes before its metadata, so without this covering index every such read walked the overflow
-- pages of every document's text (measured at 1M passages: 1.5-2.3 s per read, every add and remove).
CREATE INDEX IF NOT EXISTS docs_heads ON docs (name, sha256, chunks, vectors, origin, meta);
CREATE TABLE IF NOT EXISTS chunks (
  row INTEGER PRIMARY KEY, chunk_id TEXT NOT NULL, doc TEXT NOT NULL, doc_sha256 TEXT NOT NULL,
  start INTEGER NOT NULL, "end" INTEGER NOT NULL, page INTEGER, text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks (doc, start);
-- seq grows with every insert, so a reader adds only the vectors it has not seen yet.
CREATE TABLE IF NOT EXISTS vectors (seq INTEGER PRIMARY KEY AUTOINCREMENT, row INTEGER NOT NULL UNIQUE, vec BLOB NOT NULL);
-- Per chunk: field lengths and folded word counts (zlib), for the exact BM25 of a shortlist.
CREATE TABLE IF NOT EXISTS terms (row INTEGER PRIMARY KEY, dl_char INTEGER NOT NULL, dl_word INTEGER NOT NULL, words BLOB NOT NULL);
-- Per document: its outline (index/outlines.py), as computed by the outline code named `code` from the text
-- of version `sha256`; written at ingest, or at first use for documents of older indexes.
{OUTLINES};
CREATE TABLE IF NOT EXISTS tracker (key TEXT NOT NULL, kind TEXT NOT NULL, rows TEXT NOT NULL, PRIMARY KEY (key, kind));
-- Rows are read by kind (`tracker(kind)`: one municipality's memo rows, the journal); an index made before it
-- gains it at its first write (`create` runs this script then).
CREATE INDEX IF NOT EXISTS tracker_kind ON tracker (kind, key);
-- Row ids handed to Tantivy before the SQLite commit that makes them live: swept after a crash.
CREATE TABLE IF NOT EXISTS pending (lo INTEGER NOT NULL, hi INTEGER NOT NULL);
-- Rows deleted here and not yet deleted in Tantivy (readers drop them: they are not in `chunks`).
CREATE TABLE IF NOT EXISTS tombstones (row INTEGER PRIMARY KEY);
"""
# Characters of text a documents view keeps loaded (~2 bytes each in memory with its outline): a view used for a
# whole pass over a large corpus (the end of a 14,700-document ingest, one municipality's relink) held every text it
# had read (2.97 GB at the end of the 2M build). The least recently read go first; read again, they are loaded again.
VIEW_CHARS = 32_000_000
OUTLINE_WRITE_WAIT_S = 0.05  # how long a reader keeping an outline waits for a writer before giving up
log = logging.getLogger("granska")
_CHUNK_COLS = 'row, chunk_id, doc, doc_sha256, start, "end", page, text'


def connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), timeout=60.0, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: a commit survives a process kill
    conn.execute("PRAGMA busy_timeout=60000")
    return conn


class Database:
    """Typed queries over one SQLite file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()

    @property
    def conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = connect(self.path)
            self._local.conn = conn
        return conn

    def create(self) -> None:
        self.conn.executescript(SCHEMA)

    # --- meta ----------------------------------------------------------------------------------
    def get(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def put(self, key: str, value: str) -> None:
        self.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def version(self) -> int:
        return int(self.get("version") or 0)

    def bump_version(self) -> None:
        self.put("version", str(self.version() + 1))

    def allocate_rows(self, n: int) -> int:
        """The first of n fresh row ids; ids are never reused, even after a crash (committed at once)."""
        first = int(self.get("next_row") or 1)
        self.put("next_row", str(first + n))
        return first

    # --- documents -----------------------------------------------------------------------------
    def metas(self) -> dict[str, DocMeta]:
        return {n: DocMeta(**json.loads(m)) for n, m in self.conn.execute("SELECT name, meta FROM docs")}

    def names(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT name FROM docs ORDER BY name")]

    def document(self, name: str) -> Document | None:
        row = self.conn.execute(
            "SELECT name, sha256, text, page_starts, meta, origin FROM docs WHERE name = ?", (name,)
        ).fetchone()
        return document_of(row) if row is not None else None

    def heads(self) -> dict[str, Document]:
        """Every document with an empty text: identity, hash, origin and metadata only."""
        return {
            n: Document(n, s, "", None, DocMeta(**json.loads(m)), origin=o)
            for n, s, m, o in self.conn.execute("SELECT name, sha256, meta, origin FROM docs")
        }

    def status(self) -> dict[str, dict[str, Any]]:
        """Per document: its hash, how many chunks, and whether its vectors are in."""
        return {
            n: {"sha256": s, "chunks": c, "vectors": bool(v)}
            for n, s, c, v in self.conn.execute("SELECT name, sha256, chunks, vectors FROM docs")
        }

    def put_document(self, d: Document, n_chunks: int) -> None:
        meta = {k: v for k, v in d.meta.as_dict().items() if k != "year"}
        pages = json.dumps(list(d.page_starts)) if d.page_starts is not None else None
        self.conn.execute(
            "INSERT OR REPLACE INTO docs (name, sha256, text, page_starts, meta, chunks, vectors, origin) "
            "VALUES (?, ?, ?, ?, ?, ?, 0, ?)",
            (d.doc, d.doc_sha256, d.text, pages, json.dumps(meta, ensure_ascii=False), n_chunks, d.origin),
        )

    def delete_document(self, name: str) -> list[int]:
        """Remove a document, its chunks and vectors; returns the rows to tombstone in Tantivy."""
        rows = [r[0] for r in self.conn.execute("SELECT row FROM chunks WHERE doc = ?", (name,))]
        for r in rows:
            got = self.conn.execute("SELECT dl_char, dl_word FROM terms WHERE row = ?", (r,)).fetchone()
            if got is not None:
                self._add_stats(-1, -got[0], -got[1])
        self.conn.executemany("DELETE FROM terms WHERE row = ?", ((r,) for r in rows))
        self.conn.execute("DELETE FROM chunks WHERE doc = ?", (name,))
        self.conn.executemany("DELETE FROM vectors WHERE row = ?", ((r,) for r in rows))
        self.conn.executemany("INSERT OR IGNORE INTO tombstones (row) VALUES (?)", ((r,) for r in rows))
        self.conn.execute("DELETE FROM outlines WHERE name = ?", (name,))
        self.conn.execute("DELETE FROM docs WHERE name = ?", (name,))
        return rows

    # --- outlines ------------------------------------------------------------------------------
    def put_outline(self, name: str, sha256: str, code: str, outline: str) -> None:
        self.conn.execute(PUT_OUTLINE, (name, sha256, code, outline))

    def outline(self, name: str, code: str, sha256: str | None = None) -> tuple[str, str] | None:
        """(sha256, outline) stored for `name` by the code `code`: of that version of the document, or of
        its current version when `sha256` is None."""
        if sha256 is not None:
            sql = "SELECT sha256, outline FROM outlines WHERE name = ? AND code = ? AND sha256 = ?"
            row = self.conn.execute(sql, (name, code, sha256)).fetchone()
        else:
            row = self.conn.execute(
                "SELECT o.sha256, o.outline FROM outlines o JOIN docs d ON d.name = o.name AND d.sha256 = o.sha256 "
                "WHERE o.name = ? AND o.code = ?",
                (name, code),
            ).fetchone()
        return None if row is None else (str(row[0]), str(row[1]))

    # --- chunks --------------------------------------------------------------------------------
    def put_chunks(self, rows: Iterable[tuple[int, Chunk]]) -> None:
        self.conn.executemany(
            f"INSERT INTO chunks ({_CHUNK_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            ((r, c.chunk_id, c.doc, c.doc_sha256, c.start, c.end, c.page, c.text) for r, c in rows),
        )

    def put_terms(self, rows: Iterable[tuple[int, int, int, bytes]]) -> None:
        """(row, char length, word length, encoded word counts) per chunk; keeps the corpus totals."""
        items = list(rows)
        self.conn.executemany("INSERT INTO terms (row, dl_char, dl_word, words) VALUES (?, ?, ?, ?)", items)
        self._add_stats(len(items), sum(i[1] for i in items), sum(i[2] for i in items))

    def _add_stats(self, n: int, dl_char: int, dl_word: int) -> None:
        have = self.stats()
        self.put("stats", json.dumps([have[0] + n, have[1] + dl_char, have[2] + dl_word]))

    def stats(self) -> tuple[int, int, int]:
        """(chunks, total char-field tokens, total word-field tokens) over the live corpus."""
        raw = self.get("stats")
        n, c, w = json.loads(raw) if raw else (0, 0, 0)
        return int(n), int(c), int(w)

    def terms(self, rows: Sequence[int]) -> dict[int, tuple[int, int, bytes]]:
        out: dict[int, tuple[int, int, bytes]] = {}
        ids = [int(r) for r in rows]
        for i in range(0, len(ids), 500):
            part = ids[i : i + 500]
            marks = ",".join("?" * len(part))
            for r, c, w, b in self.conn.execute(
                f"SELECT row, dl_char, dl_word, words FROM terms WHERE row IN ({marks})", part
            ):
                out[r] = (c, w, b)
        return out

    def chunks(self, rows: Sequence[int] | None = None) -> dict[int, Chunk]:
        """Chunks by row (all of them, in row order, when `rows` is None)."""
        if rows is None:
            cur = self.conn.execute(f"SELECT {_CHUNK_COLS} FROM chunks ORDER BY row")
            return {r[0]: Chunk(*r[1:]) for r in cur}
        out: dict[int, Chunk] = {}
        ids = [int(r) for r in rows]
        for i in range(0, len(ids), 500):  # SQLite caps bound parameters per statement
            part = ids[i : i + 500]
            marks = ",".join("?" * len(part))
            for r in self.conn.execute(f"SELECT {_CHUNK_COLS} FROM chunks WHERE row IN ({marks})", part):
                out[r[0]] = Chunk(*r[1:])
        return out

    def doc_chunks(self, name: str) -> list[tuple[int, Chunk]]:
        cur = self.conn.execute(f"SELECT {_CHUNK_COLS} FROM chunks WHERE doc = ? ORDER BY start", (name,))
        return [(r[0], Chunk(*r[1:])) for r in cur]

    def chunk_at(self, name: str, offset: int) -> Chunk | None:
        r = self.conn.execute(
            f'SELECT {_CHUNK_COLS} FROM chunks WHERE doc = ? AND start <= ? AND "end" > ? ORDER BY start LIMIT 1',
            (name, offset, offset),
        ).fetchone()
        return None if r is None else Chunk(*r[1:])

    def rows_of(self, names: Sequence[str]) -> np.ndarray:
        out: list[int] = []
        for i in range(0, len(names), 500):
            part = list(names[i : i + 500])
            marks = ",".join("?" * len(part))
            out.extend(r[0] for r in self.conn.execute(f"SELECT row FROM chunks WHERE doc IN ({marks})", part))
        return np.array(sorted(out), dtype=np.int64)

    # --- vectors -------------------------------------------------------------------------------
    def put_vectors(self, name: str, rows: Sequence[int], vectors: np.ndarray) -> None:
        vecs = np.ascontiguousarray(vectors, dtype=np.float32)
        self.conn.executemany(
            "INSERT OR REPLACE INTO vectors (row, vec) VALUES (?, ?)",
            ((int(r), vecs[i].tobytes()) for i, r in enumerate(rows)),
        )
        self.conn.execute("UPDATE docs SET vectors = 1 WHERE name = ?", (name,))

    def vectors_since(self, seq: int) -> tuple[int, np.ndarray, np.ndarray]:
        """(last seq, row ids, float32 matrix) of the vectors stored after `seq`."""
        ids: list[int] = []
        blobs: list[bytes] = []
        last = seq
        for s, r, b in self.conn.execute("SELECT seq, row, vec FROM vectors WHERE seq > ? ORDER BY seq", (seq,)):
            last = s
            ids.append(r)
            blobs.append(b)
        if not ids:
            return last, np.zeros(0, dtype=np.int64), np.zeros((0, 0), dtype=np.float32)
        mat = np.frombuffer(b"".join(blobs), dtype=np.float32).reshape(len(ids), -1)
        return last, np.array(ids, dtype=np.int64), mat

    def count_vectors(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM vectors").fetchone()[0])

    # --- tracker rows --------------------------------------------------------------------------
    def put_tracker(self, key: str, kind: str, rows: list[Any]) -> None:
        if rows:
            self.conn.execute(
                "INSERT OR REPLACE INTO tracker (key, kind, rows) VALUES (?, ?, ?)",
                (key, kind, json.dumps(rows, ensure_ascii=False)),
            )
        else:
            self.conn.execute("DELETE FROM tracker WHERE key = ? AND kind = ?", (key, kind))

    def tracker(self, kind: str) -> list[tuple[str, list[Any]]]:
        cur = self.conn.execute("SELECT key, rows FROM tracker WHERE kind = ? ORDER BY key", (kind,))
        return [(k, json.loads(r)) for k, r in cur]

    # --- journal -------------------------------------------------------------------------------
    def pending(self) -> list[tuple[int, int]]:
        return [(lo, hi) for lo, hi in self.conn.execute("SELECT lo, hi FROM pending")]

    def tombstones(self) -> list[int]:
        return [r[0] for r in self.conn.execute("SELECT row FROM tombstones")]


def keep_outline(path: Path, name: str, sha256: str, code: str, outline: str) -> None:
    """Store one outline if the database can take it within OUTLINE_WRITE_WAIT_S (a reader's write: it never
    waits for a writer's transaction, and a read-only index simply keeps none)."""
    try:
        conn = sqlite3.connect(str(path), timeout=OUTLINE_WRITE_WAIT_S, isolation_level=None)
    except sqlite3.OperationalError as exc:
        log.debug("outline of %s not kept: %s", name, exc)
        return
    try:
        conn.execute(OUTLINES)
        conn.execute(PUT_OUTLINE, (name, sha256, code, outline))
    except sqlite3.OperationalError as exc:  # "database is locked", "attempt to write a readonly database"
        log.debug("outline of %s not kept: %s", name, exc)
    finally:
        conn.close()


class Documents(Mapping[str, Document]):
    """A read-only view of the documents that loads each one's text when asked for it, and, given `outline`,
    its outline then (the engine's view: see `with_outlines`). It keeps the documents it loaded up to `keep_chars`
    characters of text (the least recently read go first, and are loaded again when asked for); `forget` lets one
    go at once (a pass over many documents that reads each once)."""

    def __init__(
        self,
        load: Callable[[str], Document | None],
        names: list[str],
        *,
        outline: Callable[[Document], Outline] | None = None,
        keep_chars: int = VIEW_CHARS,
    ) -> None:
        self._load = load  # one document by name, None if gone (each store reads it its own way)
        self._names = names
        self._known = set(names)
        self._outline = outline
        self._keep_chars = keep_chars
        self._cache: OrderedDict[str, Document] = OrderedDict()
        self._chars = 0
        self._lock = threading.Lock()  # the engine's view is read by several request threads

    def __getitem__(self, name: str) -> Document:
        with self._lock:
            got = self._cache.get(name)
            if got is not None:
                self._cache.move_to_end(name)
                return got
        d = self._load(name) if name in self._known else None
        if d is None:
            raise KeyError(name)
        if self._outline is not None and d.outline is None:
            d = replace(d, outline=self._outline(d))
        with self._lock:
            if (kept := self._cache.get(name)) is not None:  # another thread loaded it meanwhile: one object
                return kept
            self._cache[name] = d
            self._chars += len(d.text)
            while self._chars > self._keep_chars and len(self._cache) > 1:
                self._chars -= len(self._cache.popitem(last=False)[1].text)
        return d

    def forget(self, name: str) -> None:
        """Let a loaded document go (it is loaded again if asked for)."""
        with self._lock:
            if (d := self._cache.pop(name, None)) is not None:
                self._chars -= len(d.text)

    def kept_chars(self) -> int:
        """Characters of text the view holds now."""
        return self._chars

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def __contains__(self, name: object) -> bool:
        return name in self._known


def with_outlines(docs: Mapping[str, Document], outline: Callable[[Document], Outline]) -> Documents:
    """The same documents, each given its outline when it is looked up (one view, not a view of a view)."""
    if isinstance(docs, Documents):
        return Documents(docs._load, docs._names, outline=outline, keep_chars=docs._keep_chars)
    return Documents(docs.get, list(docs), outline=outline)


def document_of(row: Sequence[Any]) -> Document:
    """A `docs` row (name, sha256, text, page_starts, meta, origin) as a Document; the PostgreSQL store's rows
    have the same columns."""
    pages = json.loads(row[3]) if row[3] is not None else None
    return Document(
        row[0],
        row[1],
        row[2],
        tuple(pages) if pages is not None else None,
        DocMeta(**json.loads(row[4])),
        origin=row[5],
    )
