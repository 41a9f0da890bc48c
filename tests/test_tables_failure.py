"""A failure of the tracker's background work is not silent: the child process logs it, the journal records it
in one line, and `Tables.state()`, `granska docs list` and the server's status say it, until the same work
succeeds. The failure is a real one: a stored link memo whose contenders name units their answer does not have
(as a damaged or foreign store could hold), read back by a new worker process, which fails in its relink."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from granska.index import rows as tracker_rows
from granska.qa import rec_memo, rec_process, rec_work, recommendations
from granska.qa.rec_tables import place_key

from granska.engine import Engine
from tests.cli.test_cli import run
from tests.conftest import SHARED, hash_settings
from tests.ui.conftest import start_server, stop_server

AUDITS = SHARED / "datasets" / "audits" / "docs"


def _kill_child() -> None:
    """What a restart leaves: the background's process gone (it is this test's, started by its engine)."""
    pid = rec_process.CHILD.pid()
    if pid is not None:
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while rec_process.CHILD.pid() == pid and time.monotonic() < deadline:
            time.sleep(0.05)


def _relink(engine: Engine, place: str) -> None:
    """What a write touching `place` journals, then the wait for the background."""
    engine.store.put_tracker(rec_work.entries(rec_work.RELINK, [place]), code=rec_work.tracker_code())
    assert engine.tables.wait_relinked(timeout=300)


def _is_contender(key: str) -> bool:
    """`memo:<place>|<rec>|c<unit>` (rec_memo's layout)."""
    parts = key.split("|")
    return len(parts) == 3 and parts[2].startswith("c")


def _scratch(store: Any, place: str) -> dict[str, list[str]]:
    """The place's rows built from scratch, by document as stored (`rec_work.split`)."""
    docs = store.documents()
    group = {n: docs[n] for n, m in store.metas().items() if place_key(m, n) == place}
    dumped = [tracker_rows.dump(r) for r in recommendations.build(group)]
    rows = rec_work.split(place, dumped, rec_work.quote_order(group.values()))
    return {k: [json.dumps(r, sort_keys=True) for r in v] for k, v in rows.items()}


def test_a_failed_relink_is_said_by_the_state_the_docs_list_and_the_server_until_it_succeeds(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    idx = tmp_path / "idx"
    engine = Engine(hash_settings(idx))
    engine.ingest([AUDITS])
    store = engine.store
    metas = store.metas()
    places = {place_key(m, n) for n, m in metas.items()}
    memos = {p: store.tracker(rec_memo.kind(p)) for p in places}
    linked = [
        p for p in sorted(places) if any(len(k.split("|")) == 2 and v[0]["kind"] == "linked" for k, v in memos[p])
    ]
    assert linked, "some municipality of the audits set has a recommendation linked to its answer"
    place = linked[0]  # a reused link reads its answer's passage (the unit its best contender names)
    contenders = {place: [(k, v) for k, v in memos[place] if _is_contender(k)]}
    good = _scratch(store, place)
    broken = {k: {rec_memo.kind(place): [[v[0][0], 10**6, *v[0][2:]]]} for k, v in contenders[place]}
    store.put_tracker(broken, code=rec_work.tracker_code())
    _kill_child()
    capfd.readouterr()

    _relink(engine, place)  # a new child reads the memo back and fails
    state = engine.tables.state()
    assert state["failed"] == 1 and state["places"][place] == "failed"
    line = state["failures"][0]
    assert line.startswith(f"relink of {place} failed: IndexError") and "\n" not in line
    assert f"tracker relink of {place} failed" in capfd.readouterr().err  # the child's log (its stderr)
    ours = sorted(n for n, m in metas.items() if place_key(m, n) == place)
    states = engine.tables.document_states(metas)
    assert {states[n] for n in ours} == {"failed"} and "failed" not in {states[n] for n in metas if n not in ours}

    listed = run("docs", "list", "--json", index_dir=idx)
    assert listed.returncode == 0, listed.stderr
    assert f"tracker tables: relink of {place} failed: IndexError" in listed.stderr
    rows = [json.loads(x) for x in listed.stdout.splitlines()]
    assert {r["tracker"] for r in rows if r["doc"] in ours} == {"failed"}

    server = start_server(idx, GRANSKA_EMBEDDER__MODEL="hash")
    try:
        status = httpx.get(f"{server.url}/api/recommendations", timeout=60).json()["tracker"]
    finally:
        stop_server(server)
    assert status["failed"] == 1 and status["failures"][0].startswith(f"relink of {place} failed: IndexError")

    # The next write relinks it again: the worker dropped what it had read, computes it in full, and succeeds.
    _relink(engine, place)
    state = engine.tables.state()
    assert state["failed"] == 0 and state["failures"] == [] and place not in state["places"]
    assert {
        k: [json.dumps(r, sort_keys=True) for r in v]
        for k, v in store.tracker("recommendations")
        if k.startswith(f"place:{place}|")
    } == good
