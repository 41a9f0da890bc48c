from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from granska.index.lexical import LexicalIndex
from granska.index.store import LocalStore

from granska.engine import BUNDLED_CORPUS, Engine
from granska.errors import IndexMismatchError, UnknownDocumentError
from granska.settings import IngestSettings, SearchSettings, Settings
from tests.conftest import SHARED, hash_settings

DENSE = SearchSettings(w_dense=0.1)  # a fusion that uses vectors, so they are computed


def _copy_corpus(dst: Path) -> Path:
    shutil.copytree(BUNDLED_CORPUS, dst)
    for p in dst.iterdir():
        p.chmod(0o644)
    return dst


def _generation(index_dir: Path) -> int:
    return LocalStore(index_dir).version()


def _stored_vectors(index_dir: Path) -> int:
    with sqlite3.connect(index_dir / "granska.sqlite") as conn:
        return int(conn.execute("SELECT count(*) FROM vectors").fetchone()[0])


def test_reingesting_unchanged_files_does_no_work(tmp_path: Path):
    engine = Engine(hash_settings(tmp_path / "idx", search=DENSE))
    first = engine.ingest([BUNDLED_CORPUS])
    assert len(first.added) == 5 and first.chunks_embedded > 0
    engine.wait_for_vectors()
    gen = _generation(tmp_path / "idx")
    again = engine.ingest([BUNDLED_CORPUS])
    assert again.unchanged == sorted(p.name for p in BUNDLED_CORPUS.glob("*.txt"))
    assert again.chunks_embedded == 0 and not again.added and not again.replaced
    assert _generation(tmp_path / "idx") == gen  # nothing was written


def test_changed_file_replaces_its_chunks_and_delete_removes_vectors(tmp_path: Path):
    corpus = _copy_corpus(tmp_path / "corpus")
    engine = Engine(hash_settings(tmp_path / "idx", search=DENSE))
    engine.ingest([corpus])
    name = "003_f15778b1dd09b2e4.txt"
    before = [c for c in engine.store.chunks() if c.doc == name]
    (corpus / name).write_text("Granskning av bostadsbolaget. Nytt innehåll om Eidar.\n", encoding="utf-8")
    report = engine.ingest([corpus])
    assert report.replaced == [name] and len(report.unchanged) == 4
    after = [c for c in engine.store.chunks() if c.doc == name]
    assert after and not {c.chunk_id for c in before} & {c.chunk_id for c in after}
    assert all("Nytt innehåll" in c.text or "Granskning" in c.text for c in after)

    total = len(engine.store.chunks())
    engine.wait_for_vectors()
    assert _stored_vectors(tmp_path / "idx") == total
    removed = engine.remove(name)
    reloaded = LocalStore(tmp_path / "idx")
    assert removed == len(after)
    assert name not in reloaded.documents()
    assert len(reloaded.chunks()) == total - removed
    assert _stored_vectors(tmp_path / "idx") == total - removed
    assert all(h.chunk.doc != name for h in engine.search("Eidar bostadsbolag", k=50))
    with pytest.raises(UnknownDocumentError):
        engine.remove(name)


def test_saved_and_reloaded_index_answers_identically(bundled_engine: Engine):
    again = Engine(bundled_engine.settings)
    q = "Vilket diarienummer har Motalas ärende om revisionens granskning av integrationsarbetet?"
    assert again.ask(q).as_dict() == bundled_engine.ask(q).as_dict()


def test_index_built_with_other_settings_is_refused_with_how_to_rebuild(tmp_path: Path):
    Engine(hash_settings(tmp_path / "idx")).ingest([BUNDLED_CORPUS])
    other = Engine(hash_settings(tmp_path / "idx", ingest=IngestSettings(chunk_tokens=64)))
    with pytest.raises(IndexMismatchError, match=r"chunk_tokens: index has 192, settings say 64.*rebuild"):
        other.ask("Vem ansvarar?")


def test_bad_files_are_reported_and_the_rest_of_the_batch_goes_in(tmp_path: Path):
    corpus = _copy_corpus(tmp_path / "corpus")
    (corpus / "tom.txt").write_bytes(b"")
    (corpus / "trasig.pdf").write_bytes(b"%PDF-1.4 broken")
    engine = Engine(hash_settings(tmp_path / "idx"))
    report = engine.ingest([corpus, tmp_path / "saknas.txt"])
    assert len(report.added) == 5
    reasons = {Path(s.path).name: s.reason for s in report.skipped}
    assert reasons == {
        "tom.txt": "file is empty",
        "trasig.pdf": reasons["trasig.pdf"],
        "saknas.txt": "no such file or folder",
    }
    assert reasons["trasig.pdf"].startswith("not a readable PDF")


def test_killed_ingest_leaves_the_previous_index_loadable(tmp_path: Path):
    idx = tmp_path / "idx"
    settings = Settings(index_dir=idx)
    Engine(settings).ingest([BUNDLED_CORPUS])
    before = LocalStore(idx)
    kept = {n: [c.chunk_id for _, c in before.doc_chunks(n)] for n in before.documents()}
    big = tmp_path / "big"
    big.mkdir()
    swequad = sorted((SHARED / "datasets" / "swequad_mc" / "docs").glob("*.txt"))
    for p in swequad:
        for i in range(3):
            (big / f"{i}_{p.name}").write_text(p.read_text(encoding="utf-8") + f"\nkopia {i}\n", encoding="utf-8")
    # Dense on, with the real model: the text goes in batch by batch, then embedding takes long enough to be
    # killed midway, whichever of the two phases the kill lands in.
    env = {**os.environ, "GRANSKA_INDEX_DIR": str(idx), "GRANSKA_SEARCH__W_DENSE": "0.1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "granska.ui.cli", "ingest", str(big)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(4)
    assert proc.poll() is None, "ingest finished before it could be killed; make the batch bigger"
    proc.send_signal(signal.SIGKILL)
    proc.wait()

    after = LocalStore(idx)
    status = after.status()
    # What was committed before stays exactly; what the killed writer committed is whole, never half a document.
    assert {n: [c.chunk_id for _, c in after.doc_chunks(n)] for n in kept} == kept
    assert set(status) >= set(kept) and set(status) <= set(kept) | {p.name for p in big.iterdir()}
    for name, st in status.items():
        assert len(after.doc_chunks(name)) == st["chunks"] > 0
    engine = Engine(settings)
    assert not engine.ask("Vilket diarienummer har Motalas ärende?").abstained
    # The next ingest works on top of what was left, and sweeps away what the dead writer left half-done.
    extra = tmp_path / "extra.txt"
    extra.write_text("Revisorerna rekommenderar kultur- och fritidsnämnden att se över avgifterna.", encoding="utf-8")
    assert engine.ingest([extra]).added == ["extra.txt"]
    with sqlite3.connect(idx / "granska.sqlite") as conn:
        assert conn.execute("SELECT count(*) FROM pending").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM tombstones").fetchone()[0] == 0
    # Tantivy holds exactly the live passages: nothing the killed writer left uncommitted is findable.
    assert LexicalIndex(idx / "lexical").num_docs() == len(LocalStore(idx).chunks())
    hits = engine.search("kultur- och fritidsnämnden avgifterna", k=3)
    assert hits and hits[0].chunk.doc == "extra.txt"
