"""The PostgreSQL store's bulk writes (granska.index.pg_write, session 24): passages by COPY, df counted in
Python, each batch's GIN postings merged before its commit — on a real server, against what the stored
tsvectors hold."""

from __future__ import annotations

import shutil
from pathlib import Path

from granska.index import pg_server
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
