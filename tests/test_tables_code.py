"""The tracker code hash covers the modules the rows depend on (derived from their imports) and nothing else: a
change to answering code does not rebuild every stored row; a change to linking does. A docs-list view of the
tables' states reads the journal once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from granska.index.store import LocalStore
from granska.qa import rec_code, rec_process, rec_work

from granska.engine import BUNDLED_CORPUS, Engine
from granska.tables import Tables
from tests.conftest import hash_settings


def _edited(name: str) -> Callable[[Path], bytes]:
    """A reader for `code_digest` that sees one file edited."""
    return lambda path: path.read_bytes() + (b"\n# edited\n" if path.name == name else b"")


def test_row_modules_follow_the_imports_of_the_row_code() -> None:
    names = set(rec_code.row_modules())
    assert {"granska.qa.recommendations", "granska.qa.linking", "granska.qa.rec_relink", "granska.text"} <= names
    assert not names & {"granska.qa.answer", "granska.qa.tracker", "granska.qa.rec_work", "granska.qa.rec_process"}


def test_editing_answering_code_keeps_the_tracker_code_and_editing_linking_changes_it() -> None:
    code = rec_work.tracker_code()
    assert rec_code.code_digest() == code
    assert rec_code.code_digest(_edited("answer.py")) == code
    assert rec_code.code_digest(_edited("rec_process.py")) == code
    assert rec_code.code_digest(_edited("linking.py")) != code
    assert rec_code.code_digest(_edited("text.py")) != code  # granska.text: the rows fold and split with it


class _Counting(LocalStore):
    reads = 0

    def tracker(self, kind: str) -> list[tuple[str, list[Any]]]:
        if kind == "pending":
            type(self).reads += 1
        return super().tracker(kind)


def test_document_states_read_the_journal_once(tmp_path: Path) -> None:
    engine = Engine(hash_settings(tmp_path / "idx"))
    engine.ingest([next(p for p in sorted(BUNDLED_CORPUS.iterdir()) if p.suffix in (".txt", ".pdf", ".docx"))])
    store = _Counting(engine.store.root)
    tables = Tables(store, write=threading.Lock(), lock=threading.RLock(), documents=dict)
    metas = store.metas()
    _Counting.reads = 0
    states = tables.document_states(metas)
    assert len(states) == len(metas) == 1 and _Counting.reads == 1


def test_a_table_read_reads_the_journal_once_and_leaves_a_working_writers_pending_rows(tmp_path: Path) -> None:
    """While a writer of the engine holds its lock, a read neither hands its pending rows over nor kicks the
    background (the writer's `after_write` does both); once the lock is free, one read hands them over."""
    engine = Engine(hash_settings(tmp_path / "idx"))
    engine.ingest([next(p for p in sorted(BUNDLED_CORPUS.iterdir()) if p.suffix in (".txt", ".pdf", ".docx"))])
    assert engine.wait_for_tracker(timeout=300)
    store = _Counting(engine.store.root)
    name = next(iter(store.metas()))
    store.put_tracker({rec_work.PENDING_KEY: {"pending": [{"doc": name, "place": None}]}}, code=rec_work.tracker_code())
    write = threading.Lock()
    tables = Tables(store, write=write, lock=threading.RLock(), documents=dict)
    location = str(engine.store.root)
    with write:  # an ingest of this engine at work
        _Counting.reads = 0
        tables.rows()
        assert _Counting.reads == 1
        assert rec_work.PENDING_KEY in dict(store.tracker("pending")) and not rec_process.CHILD.busy(location)
    _Counting.reads = 0
    tables.rows()
    assert _Counting.reads == 1
    journal = dict(store.tracker("pending"))
    # Handed over: the pending entry became the background's work. Which of its entries is still there
    # depends on how far the child got under load (respond, then relink, then none), so only the hand-over
    # and the end state are asserted.
    assert rec_work.PENDING_KEY not in journal
    assert all(k.startswith((rec_work.RESPOND, rec_work.RELINK)) for k in journal)
    assert tables.wait_relinked(timeout=300) and not rec_work.journal(store, (rec_work.RESPOND, rec_work.RELINK))
