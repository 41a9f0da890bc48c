"""Each municipality's link memo is stored beside its rows, so a new worker process's first relink re-examines
only what changed since the stored build, with the same rows as a build from scratch; a memo of other code is
not used."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from granska.index import rows as tracker_rows
from granska.qa import rec_found, rec_memo, rec_relink, rec_work, recommendations
from granska.qa.rec_tables import place_key

from granska.engine import BUNDLED_CORPUS, Engine
from tests.conftest import SHARED, hash_settings

AUDITS = SHARED / "datasets" / "audits" / "docs"


def _places(rows: dict[str, dict[str, list[Any]]]) -> dict[str, list[str]]:
    return {k: [json.dumps(r, sort_keys=True) for r in v["recommendations"]] for k, v in rows.items() if k.startswith("place:")}  # fmt: skip


def _stored(store: Any) -> dict[str, list[str]]:
    return {k: [json.dumps(r, sort_keys=True) for r in v] for k, v in store.tracker("recommendations")}


def _restart() -> None:
    """What a new worker process starts with: no memo in memory."""
    rec_relink.MEMO.places.clear()
    rec_relink.MEMO.stats.clear()


def _scratch(store: Any, place: str) -> list[str]:
    """The place's rows built from scratch (no memo) over the committed documents."""
    docs = store.documents()
    group = {n: docs[n] for n, m in store.metas().items() if place_key(m, n) == place}
    return [json.dumps(tracker_rows.dump(r), sort_keys=True) for r in recommendations.build(group)]


def test_a_new_worker_reads_the_stored_memo_and_reuses_its_links(tmp_path: Path) -> None:
    engine = Engine(hash_settings(tmp_path / "idx"))
    engine.ingest([BUNDLED_CORPUS])  # waits for the background, which stores rows, extractions and memos
    store = engine.store
    metas = store.metas()
    places = sorted({place_key(m, n) for n, m in metas.items()})
    memos = {p: store.tracker(rec_memo.kind(p)) for p in places}
    linked = [p for p, rows in memos.items() if rows]
    assert linked, "the bundled corpus has answered recommendations: some municipality has a memo"
    for p in linked:
        assert rec_memo.load(memos[p][0][1][0], rec_work.tracker_code()) is not None

    # A new process, nothing changed: every link is read back from the stored memo, none is computed.
    _restart()
    again = rec_work.recommendation_rows(store, places, kept=rec_found.Kept())
    assert _places(again) == {k: v for k, v in _stored(store).items() if k in _places(again)}
    stats = rec_relink.MEMO.stats
    assert stats["memo restored"] == len(linked)
    assert stats["reused"] > 0 and stats["computed"] == 0
    # What it writes back is the memo it read (the same links, the same floats).
    for p in linked:
        assert again[rec_memo.kind(p)][rec_memo.kind(p)][0] == memos[p][0][1][0]

    # A memo of other tracker code is not used: every link of that municipality is computed again, same rows.
    p = max(linked, key=lambda q: len(json.dumps(memos[q])))
    old = memos[p][0][1][0] | {"code": "0" * 16}
    store.put_tracker({rec_memo.kind(p): {rec_memo.kind(p): [old]}}, code=rec_work.tracker_code())
    _restart()
    third = rec_work.recommendation_rows(store, [p], kept=rec_found.Kept())
    assert rec_relink.MEMO.stats["memo restored"] == 0 and rec_relink.MEMO.stats["reused"] == 0
    assert _places(third)[f"place:{p}"] == _scratch(store, p)


def test_a_restart_after_a_change_relinks_from_the_stored_memo_with_the_rows_of_a_build_from_scratch(
    tmp_path: Path,
) -> None:
    engine = Engine(hash_settings(tmp_path / "idx"))
    engine.ingest([AUDITS])  # the audits set: its metadata.tsv beside docs/ gives each document its municipality
    store = engine.store
    metas = store.metas()
    responses: dict[str, list[str]] = {}
    for n, m in metas.items():
        if m.role == "response":
            responses.setdefault(place_key(m, n), []).append(n)
    p = next(q for q, ns in sorted(responses.items()) if len(ns) > 1 and store.tracker(rec_memo.kind(q)))
    before = store.tracker(rec_memo.kind(p))[0][1]
    _restart()
    rec_work.recommendation_rows(store, [p], kept=rec_found.Kept())  # this process's memo: the stored one
    # One of its answers goes. A worker that never stopped relinks from the memo it holds; a new worker, from the
    # stored memo of before the change (as a worker killed before its relink leaves it): the same links are
    # re-examined and computed, and the rows are those of a build from scratch.
    engine.remove(max(responses[p]))
    rec_relink.MEMO.stats.clear()
    live = rec_work.recommendation_rows(store, [p], kept=rec_found.Kept())
    live_stats = dict(rec_relink.MEMO.stats)
    store.put_tracker({rec_memo.kind(p): {rec_memo.kind(p): before}}, code=rec_work.tracker_code())
    _restart()
    rows = rec_work.recommendation_rows(store, [p], kept=rec_found.Kept())
    restored = dict(rec_relink.MEMO.stats)
    assert restored.pop("memo restored") == 1
    assert restored == live_stats and sum(v for k, v in restored.items() if ":" not in k) >= 1
    assert _places(rows)[f"place:{p}"] == _places(live)[f"place:{p}"] == _scratch(store, p)
    assert _places(rows)[f"place:{p}"] == _stored(store)[f"place:{p}"]
