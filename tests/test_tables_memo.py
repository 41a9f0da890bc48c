"""Each municipality's link memo is stored beside its rows, so a new worker process's first relink re-examines
only what changed since the stored build, with the same rows as a build from scratch; a memo of other code is
not used."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from granska.qa import link_pool, rec_found, rec_memo, rec_relink, rec_work, recommendations
from granska.qa.rec_tables import place_key

from granska.engine import BUNDLED_CORPUS, Engine
from tests.conftest import SHARED, hash_settings
from tests.tracker_steps import largest_synthetic_place, put_back, responses_by_place, scratch_rows

AUDITS = SHARED / "datasets" / "audits" / "docs"


def _places(rows: dict[str, dict[str, list[Any]]]) -> dict[str, list[str]]:
    """The documents' rows of recommendations among rows to write (not the deletes)."""
    return {k: [json.dumps(r, sort_keys=True) for r in v["recommendations"]] for k, v in rows.items()
            if k.startswith("place:") and v.get("recommendations")}  # fmt: skip


def _of(rows: dict[str, list[str]], place: str) -> dict[str, list[str]]:
    """The rows of one municipality's documents (`place:<place>|<doc>`)."""
    return {k: v for k, v in rows.items() if k.startswith(f"place:{place}|")}


def _stored(store: Any) -> dict[str, list[str]]:
    return {k: [json.dumps(r, sort_keys=True) for r in v] for k, v in store.tracker("recommendations")}


def _snapshot(store: Any, place: str) -> dict[str, dict[str, list[Any]]]:
    """Every stored memo row of `place` (and its head), as `put_tracker` takes them."""
    rows = {k: {rec_memo.kind(place): v} for k, v in store.tracker(rec_memo.kind(place))}
    for k, v in store.tracker(rec_memo.head_kind(place)):
        rows.setdefault(k, {})[rec_memo.head_kind(place)] = v
    return rows


def _put_back(store: Any, place: str, rows: dict[str, dict[str, list[Any]]]) -> None:
    """The store's memo of `place` replaced by `rows` (as a worker killed before writing its relink leaves it)."""
    put_back(store, _snapshot(store, place), rows)


def _restart() -> None:
    """What a new worker process starts with: no memo in memory."""
    rec_relink.MEMO.places.clear()
    rec_relink.MEMO.stats.clear()


def _scratch(store: Any, place: str) -> dict[str, list[str]]:
    """The place's rows built from scratch (no memo) over the committed documents, by document as stored."""
    docs = store.documents()
    order = rec_work.quote_order(docs[n] for n in store.metas())
    rows = rec_work.split(place, scratch_rows(store, place), order)
    return {k: [json.dumps(r, sort_keys=True) for r in v] for k, v in rows.items()}


def test_a_new_worker_reads_the_stored_memo_and_reuses_its_links(tmp_path: Path) -> None:
    engine = Engine(hash_settings(tmp_path / "idx"))
    engine.ingest([BUNDLED_CORPUS])  # waits for the background, which stores rows, extractions and memos
    store = engine.store
    metas = store.metas()
    places = sorted({place_key(m, n) for n, m in metas.items()})
    memos = {p: _snapshot(store, p) for p in places}
    linked = [p for p, rows in memos.items() if rows]
    assert linked, "the bundled corpus has answered recommendations: some municipality has a memo"
    for p in linked:
        assert rec_memo.Stored().read(store, p, rec_work.tracker_code()) is not None
        assert len(memos[p]) > 2  # a row per link, segment and verdict pair, and the head

    # A new process, nothing changed: every link is read back from the stored memo, none is computed.
    _restart()
    again = rec_work.recommendation_rows(store, places, kept=rec_found.Kept())
    assert _places(again) == {k: v for k, v in _stored(store).items() if k.startswith("place:")}
    stats = rec_relink.MEMO.stats
    assert stats["memo restored"] == len(linked)
    assert stats["reused"] > 0 and stats["computed"] == 0
    # The memo it holds is the one it read (the same links, the same floats): it writes no memo row.
    assert not [k for k in again if k.startswith(rec_memo.PREFIX)]
    assert stats["memo bytes written"] == 0

    # A memo of other tracker code is not used: every link of that municipality is computed again, same rows.
    p = max(linked, key=lambda q: len(json.dumps(memos[q])))
    head = memos[p][rec_memo.kind(p)][rec_memo.head_kind(p)][0]
    store.put_tracker(
        {rec_memo.kind(p): {rec_memo.head_kind(p): [head | {"code": "0" * 16}]}}, code=rec_work.tracker_code()
    )
    _restart()
    third = rec_work.recommendation_rows(store, [p], kept=rec_found.Kept())
    assert rec_relink.MEMO.stats["memo restored"] == 0 and rec_relink.MEMO.stats["reused"] == 0
    assert _of(_places(third), p) == _scratch(store, p)


def test_a_restart_after_a_change_relinks_from_the_stored_memo_with_the_rows_of_a_build_from_scratch(
    tmp_path: Path,
) -> None:
    engine = Engine(hash_settings(tmp_path / "idx"))
    engine.ingest([AUDITS])  # the audits set: its metadata.tsv beside docs/ gives each document its municipality
    store = engine.store
    metas = store.metas()
    responses = responses_by_place(metas)
    p = next(q for q, ns in sorted(responses.items()) if len(ns) > 1 and store.tracker(rec_memo.kind(q)))
    before = _snapshot(store, p)
    _restart()
    rec_work.recommendation_rows(store, [p], kept=rec_found.Kept())  # this process's memo: the stored one
    # One of its answers goes. A worker that never stopped relinks from the memo it holds; a new worker, from the
    # stored memo of before the change (as a worker killed before its relink leaves it): the same links are
    # re-examined and computed, and the rows are those of a build from scratch.
    engine.remove(max(responses[p]))
    rec_relink.MEMO.stats.clear()
    live = rec_work.recommendation_rows(store, [p], kept=rec_found.Kept())
    live_stats = dict(rec_relink.MEMO.stats)
    _put_back(store, p, before)
    _restart()
    rows = rec_work.recommendation_rows(store, [p], kept=rec_found.Kept())
    restored = dict(rec_relink.MEMO.stats)
    assert restored.pop("memo restored") == 1
    # (what each writes differs: the live worker's store holds the memo the engine's background wrote after the
    # removal; the restarted one's, the memo of before)
    restored.pop("memo bytes written"), live_stats.pop("memo bytes written")
    assert restored == live_stats and sum(v for k, v in restored.items() if ":" not in k) >= 1
    assert _of(_places(rows), p) == _of(_places(live), p) == _scratch(store, p)
    assert _of(_places(rows), p) == _of(_stored(store), p)
    # Written as a worker writes it, the delta brings the stored rows to exactly the memo the process holds.
    store.put_tracker(rows, code=rec_work.tracker_code())
    whole, _ = rec_memo.rows(rec_relink.MEMO.places[p], p)
    held = {k: v[rec_memo.kind(p)][0] for k, v in _snapshot(store, p).items() if rec_memo.kind(p) in v}
    assert json.dumps(held, sort_keys=True) == json.dumps(whole, sort_keys=True)


def test_a_relink_writes_only_the_memo_rows_it_changed(tmp_path: Path) -> None:
    """The largest municipality of a synthetic corpus through adds and removes of an "other" document and of an
    answer, its memo written as the background writes it: after each step the stored rows are exactly those of
    the memo the process holds, a new worker reads that memo back, and a step writes well under half the memo."""
    walk = largest_synthetic_place(tmp_path)
    group, names, other, answer = walk.group, walk.names, walk.other, walk.answer
    store, code = walk.engine.store, rec_work.tracker_code()
    memo, memos = rec_relink.Memo(), rec_memo.Stored()
    held = {other, answer}
    for step in ("base", "add other", "add answer", "remove answer", "remove other"):
        if step != "base":
            (held.discard if step.startswith("add") else held.add)(other if step.endswith("other") else answer)
        recommendations.build({n: group[n] for n in names if n not in held}, memo=memo)
        link_pool.release()
        ((place, pm),) = memo.places.items()
        store.put_tracker(memos.delta(store, place, pm, code), code=code)
        whole, _ = rec_memo.rows(pm, place)
        held_rows = {k: v[0] for k, v in store.tracker(rec_memo.kind(place))}
        assert json.dumps(held_rows, sort_keys=True) == json.dumps(whole, sort_keys=True), step
        back = rec_memo.Stored().read(store, place, code)
        assert back is not None and json.dumps(rec_memo.rows(back, place)[0], sort_keys=True) == json.dumps(
            whole, sort_keys=True
        )
        full = sum(len(json.dumps(v, ensure_ascii=False)) for v in whole.values())
        assert memos.written >= full if step == "base" else memos.written < full / 2, step
    # Nothing changed: nothing written.
    assert memos.delta(store, place, pm, code) == {} and memos.written == 0
