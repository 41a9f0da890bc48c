"""The PostgreSQL store's bulk writes (granska.index.pg_write, session 24): passages by COPY, df counted in
Python, each batch's GIN postings merged before its commit — on a real server, against what the stored
tsvectors hold."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
from granska.index import pg_db, pg_server
from granska.index.lexical import query_terms
from granska.index.pg import PgStore

from granska.engine import BUNDLED_CORPUS, Engine
from granska.settings import Settings
from tests.index.test_pg import _consistent, postgres  # noqa: F401 - the module's real server

GIN = ("lex_tsv_char", "lex_tsv_word")


def _pending_pages(store: PgStore) -> list[int]:
    """Pages each GIN index's pending list held (gin_clean_pending_list merges them and says how many)."""
    with store._db.read() as conn:
        return [int(conn.execute("SELECT gin_clean_pending_list(%s::regclass)", (i,)).fetchone()[0]) for i in GIN]


def _df(store: PgStore) -> list[tuple[str, str, int]]:
    with store._db.read() as conn:
        return conn.execute("SELECT field, term, df FROM df ORDER BY field, term").fetchall()


def _recounted(store: PgStore) -> list[tuple[str, str, int]]:
    """df as the stored tsvectors count it (both fields), for comparison with what the writer kept."""
    with store._db.read() as conn:
        return conn.execute(
            "SELECT f.field, x.term, count(*)::int FROM lex l "
            "CROSS JOIN LATERAL (VALUES ('char', l.tsv_char), ('word', l.tsv_word)) f(field, tsv) "
            "CROSS JOIN LATERAL unnest(tsvector_to_array(f.tsv)) x(term) GROUP BY 1, 2 ORDER BY 1, 2"
        ).fetchall()


def test_a_batch_leaves_no_pending_postings_and_df_equals_the_tsvectors(
    postgres: pg_server.LocalPostgres,  # noqa: F811
    tmp_path: Path,
) -> None:
    url = postgres.create_database("writes") + "?schema=bulk"
    folder = tmp_path / "docs"
    folder.mkdir()
    texts = sorted(BUNDLED_CORPUS.glob("*.txt"))
    for p in texts[:3]:
        shutil.copy(p, folder / p.name)
    engine = Engine(Settings(index_dir=tmp_path / "unused", store=url))
    engine.ingest([folder])
    store = engine.store
    assert isinstance(store, PgStore)
    # The batch's postings were merged into the indexes before its commit: a reader never scans a pending list.
    assert _pending_pages(store) == [0, 0]
    assert _df(store) == _recounted(store) and len(_df(store)) > 1000
    _consistent(store)
    # A second batch (new documents, one replaced) adds to df and to the merged indexes exactly as well.
    for p in texts[3:]:
        shutil.copy(p, folder / p.name)
    first = folder / texts[0].name
    first.write_text(
        first.read_text(encoding="utf-8") + "\n\nEtt tillägg om revisionens iakttagelser.\n", encoding="utf-8"
    )
    report = engine.ingest([folder])
    assert len(report.added) == len(texts) - 3 and report.replaced == [texts[0].name]
    assert _pending_pages(store) == [0, 0]
    assert _df(store) == _recounted(store)
    _consistent(store)
    engine.remove(texts[1].name)
    assert _df(store) == _recounted(store)
    _consistent(store)
    # And the search finds what the index holds: a sentence of a stored passage retrieves that passage's document.
    passage = store.doc_chunks(texts[2].name)[0][1]
    assert engine.search(passage.text[:200], k=3)[0].chunk.doc == texts[2].name


def _indexed(store: PgStore) -> bool:
    with store._db.read() as conn:
        return bool(conn.execute(pg_db.INDEXED).fetchone()[0])


def _hits(store: PgStore, queries: list[str]) -> list[tuple[list[int], list[list[float]]]]:
    """Each query's rows and both fields' scores (rounded: a sum's last bits depend on the plan)."""
    out = []
    for q in queries:
        terms = query_terms(q)
        rows, scores = store.lexical_search(terms, k=10)
        out.append((rows.tolist(), [np.round(scores[f], 9).tolist() for f in sorted(scores)]))
    return out


def test_a_load_into_an_empty_schema_leaves_its_gin_indexes_out_until_the_first_search_builds_them(
    postgres: pg_server.LocalPostgres,  # noqa: F811
    tmp_path: Path,
) -> None:
    """The bulk load (session 25): the same rows, df and search results as a schema written into its indexes
    batch by batch; a reader in another store object finds them missing, builds them once, and later writes
    go into them again."""
    base = postgres.create_database("bulkload")
    folder = tmp_path / "docs"
    folder.mkdir()
    texts = sorted(BUNDLED_CORPUS.glob("*.txt"))
    for p in texts:
        shutil.copy(p, folder / p.name)
    bulk = Engine(Settings(index_dir=tmp_path / "a", store=base + "?schema=loaded"))
    bulk.ingest([folder], tables_later=True)
    store = bulk.store
    assert isinstance(store, PgStore)
    assert not _indexed(store)  # loaded into an empty schema: no GIN indexes yet
    _consistent(store)
    # The same documents written into the indexes: the first document, a search (which builds them), the rest.
    steps = Engine(Settings(index_dir=tmp_path / "b", store=base + "?schema=stepwise"))
    one = tmp_path / "one"
    one.mkdir()
    shutil.copy(texts[0], one / texts[0].name)
    steps.ingest([one], tables_later=True)
    stepped = steps.store
    assert isinstance(stepped, PgStore)
    stepped.lexical_search(query_terms("revision"), k=5)
    assert _indexed(stepped)
    steps.ingest([folder], tables_later=True)
    assert _indexed(stepped) and _pending_pages(stepped) == [0, 0]  # merged batch by batch, as before
    assert _df(store) == _df(stepped) == _recounted(store)
    # Another process's reader (its own store object) finds the indexes missing: it searches by a scan of the
    # same rows, then builds them; after that every reader and writer uses them.
    queries = [c.text[:160] for _, c in store.doc_chunks(texts[2].name)[:3]] + ["kommunens interna kontroll"]
    reader = PgStore(base + "?schema=loaded")
    try:
        assert _hits(reader, queries) == _hits(stepped, queries)
        assert _indexed(store) and store.build_indexes() == 0.0
        extra = folder / texts[0].name
        extra.write_text(extra.read_text(encoding="utf-8") + "\n\nEtt tillägg om nämndernas uppföljning.\n")
        bulk.ingest([folder], tables_later=True)
        assert _indexed(store) and _pending_pages(store) == [0, 0]
        assert _df(store) == _recounted(store)
        _consistent(store)
    finally:
        reader.close()
