"""The PostgreSQL store's writes: documents and passages in, out, and the shared corpus statistics with them.

Passages are analysed in Python (the embedded store's analysis, outside the writer lock); everything derived
from what is stored is computed by the server inside the writer's transaction: the df table is changed by one
statement that counts the lexemes of the passages' own tsvectors (so it always equals what the tsvectors
hold, and no term list travels to the server and back), the total lengths by one UPDATE per change.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import numpy as np
from granska.index import bm25, outlines, pg_db
from granska.index import pg_lexical as lex
from granska.index.lexical import indexed_text
from granska.index.store import Upsert

from granska.types import Chunk

# (chunk, its folded word counts, each field's tsvector literal) per passage of one document.
Passages = list[tuple[Chunk, dict[str, int], dict[str, str]]]

# Each field's lexemes of the passages of these documents, counted: what their tsvectors add to df.
_TERMS = (
    "SELECT f.field, x.term, count(*)::int AS n FROM chunks c JOIN lex l ON l.row = c.row "
    "CROSS JOIN LATERAL (VALUES ('char', l.tsv_char), ('word', l.tsv_word)) f(field, tsv) "
    "CROSS JOIN LATERAL unnest(tsvector_to_array(f.tsv)) x(term) "
    "WHERE c.doc = ANY(%s::text[]) GROUP BY f.field, x.term"
)


def analyse(u: Upsert) -> Passages:
    """Per chunk: its folded word counts (document context line included) and each field's tsvector."""
    out: Passages = []
    for c in u.chunks:
        counts = dict(bm25.word_counts(indexed_text(c, u.document.meta)))
        out.append((c, counts, {f: tsvector_literal(terms) for f, terms in lex.passage_terms(counts).items()}))
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
    """Insert documents and their passages, then add their lexemes to df in one statement."""
    for u, passages in prepared:
        _insert_document(conn, u, passages)
    names = [u.document.doc for u, passages in prepared if passages]
    if names:
        conn.execute(
            f"INSERT INTO df (field, term, df) SELECT * FROM ({_TERMS}) t "
            "ON CONFLICT (field, term) DO UPDATE SET df = df.df + EXCLUDED.df",
            (names,),
        )


def _insert_document(conn: Any, u: Upsert, passages: Passages) -> None:
    d = u.document
    pages = json.dumps(list(d.page_starts)) if d.page_starts is not None else None
    conn.execute(
        "INSERT INTO docs (name, sha256, text, page_starts, meta, chunks, vectors, origin) "
        "VALUES (%s, %s, %s, %s, %s, %s, false, %s)",
        (d.doc, d.doc_sha256, d.text, pages, pg_db.meta_json(d), len(u.chunks), d.origin),
    )
    if d.outline is not None and u.outline_code is not None:
        pg_db.put_outline(conn, d.doc, d.doc_sha256, u.outline_code, outlines.encode(d.outline))
    if not passages:
        return
    # Rows are never reused: a rolled-back transaction's sequence values are simply skipped.
    got = conn.execute("SELECT nextval('chunk_rows') FROM generate_series(1, %s)", (len(passages),)).fetchall()
    rows = [int(r[0]) for r in got]
    lengths = [bm25.lengths(counts) for _, counts, _ in passages]
    with conn.cursor() as cur:
        cur.executemany(
            f"INSERT INTO chunks ({pg_db.CHUNK_COLS}, dl_char, dl_word, words) VALUES "
            "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [
                (r, c.chunk_id, c.doc, c.doc_sha256, c.start, c.end, c.page, c.text, dl[0], dl[1], bm25.encode(counts))
                for r, (c, counts, _), dl in zip(rows, passages, lengths, strict=True)
            ],
        )
        cur.executemany(
            "INSERT INTO lex (row, doc, dl_char, dl_word, tsv_char, tsv_word) "
            "VALUES (%s, %s, %s, %s, %s::tsvector, %s::tsvector)",
            [
                (r, c.doc, dl[0], dl[1], tsv["char"], tsv["word"])
                for r, (c, _, tsv), dl in zip(rows, passages, lengths, strict=True)
            ],
        )
    _add_stats(conn, len(rows), sum(dl[0] for dl in lengths), sum(dl[1] for dl in lengths))
    if u.vectors is not None:
        put_vectors(conn, d.doc, rows, u.vectors)


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
