"""The PostgreSQL store's writes: documents and passages in, out, and the shared corpus statistics with them.

Passages are analysed in Python (the embedded store's analysis, outside the writer lock) and go in by COPY, one
per table and batch. The df table gains each batch's lexemes counted in Python from the very lists the
tsvectors are made of (so it equals what they hold) in one upsert; a delete takes its passages' lexemes out by
one statement that counts them from their stored tsvectors; the total lengths change by one UPDATE per change.
The GIN indexes take a batch's postings in their pending list and merge them once, sorted by lexeme, before
the commit (session 24: merging it was most of a batch's server time, 15.7 of 18.7 s in a replay of one).
"""

from __future__ import annotations

import json
import struct
from collections import Counter
from collections.abc import Sequence
from itertools import chain
from typing import Any

import numpy as np
from granska.index import bm25, outlines, pg_db
from granska.index import pg_lexical as lex
from granska.index.lexical import FIELDS, indexed_text
from granska.index.store import Upsert

from granska.types import Chunk

# (chunk, its folded word counts, each field's lexemes: what its tsvector holds, its char and word lengths) per
# passage of one document.
Passages = list[tuple[Chunk, dict[str, int], dict[str, list[str]], tuple[int, int]]]

# Each field's lexemes of the passages of these documents, counted: what their tsvectors add to df.
_TERMS = (
    "SELECT f.field, x.term, count(*)::int AS n FROM chunks c JOIN lex l ON l.row = c.row "
    "CROSS JOIN LATERAL (VALUES ('char', l.tsv_char), ('word', l.tsv_word)) f(field, tsv) "
    "CROSS JOIN LATERAL unnest(tsvector_to_array(f.tsv)) x(term) "
    "WHERE c.doc = ANY(%s::text[]) GROUP BY f.field, x.term"
)
# A batch's postings stay in each GIN index's pending list (it holds ~35 MB for 2,000 passages; by default
# the list is merged into the index whenever it passes 4 MB) and are merged once, in memory, by
# gin_clean_pending_list before the commit: readers never meet a long pending list after a commit.
_BULK = "SET LOCAL gin_pending_list_limit = '1GB'; SET LOCAL maintenance_work_mem = '256MB'"
_MERGE = "SELECT gin_clean_pending_list('lex_tsv_char'::regclass), gin_clean_pending_list('lex_tsv_word'::regclass)"
# A load into an empty `lex` goes in without its GIN indexes, built once afterwards (pg_db.Database.build_indexes,
# by the loader or the first search that finds them missing): merging each batch into an index rewrites more of
# it the larger it is (server CPU per passage rose 5.2 -> 6.5 ms from 4k to 16k passages, session 24), while a
# bulk build sorts every posting once. Searches meanwhile find the same rows by a scan (the same @@ tests).
_INDEXED = (
    "SELECT to_regclass('lex_tsv_char') IS NOT NULL AND to_regclass('lex_tsv_word') IS NOT NULL, "
    "EXISTS (SELECT 1 FROM lex)"
)
_DROP_GIN = "DROP INDEX IF EXISTS lex_tsv_char; DROP INDEX IF EXISTS lex_tsv_word"
# The df rows of one field: lexemes and counts as two space-separated strings (lexemes hold no whitespace; a
# string is sent far faster than a text[] parameter), in lexeme order (the primary key's order).
_ADD_DF = (
    "INSERT INTO df (field, term, df) SELECT %s, t, n "
    "FROM unnest(string_to_array(%s, ' '), string_to_array(%s, ' ')::int[]) u(t, n) "
    "ON CONFLICT (field, term) DO UPDATE SET df = df.df + EXCLUDED.df"
)


def analyse(u: Upsert) -> Passages:
    """Per chunk: its folded word counts (document context line included), each field's lexemes and lengths
    (one analysis for both)."""
    out: Passages = []
    for c in u.chunks:
        counts = dict(bm25.word_counts(indexed_text(c, u.document.meta)))
        out.append((c, counts, *lex.passage_analysis(counts)))
    return out


def tsvector_literal(terms: list[str]) -> str:
    """A tsvector literal of these lexemes, taken as they are (quoted: no parsing, no normalisation), equal to
    array_to_tsvector of the same list; a string is sent far faster than a text[] parameter."""
    if not terms:
        return ""
    plain = " ".join(terms)
    if "'" in plain or "\\" in plain:
        return " ".join(lex.lexeme(t) for t in terms)
    return "'" + "' '".join(terms) + "'"  # the usual case: nothing to escape


# COPY's binary format (PostgreSQL's "Binary Format" of COPY): the server reads each value by its type's
# receive function, so a tsvector is taken as a count and its lexemes, in the order it keeps them, without
# the text form's parsing and unquoting (most of a passage's server CPU in a bulk load, session 26).
_COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + struct.pack("!ii", 0, 0)
_COPY_TRAILER = struct.pack("!h", -1)
_LEX_ROW = struct.Struct("!hiqi")  # 6 fields; the row id (8 bytes); the document name's length
_LENGTHS = struct.Struct("!iiii")  # the two lengths, each a 4-byte field


def tsvector_binary(terms: list[str]) -> bytes:
    """A tsvector in its binary form (tsvectorsend's): the lexeme count, then each lexeme's UTF-8 bytes, a NUL
    and its number of positions (0: none are stored). The lexemes must be distinct and in the tsvector's order
    (byte order, shorter first: Python's order of str, as pg_lexical.passage_analysis sorts them), so the
    server keeps them as they come."""
    if not terms:
        return b"\x00\x00\x00\x00"
    return struct.pack("!i", len(terms)) + "\x00\x00\x00".join(terms).encode() + b"\x00\x00\x00"


def lex_row(row: int, doc: str, lengths: tuple[int, int], terms: dict[str, list[str]]) -> bytes:
    """One `lex` row in COPY's binary format: row, doc, dl_char, dl_word, tsv_char, tsv_word."""
    name = doc.encode()
    char, word = tsvector_binary(terms["char"]), tsvector_binary(terms["word"])
    return b"".join(
        (
            _LEX_ROW.pack(6, 8, row, len(name)),
            name,
            _LENGTHS.pack(4, lengths[0], 4, lengths[1]),
            struct.pack("!i", len(char)),
            char,
            struct.pack("!i", len(word)),
            word,
        )
    )


def delete_documents(conn: Any, names: Sequence[str]) -> None:
    """Remove documents, their passages and vectors, and take the passages out of the corpus statistics."""
    if not names:
        return
    docs = list(names)
    emptied = conn.execute(
        f"WITH t AS ({_TERMS}), u AS (UPDATE df SET df = df.df - t.n FROM t "
        "WHERE df.field = t.field AND df.term = t.term RETURNING df.field, df.term, df.df) "
        "SELECT field, term FROM u WHERE df <= 0",
        (docs,),
    ).fetchall()
    _drop_terms(conn, emptied)
    gone = conn.execute("DELETE FROM chunks WHERE doc = ANY(%s::text[]) RETURNING row, dl_char, dl_word", (docs,))
    gone = gone.fetchall()
    if gone:
        _add_stats(conn, -len(gone), -sum(g[1] for g in gone), -sum(g[2] for g in gone))
        conn.execute("DELETE FROM lex WHERE row = ANY(%s::bigint[])", ([g[0] for g in gone],))
        if conn.execute("SELECT to_regclass('vectors')").fetchone()[0] is not None:
            conn.execute("DELETE FROM vectors WHERE row = ANY(%s::bigint[])", ([g[0] for g in gone],))
    conn.execute("DELETE FROM outlines WHERE name = ANY(%s::text[])", (docs,))
    conn.execute("DELETE FROM docs WHERE name = ANY(%s::text[])", (docs,))


def _drop_terms(conn: Any, emptied: list[tuple[str, str]]) -> None:
    """Delete df rows no passage holds any more, by primary key (a few per document)."""
    for field in {f for f, _ in emptied}:
        terms = " ".join(t for f, t in emptied if f == field)  # lexemes hold no whitespace
        conn.execute("DELETE FROM df WHERE field = %s AND term = ANY(string_to_array(%s, ' '))", (field, terms))


def _add_stats(conn: Any, n: int, char: int, word: int) -> None:
    conn.execute(
        "UPDATE stats SET n = n + %s, total_char = total_char + %s, total_word = total_word + %s", (n, char, word)
    )


def insert_documents(conn: Any, prepared: list[tuple[Upsert, Passages]]) -> None:
    """Insert documents and their passages (one COPY per table for the whole batch), then add their lexemes
    to df in one upsert per field, and merge the GIN indexes' pending lists once."""
    if not prepared:
        return
    conn.execute(_BULK)
    indexed = _keep_indexes(conn)
    for u, _ in prepared:
        _insert_document(conn, u)
    total = sum(len(p) for _, p in prepared)
    if not total:
        return
    # Rows are never reused: a rolled-back transaction's sequence values are simply skipped.
    got = conn.execute("SELECT nextval('chunk_rows') FROM generate_series(1, %s)", (total,)).fetchall()
    rows = iter(int(r[0]) for r in got)
    placed = [(u, [(next(rows), *p) for p in passages]) for u, passages in prepared]
    with conn.cursor() as cur:
        with cur.copy(f"COPY chunks ({pg_db.CHUNK_COLS}, dl_char, dl_word, words) FROM STDIN") as copy:
            for _, ps in placed:
                for r, c, counts, _, dl in ps:
                    row = (r, c.chunk_id, c.doc, c.doc_sha256, c.start, c.end, c.page, c.text, dl[0], dl[1])
                    copy.write_row((*row, bm25.encode(counts)))
        with cur.copy("COPY lex (row, doc, dl_char, dl_word, tsv_char, tsv_word) FROM STDIN (FORMAT BINARY)") as copy:
            copy.write(_COPY_HEADER)
            for _, ps in placed:
                for r, c, _, terms, dl in ps:
                    copy.write(lex_row(r, c.doc, dl, terms))
            copy.write(_COPY_TRAILER)
    lengths = [p[4] for _, ps in placed for p in ps]
    _add_stats(conn, total, sum(dl[0] for dl in lengths), sum(dl[1] for dl in lengths))
    _add_df(conn, [p[3] for _, ps in placed for p in ps])
    if indexed:
        conn.execute(_MERGE)
    for u, ps in placed:
        if u.vectors is not None and ps:
            put_vectors(conn, u.document.doc, [p[0] for p in ps], u.vectors)


def _keep_indexes(conn: Any) -> bool:
    """True when this write goes into the GIN indexes; False when they are missing (a bulk load: built after
    it), and they are dropped here when `lex` is empty (in this transaction: a rollback brings them back)."""
    indexed, rows = conn.execute(_INDEXED).fetchone()
    if indexed and not rows:
        conn.execute(_DROP_GIN)
        return False
    return bool(indexed)


def _add_df(conn: Any, lexemes: list[dict[str, list[str]]]) -> None:
    """Add each lexeme's passage count (a passage lists each of its lexemes once) to df."""
    for f in FIELDS:
        n = Counter(chain.from_iterable(terms[f] for terms in lexemes))  # one C count for the batch
        if n:
            keys = sorted(n)
            conn.execute(_ADD_DF, (f, " ".join(keys), " ".join(str(n[t]) for t in keys)))


def _insert_document(conn: Any, u: Upsert) -> None:
    """The document's row and outline (its passages go in with the batch's)."""
    d = u.document
    pages = json.dumps(list(d.page_starts)) if d.page_starts is not None else None
    conn.execute(
        "INSERT INTO docs (name, sha256, text, page_starts, meta, chunks, vectors, origin) "
        "VALUES (%s, %s, %s, %s, %s, %s, false, %s)",
        (d.doc, d.doc_sha256, d.text, pages, pg_db.meta_json(d), len(u.chunks), d.origin),
    )
    if d.outline is not None and u.outline_code is not None:
        pg_db.put_outline(conn, d.doc, d.doc_sha256, u.outline_code, outlines.encode(d.outline))


def vector_text(v: np.ndarray) -> str:
    return "[" + ",".join(f"{x:.7g}" for x in v.tolist()) + "]"


def put_vectors(conn: Any, doc: str, rows: Sequence[int], vectors: np.ndarray) -> None:
    """pgvector rows (the table and its HNSW index are made with the first vectors: their size fixes the type)."""
    vecs = np.asarray(vectors, dtype=np.float32)
    dim = int(vecs.shape[1])
    conn.execute("CREATE EXTENSION IF NOT EXISTS vector SCHEMA public")
    conn.execute(f"CREATE TABLE IF NOT EXISTS vectors (row bigint PRIMARY KEY, vec vector({dim}) NOT NULL)")
    conn.execute("CREATE INDEX IF NOT EXISTS vectors_hnsw ON vectors USING hnsw (vec vector_ip_ops)")
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO vectors (row, vec) VALUES (%s, %s::vector) ON CONFLICT (row) DO UPDATE SET vec = EXCLUDED.vec",
            [(int(r), vector_text(vecs[i])) for i, r in enumerate(rows)],
        )
    conn.execute("UPDATE docs SET vectors = true WHERE name = %s", (doc,))
