"""Outlines are stored at ingest, read back equal to the computed ones, and computed once for older indexes;
the metadata a commit changes is carried into the reader's cache."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from granska.index import outlines
from granska.index.db import Database
from granska.index.store import DB_FILE
from granska.ingest.outline import code, outline

from granska.engine import BUNDLED_CORPUS, Engine
from granska.settings import EmbedderSettings, Settings
from tests.conftest import SHARED

AUDITS = SHARED / "datasets" / "audits" / "docs"


def _engine(index: Path) -> Engine:
    return Engine(Settings(index_dir=index, embedder=EmbedderSettings(model="hash")))


def _stored(index: Path) -> dict[str, tuple[str, str, str]]:
    with sqlite3.connect(index / DB_FILE) as conn:
        return {n: (s, c, o) for n, s, c, o in conn.execute("SELECT name, sha256, code, outline FROM outlines")}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled corpus and the 22 audits documents, ingested with the hash embedder (no vectors: dense off)."""
    index = tmp_path_factory.mktemp("outlines") / "index"
    report = _engine(index).ingest([BUNDLED_CORPUS, AUDITS])
    assert len(report.added) == 27 and not report.skipped
    return index


def test_every_document_is_stored_with_the_outline_computed_from_its_text(built: Path) -> None:
    engine = _engine(built)
    stored = _stored(built)
    docs = engine.store.documents()
    assert set(stored) == set(docs)
    for name, (sha, made_by, text) in stored.items():
        doc = docs[name]
        assert sha == doc.doc_sha256 and made_by == code()
        assert outlines.decode(text) == outline(doc), name  # sections and facts, field for field
        assert engine._outline_of(name) == outline(doc)
        # What the CLI and the routes read: the document view carries the same outline.
        assert engine.documents()[name].outline == outline(doc)


def test_an_index_without_stored_outlines_computes_each_once_and_keeps_it(built: Path, tmp_path: Path) -> None:
    old = tmp_path / "old"
    shutil.copytree(built, old)
    with sqlite3.connect(old / DB_FILE) as conn:  # an index built before outlines were stored
        conn.execute("DROP TABLE outlines")
    engine = _engine(old)
    name = min(engine.store.metas())
    doc = engine.store.documents()[name]
    assert engine.store.outline(name, code()) is None
    assert engine._outline_of(name) == outline(doc)  # computed at first use…
    kept = _stored(old)
    assert set(kept) == {name} and outlines.decode(kept[name][2]) == outline(doc)  # …and stored, alone
    assert _engine(old).store.outline(name, code()) == (doc.doc_sha256, outline(doc))
    # Outlines made by other code are not read: computed again and replaced.
    with sqlite3.connect(old / DB_FILE) as conn:
        conn.execute("UPDATE outlines SET code = 'other', outline = '{\"s\": [], \"f\": []}'")
    assert _engine(old)._outline_of(name) == outline(doc)
    assert _stored(old)[name][1] == code()


def test_a_replaced_or_removed_document_takes_its_outline_with_it(built: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    shutil.copytree(built, index)
    engine = _engine(index)
    src = next(p for p in sorted(BUNDLED_CORPUS.iterdir()) if p.suffix == ".txt")
    mine = tmp_path / "in" / "ny_granskning.txt"
    mine.parent.mkdir()
    shutil.copy(src, mine)
    name = engine.ingest([mine]).added[0]
    first = _stored(index)[name]
    mine.write_text("Sammanfattning\n\nEn ny text om revisionen.\n\n" + src.read_text(encoding="utf-8"))
    assert engine.ingest([mine]).replaced == [name]
    doc = engine.store.documents()[name]
    assert _stored(index)[name][0] == doc.doc_sha256 != first[0]
    assert engine._outline_of(name) == outline(doc)
    # The metadata cache is carried over each commit (not re-read whole): the same as a fresh read.
    assert engine.store.metas() == Database(index / DB_FILE).metas() and name in engine.store.metas()
    engine.remove(name)
    assert name not in _stored(index) and engine._outline_of(name) is None
    assert engine.store.metas() == Database(index / DB_FILE).metas() and name not in engine.store.metas()
