"""Tracker rows a killed ingest left pending: handed to the background at the first table read (which answers
at once, saying the list may be incomplete), computed in batches, and resumed by the next process."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

import pytest
from granska.qa import rec_process, rec_work
from granska.ui.cli import app
from typer.testing import CliRunner

from granska.engine import Engine
from granska.tables import PENDING_KEY, RESPOND
from tests.conftest import hash_settings
from tests.test_tables_upgrade import QUESTION, bundled_with_tables, held

DB = "granska.sqlite"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str], list[dict]]:
    """The bundled corpus indexed once for this module, with its tables."""
    return bundled_with_tables(tmp_path_factory.mktemp("pending") / "idx")


def _killed_after_commit(built: tuple[Path, list[str], list[dict]], tmp_path: Path) -> Path:
    """A copy of the index as an ingest of every document leaves it when killed after its last commit: the
    documents are in, none of their tracker rows are, and the writer's journal names them all (a new
    document with no municipality before, as `mark_pending` writes it)."""
    import shutil

    idx = tmp_path / "idx"
    shutil.copytree(built[0], idx)
    engine = Engine(hash_settings(idx))
    pending = [{"doc": n, "place": None} for n in sorted(engine.store.metas())]
    with sqlite3.connect(idx / DB) as conn:
        conn.execute(  # the rows and the heads saying what they hold (rec_work.place_rows), written together
            "DELETE FROM tracker WHERE kind IN ('recommendations', 'responsibilities') OR kind LIKE 'placehead:%'"
        )
        conn.execute(
            "INSERT OR REPLACE INTO tracker (key, kind, rows) VALUES (?, 'pending', ?)",
            (PENDING_KEY, json.dumps(pending)),
        )
        conn.execute("UPDATE meta SET value = value + 1 WHERE key = 'tracker_version'")
    return idx


def _recs(engine: Engine) -> list[str]:
    return sorted(json.dumps(r.as_dict(), sort_keys=True) for r in engine.recommendations())


def _killed_background() -> None:
    """This process's background child killed and reaped (waited on, not slept on): once the worker lock is
    released, no batch of the "dead" process runs beside the test's own (under load it used to run them all)."""
    import os
    import signal

    child = rec_process.CHILD.pid()
    assert child is not None  # the table read handed the journal to a child, not to a thread
    os.kill(child, signal.SIGKILL)
    deadline = time.monotonic() + 60
    while rec_process.CHILD.pid() == child:  # `pid()` polls, so the child is reaped when it answers None
        assert time.monotonic() < deadline, "the killed tracker child did not end"
        time.sleep(0.01)


def _journal(idx: Path) -> list[str]:
    with sqlite3.connect(idx / DB) as conn:
        return [k for (k,) in conn.execute("SELECT key FROM tracker WHERE kind = 'pending'")]


def test_pending_rows_are_not_computed_by_the_table_read_and_the_answer_says_so(built, tmp_path: Path):
    idx = _killed_after_commit(built, tmp_path)
    engine = Engine(hash_settings(idx))
    n_docs = len(engine.store.metas())
    with held(idx):  # no worker can compute a row while we look
        start = time.process_time()
        recs, resps = engine.tables.rows()  # the first table read: answers at once from the rows there are
        assert (recs, resps) == ([], []) and time.process_time() - start < 2.0
        state = engine.tables.state()
        assert state["stale"] and state["pending"] == n_docs and state["rebuilding"] == 0
        assert PENDING_KEY not in _journal(idx)  # handed over in one transaction
        assert sum(k.startswith(RESPOND) for k in _journal(idx)) == n_docs
        listed = CliRunner().invoke(app, ["docs", "list", "--json", "--index-dir", str(idx)])
        assert listed.exit_code == 0, listed.output
        assert {json.loads(line)["tracker"] for line in listed.stdout.splitlines()} == {"pending"}
        assert f"{n_docs} documents pending" in listed.stderr
        answer = engine.ask(QUESTION)
        assert answer.notes["tracker_stale"] is True and answer.notes["tracker_pending"] == n_docs
        assert "ofullständig" in answer.answer and f"{n_docs} dokument" in answer.answer
    assert engine.wait_for_tracker(timeout=300)
    assert _recs(engine) == built[1]  # identical to a build over the corpus
    assert [r.as_dict() for r in engine.responsibilities()] == built[2]
    assert not engine.tables.state()["stale"] and _journal(idx) == []
    assert "tracker_stale" not in engine.ask(QUESTION).notes


def test_pending_rows_go_in_batches_and_a_cut_batch_resumes_in_the_next_process(
    built, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    idx = _killed_after_commit(built, tmp_path)
    engine = Engine(hash_settings(idx))
    n_docs = len(engine.store.metas())
    with held(idx):
        engine.tables.rows()  # handed to the background; then this process "dies" before any batch
        _killed_background()  # and its background with it, before the lock lets it start a batch
    assert sum(k.startswith(RESPOND) for k in _journal(idx)) == n_docs
    monkeypatch.setattr(rec_work, "BATCH_DOCS", 2)
    worker = rec_work.Worker(engine.store)
    assert worker.respond_batch()  # one batch of two documents, then a kill
    assert sum(k.startswith(RESPOND) for k in _journal(idx)) == n_docs - 2
    restarted = Engine(hash_settings(idx))
    assert restarted.tables.state()["pending"] == n_docs - 2
    assert _recs(restarted) == built[1]  # recommendations() waits for the background, which resumed the rest
    assert [r.as_dict() for r in restarted.responsibilities()] == built[2]
    assert _journal(idx) == []


def test_the_background_runs_in_a_child_process_and_a_kill_of_it_loses_nothing(built, tmp_path: Path):
    import os
    import signal

    idx = _killed_after_commit(built, tmp_path)
    engine = Engine(hash_settings(idx))
    with held(idx):
        engine.tables.rows()  # handed to the background: the child waits for the index's worker lock
        child = rec_process.CHILD.pid()
        assert child is not None and child != os.getpid()
        os.kill(child, signal.SIGKILL)
    assert engine.wait_for_tracker(timeout=300)  # a new child resumes the journal
    assert rec_process.CHILD.pid() not in (None, child)
    assert _recs(engine) == built[1] and [r.as_dict() for r in engine.responsibilities()] == built[2]
    assert _journal(idx) == []
