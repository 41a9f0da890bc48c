"""Tracker rows made by other tracker code (an upgrade): answered at once, rebuilt in the background, resumed."""

from __future__ import annotations

import contextlib
import fcntl
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from granska.qa import recommendations, responsibilities
from granska.qa.rec_work import LOCK_FILE
from granska.ui.cli import app
from typer.testing import CliRunner

from granska.engine import BUNDLED_CORPUS, Engine
from granska.tables import UPGRADE, place_key, tracker_code
from tests.conftest import hash_settings

QUESTION = "Vilka kommuner har fått rekommendationer om integration?"


def bundled_with_tables(idx: Path) -> tuple[Path, list[str], list[dict]]:
    """An index of the bundled corpus with current tables at `idx`, and those tables (rows sorted as JSON)."""
    engine = Engine(hash_settings(idx))
    engine.ingest([BUNDLED_CORPUS])
    docs = dict(engine.documents())
    recs = sorted(json.dumps(r.as_dict(), sort_keys=True) for r in recommendations.build(docs))
    return idx, recs, [r.as_dict() for r in responsibilities.build(docs)]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str], list[dict]]:
    """The bundled corpus indexed once for this module, with its tables."""
    return bundled_with_tables(tmp_path_factory.mktemp("upgrade") / "idx")


def _copy(built: tuple[Path, list[str], list[dict]], tmp_path: Path) -> Path:
    import shutil

    idx = tmp_path / "idx"
    shutil.copytree(built[0], idx)
    return idx


def _as_old_code(idx: Path) -> None:
    """What an index built by older tracker code holds: another code hash, rows in another shape, one key that
    code used and this one does not."""
    with sqlite3.connect(idx / "granska.sqlite") as conn:
        conn.execute("UPDATE meta SET value = 'old-code' WHERE key = 'tracker_code'")
        # (one row per recommendation, `rec_work.split`: two rows reshaped, the first one's copied to the old key)
        old = conn.execute(
            "SELECT key, rows FROM tracker WHERE kind = 'recommendations' ORDER BY key LIMIT 2"
        ).fetchall()
        for key, rows in old:
            shaped = [{"rec_text": r["recommendation"]["text"]} for r in json.loads(rows)]  # no field this code reads
            conn.execute(
                "UPDATE tracker SET rows = ? WHERE key = ? AND kind = 'recommendations'", (json.dumps(shaped), key)
            )
        conn.execute(
            "INSERT INTO tracker (key, kind, rows) VALUES ('place:old-key', 'recommendations', ?)",
            (json.dumps(json.loads(old[0][1])[:1]),),
        )
        conn.execute("UPDATE meta SET value = value + 1 WHERE key = 'tracker_version'")


@contextlib.contextmanager
def held(idx: Path) -> Iterator[None]:
    """The index's background worker lock, held: no worker (thread or process) can write while it is."""
    with open(idx / LOCK_FILE, "a+b") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _recs(engine: Engine) -> list[str]:
    return sorted(json.dumps(r.as_dict(), sort_keys=True) for r in engine.recommendations())


def test_tables_of_old_code_answer_at_once_and_are_rebuilt_in_the_background(built, tmp_path: Path):
    idx = _copy(built, tmp_path)
    _as_old_code(idx)
    engine = Engine(hash_settings(idx))
    with held(idx):  # the background cannot finish a municipality while we look
        rows = _recs(engine)  # answered from the stored rows, without rebuilding them first
        assert rows and rows != built[1]  # the old-shaped municipality is left out, the old key's row is in
        state = engine.tables.state()
        assert state["stale"] and state["rebuilding"] >= 2
        metas = engine.store.metas()
        assert set(engine.tables.document_states(metas).values()) == {"rebuilding"}
        listed = CliRunner().invoke(app, ["docs", "list", "--json", "--index-dir", str(idx)])
        assert listed.exit_code == 0, listed.output
        assert {json.loads(line)["tracker"] for line in listed.stdout.splitlines()} == {"rebuilding"}
        assert "being rebuilt" in listed.stderr
        answer = engine.ask(QUESTION)
        assert answer.notes["generator"] == "recommendations" and answer.notes["tracker_stale"] is True
        assert "byggs om" in answer.answer and "ofullständig" in answer.answer
    assert engine.tables.wait_rebuilt(timeout=300)
    assert _recs(engine) == built[1]  # identical to a build over the corpus; the old key's row is gone
    assert [r.as_dict() for r in engine.responsibilities()] == built[2]
    assert not engine.tables.state()["stale"]
    assert "tracker_stale" not in engine.ask(QUESTION).notes
    with sqlite3.connect(idx / "granska.sqlite") as conn:
        assert conn.execute("SELECT value FROM meta WHERE key = 'tracker_code'").fetchone()[0] == tracker_code()
        assert not conn.execute(
            "SELECT key FROM tracker WHERE key LIKE 'upgrade:%' OR key = 'place:old-key'"
        ).fetchall()


def test_a_rebuild_cut_short_by_a_kill_resumes_in_the_next_process(built, tmp_path: Path):
    idx = _copy(built, tmp_path)
    engine = Engine(hash_settings(idx))
    metas = engine.store.metas()
    places = sorted({place_key(m, n) for n, m in metas.items()})
    # What a kill during the rebuild leaves: this code recorded, two municipalities still queued, their rows
    # those of the old code (here: none) and an old key not yet dropped.
    with sqlite3.connect(idx / "granska.sqlite") as conn:
        stamp = json.dumps([1])
        for p in places[:2]:
            conn.execute(  # its documents' rows and head (rec_work.place_rows)
                "DELETE FROM tracker WHERE substr(key, 1, ?) = ? OR key = ?",
                (len(f"place:{p}|"), f"place:{p}|", f"placehead:{p}"),
            )
            conn.execute("INSERT INTO tracker (key, kind, rows) VALUES (?, 'pending', ?)", (f"{UPGRADE}{p}", stamp))
        conn.execute("INSERT INTO tracker (key, kind, rows) VALUES ('doc:gone.txt', 'responsibilities', '[]')")
        conn.execute("UPDATE meta SET value = value + 1 WHERE key = 'tracker_version'")
    restarted = Engine(hash_settings(idx))
    assert restarted.tables.state()["rebuilding"] == 2
    restarted.responsibilities()  # the first table read resumes the queue
    assert restarted.tables.wait_rebuilt(timeout=300)
    assert _recs(restarted) == built[1]
    assert [r.as_dict() for r in restarted.responsibilities()] == built[2]
    assert restarted.tables.state() == {"stale": False, "rebuilding": 0, "relinking": 0, "pending": 0, "places": {},
                                        "failed": 0, "failures": [], "failed_docs": []}  # fmt: skip
