"""The PostgreSQL store's candidate draw: term-frequency classes in the lexemes, and their rewrite into a schema
written without them (granska.index.pg_lexical.TF_CLASSES, granska.index.pg_relex), on a real server."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from granska.index import bm25, pg_relex, pg_server
from granska.index import pg_lexical as lex
from granska.index.lexical import analysed, query_terms
from granska.index.pg import PgStore

from granska.engine import BUNDLED_CORPUS, Engine
from granska.settings import Settings
from tests.conftest import dev_items
from tests.index.test_pg import postgres  # noqa: F401 - the module's real server

POOL = 8  # a pool small enough that the draw's order decides what the exact rescoring can find


def _strip_classes(store: PgStore) -> None:
    """Rewrite the schema as code before the classes wrote it: one plain lexeme per term, df per term."""
    plain = "array_to_tsvector(ARRAY(SELECT DISTINCT split_part(x, '^', 1) FROM unnest(tsvector_to_array({})) x))"
    with store._db.write() as conn:
        conn.execute(f"UPDATE lex SET tsv_char = {plain.format('tsv_char')}, tsv_word = {plain.format('tsv_word')}")
        conn.execute(
            "TRUNCATE df; INSERT INTO df SELECT f.field, x.term, count(*) FROM lex l "
            "CROSS JOIN LATERAL (VALUES ('char', l.tsv_char), ('word', l.tsv_word)) f(field, tsv) "
            "CROSS JOIN LATERAL unnest(tsvector_to_array(f.tsv)) x(term) GROUP BY 1, 2"
        )


def _state(store: PgStore) -> tuple[list[tuple[int, str, str]], list[tuple[str, str, int]]]:
    with store._db.read() as conn:
        lexes = conn.execute("SELECT row, tsv_char::text, tsv_word::text FROM lex ORDER BY row").fetchall()
        dfs = conn.execute("SELECT field, term, df FROM df ORDER BY field, term").fetchall()
    return lexes, dfs


def _recall(store: PgStore, questions: list[str], found: dict[int, tuple[int, int, bytes]]) -> float:
    """Share of each field's exact top POOL over every passage that the search's pools return."""
    held = total = 0
    for q in questions:
        terms = query_terms(q)
        with store._db.snapshot() as conn:
            stats, dfs = lex.corpus(conn, terms)
        rows, scores = bm25.rescore(terms, found, stats, dfs)
        got = set(store.lexical_search(terms, k=POOL)[0].tolist())
        for f in ("char", "word"):
            top = {rows[i] for i in np.argsort(-scores[f], kind="stable")[:POOL] if scores[f][i] > 0}
            held, total = held + len(top & got), total + len(top)
    return held / total


def test_the_draw_scores_term_frequency_classes_and_a_rewrite_gives_them_to_an_old_schema(
    postgres: pg_server.LocalPostgres,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine = Engine(Settings(index_dir=tmp_path / "unused", store=postgres.url() + "?schema=classes"))
    engine.ingest([BUNDLED_CORPUS])
    store = engine.store
    assert isinstance(store, PgStore)
    with store._db.read() as conn:
        cur = conn.execute("SELECT row, dl_char, dl_word, words FROM chunks")
        found = {int(r): (int(c), int(w), bytes(b)) for r, c, w, b in cur}
    # Each term's passage count is the sum over its classes: what the exact BM25 needs, as the embedded store's.
    questions = [it["question"] for it in dev_items()[:12]]
    held = [analysed(bm25.decode(b)) for _, _, b in found.values()]
    for q in questions[:3]:
        terms = query_terms(q)
        with store._db.snapshot() as conn:
            _, dfs = lex.corpus(conn, terms)
        for f in ("char", "word"):
            for t in set(terms[f]):
                assert dfs[f][t] == sum(t in set(h[f].split()) for h in held), (f, t)
    with store._db.read() as conn:
        classes = {lex.term_of(x)[1] for (x,) in conn.execute("SELECT term FROM df WHERE field = 'char'")}
    assert classes == set(lex.TF_CLASSES)
    monkeypatch.setattr(lex, "POOL", POOL)
    before = _state(store)
    with_classes = _recall(store, questions, found)
    _strip_classes(store)
    without = _recall(store, questions, found)
    assert with_classes > without, (with_classes, without)  # the draw that counts frequencies finds more
    got = pg_relex.relex(store.url)
    assert got["passages"] == len(found)
    assert _state(store) == before  # rewritten exactly as this code writes a passage
    store._committed()
    assert _recall(store, questions, found) == with_classes
