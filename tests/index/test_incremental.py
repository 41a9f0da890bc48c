"""The incremental store: text first and vectors later, work per document, tracker rows kept per document."""

from __future__ import annotations

import json
import shutil
import sqlite3
from dataclasses import asdict
from pathlib import Path

import numpy as np
from granska.index.store import LocalStore
from granska.qa import recommendations, responsibilities

from granska.engine import BUNDLED_CORPUS, Engine
from granska.settings import SearchSettings
from tests.conftest import hash_settings

MOTALA = "004_bc115543fd4b41f8.txt"


def _vectors(idx: Path) -> int:
    with sqlite3.connect(idx / "granska.sqlite") as conn:
        return int(conn.execute("SELECT count(*) FROM vectors").fetchone()[0])


def test_no_vectors_are_computed_for_a_fusion_that_does_not_use_them(tmp_path: Path):
    engine = Engine(hash_settings(tmp_path / "idx"))  # dense weight 0: the default
    report = engine.ingest([BUNDLED_CORPUS])
    assert report.chunks_embedded == 0 and len(report.added) == 5
    assert _vectors(tmp_path / "idx") == 0
    assert not any(s["vectors"] for s in engine.document_status().values())
    assert engine.search("integrationsfrågorna Motala", k=1)[0].chunk.doc == MOTALA


def test_text_is_searchable_before_its_vectors_and_vectors_join_when_ready(tmp_path: Path):
    engine = Engine(hash_settings(tmp_path / "idx", search=SearchSettings(w_dense=0.1)))
    report = engine.ingest([BUNDLED_CORPUS])
    # The words are committed when ingest returns; the vectors may still be on their way.
    assert engine.search("integrationsfrågorna Motala", k=1)[0].chunk.doc == MOTALA
    engine.wait_for_vectors()
    status = engine.document_status()
    assert all(s["vectors"] for s in status.values())
    assert _vectors(tmp_path / "idx") == sum(s["chunks"] for s in status.values()) == report.chunks_embedded
    hit = engine.search("integrationsfrågorna Motala", k=1)[0]
    assert hit.chunk.doc == MOTALA and hit.parts["dense"] > 0


def test_adding_and_removing_a_document_leaves_the_others_rows_untouched(tmp_path: Path):
    engine = _without_motala(tmp_path)
    store = LocalStore(tmp_path / "idx")
    before = {n: store.doc_chunks(n) for n in store.documents()}
    engine.ingest([tmp_path / MOTALA])
    assert {n: store.doc_chunks(n) for n in before} == before  # same row ids: nothing else was rewritten
    hit = engine.search("Vem ansvarar för integrationsfrågorna i Motala?", k=1)[0]
    assert hit.chunk.doc == MOTALA
    engine.remove(MOTALA)
    assert {n: store.doc_chunks(n) for n in store.documents()} == before
    assert all(h.chunk.doc != MOTALA for h in engine.search("integrationsfrågorna Motala", k=50))


def test_tracker_rows_are_stored_per_document_and_equal_a_build_over_the_corpus(tmp_path: Path):
    engine = Engine(hash_settings(tmp_path / "idx"))
    engine.ingest([BUNDLED_CORPUS])
    docs = dict(engine.documents())
    want_recs = [r.as_dict() for r in recommendations.build(docs)]
    want_resps = [r.as_dict() for r in responsibilities.build(docs)]
    fresh = Engine(engine.settings)  # a restart: the rows come from the store, nothing is rebuilt
    assert sorted(json.dumps(r, sort_keys=True) for r in (x.as_dict() for x in fresh.recommendations())) == sorted(
        json.dumps(r, sort_keys=True) for r in want_recs
    )
    assert [r.as_dict() for r in fresh.responsibilities()] == want_resps
    with sqlite3.connect(tmp_path / "idx" / "granska.sqlite") as conn:
        keys = {k for (k,) in conn.execute("SELECT key FROM tracker WHERE kind = 'responsibilities'")}
    assert keys and all(k.startswith("doc:") for k in keys)
    engine.remove(MOTALA)
    assert all(r.source.doc != MOTALA for r in Engine(engine.settings).responsibilities())


def test_old_generation_folder_is_migrated_without_reading_or_embedding_again(tmp_path: Path):
    engine = Engine(hash_settings(tmp_path / "new"))
    engine.ingest([BUNDLED_CORPUS])
    old = tmp_path / "old"
    gen = old / "gen-20260101T000000-abcdef01"
    gen.mkdir(parents=True)
    docs = engine.documents()
    chunks = engine.store.chunks()
    manifest = {
        "format": 1,
        "fingerprint": engine.fingerprint(),
        "docs": {
            n: {
                "sha256": d.doc_sha256,
                "page_starts": None,
                "meta": {k: v for k, v in d.meta.as_dict().items() if k != "year"},
            }
            for n, d in docs.items()
        },
    }
    (gen / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    (gen / "texts.jsonl").write_text("".join(json.dumps({"doc": n, "text": d.text}) + "\n" for n, d in docs.items()))
    (gen / "chunks.jsonl").write_text("".join(json.dumps(asdict(c)) + "\n" for c in chunks))
    np.save(gen / "vectors.npy", np.zeros((len(chunks), 8), dtype=np.float32))
    (old / "CURRENT").write_text(gen.name)
    migrated = Engine(hash_settings(old))
    q = "Vem ansvarar för integrationsfrågorna i Motala?"
    assert [h.chunk for h in migrated.search(q, k=5)] == [h.chunk for h in engine.search(q, k=5)]
    assert not (old / "CURRENT").exists() and not list(old.glob("gen-*"))


def test_questions_are_answered_while_a_writer_ingests(tmp_path: Path):
    import threading

    from tests.conftest import SHARED

    engine = Engine(hash_settings(tmp_path / "idx"))
    engine.ingest([BUNDLED_CORPUS])
    q = "Vem ansvarar för integrationsfrågorna i Motala?"
    first = engine.ask(q).as_dict()
    writer = threading.Thread(target=engine.ingest, args=([SHARED / "datasets" / "swequad_mc" / "docs"],))
    writer.start()
    answered_during = 0
    while writer.is_alive():
        # Readers see the last committed state: the Motala answer does not change while others go in.
        assert engine.ask(q).as_dict()["citations"] == first["citations"]
        answered_during += writer.is_alive()
    writer.join()
    assert answered_during >= 1
    assert len(engine.document_status()) == 5 + 64


def test_tracker_rows_left_pending_by_a_killed_ingest_are_computed_at_the_next_table_answer(tmp_path: Path):
    engine = Engine(hash_settings(tmp_path / "idx"))
    engine.ingest([BUNDLED_CORPUS])
    want = [r.as_dict() for r in engine.responsibilities()]
    assert any(r["source"]["doc"] == MOTALA for r in want)
    # What a kill between an ingest's last commit and its tracker rows leaves: the document is in, its rows
    # are not, and the journal names it.
    with sqlite3.connect(tmp_path / "idx" / "granska.sqlite") as conn:
        conn.execute("DELETE FROM tracker WHERE key = ?", (f"doc:{MOTALA}",))
        conn.execute(
            "INSERT OR REPLACE INTO tracker (key, kind, rows) VALUES ('journal:pending', 'pending', ?)",
            (json.dumps([{"doc": MOTALA, "place": None}]),),
        )
        conn.execute("UPDATE meta SET value = value + 1 WHERE key = 'tracker_version'")
    restarted = Engine(engine.settings)
    assert [r.as_dict() for r in restarted.responsibilities()] == want
    with sqlite3.connect(tmp_path / "idx" / "granska.sqlite") as conn:
        (left,) = conn.execute("SELECT rows FROM tracker WHERE key = 'journal:pending'").fetchone() or ("[]",)
    assert json.loads(left) == []


def test_with_tables_later_a_document_is_searchable_at_once_and_the_tables_catch_up(tmp_path: Path):
    engine = _without_motala(tmp_path)
    engine.ingest([tmp_path / MOTALA], tables_later=True)
    assert engine.search("Vem ansvarar för integrationsfrågorna i Motala?", k=1)[0].chunk.doc == MOTALA
    assert engine.wait_for_tracker(timeout=300)
    docs = dict(engine.documents())
    want = sorted(json.dumps(r.as_dict(), sort_keys=True) for r in recommendations.build(docs))
    assert sorted(json.dumps(r.as_dict(), sort_keys=True) for r in Engine(engine.settings).recommendations()) == want
    assert any(r.recommendation.doc == MOTALA for r in engine.recommendations())


def _without_motala(tmp_path: Path) -> Engine:
    """An index of the bundled corpus less one document, which is left in `tmp_path` to be added later."""
    corpus = tmp_path / "corpus"
    shutil.copytree(BUNDLED_CORPUS, corpus)
    (corpus / MOTALA).rename(tmp_path / MOTALA)
    engine = Engine(hash_settings(tmp_path / "idx"))
    engine.ingest([corpus])
    return engine
