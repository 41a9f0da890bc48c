"""A municipality's recommendations are stored one row per recommendation with a head holding each row's digest,
so a relink writes only the rows that changed; the single row of the older layout is read by the tables
until the first relink replaces it, once."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from granska.index import rows as tracker_rows
from granska.qa import link_pool, rec_found, rec_relink, rec_tables, rec_work, recommendations
from granska.qa.rec_tables import place_key

from granska.engine import BUNDLED_CORPUS, Engine
from tests.conftest import hash_settings
from tests.tracker_steps import Rows, largest_synthetic_place, put_back, responses_by_place, scratch_rows


def _recs(engine: Engine) -> list[str]:
    """The table as every reader gets it (the engine's rows, in their order)."""
    return [json.dumps(r.as_dict(), sort_keys=True) for r in engine.recommendations()]


def _held(store: Any, place: str) -> Rows:
    """What the store holds of `place`'s recommendations: its recommendations' rows, the older single row,
    its head."""
    head = rec_work.head_kind(place)
    rows: Rows = {k: {rec_work.KIND: v} for k, v in store.tracker(rec_work.KIND)
                  if k == f"place:{place}" or k.startswith(f"place:{place}|")}  # fmt: skip
    return rows | {k: {head: v} for k, v in store.tracker(head)}


def _put_back(store: Any, place: str, rows: Rows) -> None:
    """The store's rows of `place` replaced by `rows` (what a store of before a change holds)."""
    put_back(store, _held(store, place), rows)


def _relink(engine: Engine, place: str) -> None:
    engine.store.put_tracker(rec_work.entries(rec_work.RELINK, [place]), code=rec_work.tracker_code())
    assert engine.tables.wait_relinked(timeout=300)


def _row_key(row: dict[str, Any]) -> str:
    return json.dumps(row, sort_keys=True)


def _order(store: Any) -> dict[str, str]:
    docs = store.documents()
    return rec_work.quote_order(docs[n] for n in store.metas())


def _written(rows: Rows) -> set[str]:
    """The keys of recommendation rows among rows to write that are not deletes."""
    return {k for k, v in rows.items() if v.get(rec_work.KIND)}


def test_rows_per_document_an_older_row_replaced_once_and_a_relink_writes_only_what_changed(tmp_path: Path) -> None:
    engine = Engine(hash_settings(tmp_path / "idx"))
    engine.ingest([BUNDLED_CORPUS])
    store = engine.store
    metas = store.metas()
    responses = responses_by_place(metas)
    # A municipality with an answer some other document's row links to (its removal changes rows).
    place, gone = next((p, n) for p, ns in sorted(responses.items()) for n in sorted(ns)
                       if any(n in json.dumps(r) for r in scratch_rows(store, p) if r["recommendation"]["doc"] != n))  # fmt: skip
    table = _recs(engine)
    built = scratch_rows(store, place)

    # Stored one row per recommendation, each as built (`split`), the head their digests.
    held = _held(store, place)
    head = held.pop(rec_work.head_kind(place))[rec_work.head_kind(place)][0]["rows"]
    by_doc = rec_work.split(place, built, _order(store))
    assert {k: v[rec_work.KIND] for k, v in held.items()} == by_doc
    assert head == {k: rec_work.digest(v) for k, v in by_doc.items()}

    # The older layout (one row of the whole municipality, no head): the tables read it, the same table.
    new_layout = _held(store, place)
    _put_back(store, place, {f"place:{place}": {rec_work.KIND: built}})
    reread = Engine(hash_settings(tmp_path / "idx"))
    assert _recs(reread) == table
    # The first relink replaces it (every recommendation's row and the head written, the old row deleted), once.
    first = rec_work.recommendation_rows(store, [place], kept=rec_found.Kept(), delta=True)
    assert first[f"place:{place}"] == {rec_work.KIND: []} and _written(first) == set(by_doc)
    store.put_tracker(first, code=rec_work.tracker_code())
    assert _held(store, place) == new_layout and _recs(reread) == table
    # Nothing changed: nothing written but the delete of the (gone) old row.
    again = rec_work.recommendation_rows(store, [place], kept=rec_found.Kept(), delta=True)
    assert _written(again) == set() and rec_work.head_kind(place) not in again

    # One answer goes: the background's relink leaves the rows of a build from scratch; the same relink from the
    # rows of before writes exactly the rows that differ, and deletes those gone.
    engine.remove(gone)
    assert engine.wait_for_tracker(timeout=300)
    after = _held(store, place)
    after_rows = {k: v[rec_work.KIND] for k, v in after.items() if rec_work.KIND in v}
    assert after_rows == rec_work.split(place, scratch_rows(store, place), _order(store))
    changed = {k for k, v in after_rows.items() if by_doc.get(k) != v}
    _put_back(store, place, new_layout)
    step = rec_work.recommendation_rows(store, [place], kept=rec_found.Kept(), delta=True)
    assert _written(step) == changed and changed
    assert {k for k, v in step.items() if v == {rec_work.KIND: []}} == {f"place:{place}"} | (
        set(by_doc) - set(after_rows)
    )
    store.put_tracker(step, code=rec_work.tracker_code())
    assert _held(store, place) == after
    assert _recs(Engine(hash_settings(tmp_path / "idx"))) == _recs(engine)

    # A municipality emptied: its rows and head go at its relink.
    for n in [n for n, m in store.metas().items() if place_key(m, n) == place]:
        engine.remove(n)
    assert engine.wait_for_tracker(timeout=300)
    assert _held(store, place) == {}


def test_a_relink_writes_the_rows_of_the_documents_whose_recommendations_changed(tmp_path: Path) -> None:
    """The largest municipality of a synthetic corpus through adds and removes of an "other" document and of an
    answer, written as a relink writes it: after each step the stored rows are a build from scratch by document,
    the written rows are exactly those that differ from the step before (fewer than all), nothing changed writes
    nothing."""
    walk = largest_synthetic_place(tmp_path)
    group, names, other, answer = walk.group, walk.names, walk.other, walk.answer
    store, code = walk.engine.store, rec_work.tracker_code()
    place = place_key(group[names[0]].meta, names[0])
    memo = rec_relink.Memo()
    order = rec_work.quote_order(group.values())
    moved: set[str | None] = set()
    # (the synthetic municipality may share its key with one of the bundled corpus: those rows are replaced)
    before = {k: v[rec_work.KIND] for k, v in _held(store, place).items() if rec_work.KIND in v}
    held = {other, answer}
    for step in ("base", "add other", "add answer", "remove answer", "remove other", "nothing"):
        if step not in ("base", "nothing"):
            (held.discard if step.startswith("add") else held.add)(other if step.endswith("other") else answer)
        dumped = [tracker_rows.dump(r) for r in recommendations.build({n: group[n] for n in names if n not in held}, memo=memo)]  # fmt: skip
        link_pool.release()
        now = rec_work.split(place, dumped, order)
        rows = rec_work.place_rows(store, place, dumped, delta=True, order=order)
        store.put_tracker(rows, code=code)
        assert _written(rows) == {k for k, v in now.items() if before.get(k) != v}, step
        assert {k for k, v in rows.items() if v == {rec_work.KIND: []}} == {f"place:{place}"} | (set(before) - set(now))
        assert {k: v[rec_work.KIND] for k, v in _held(store, place).items() if rec_work.KIND in v} == now, step
        if step != "base":
            assert len(_written(rows)) < len(now), step
        if step == "nothing":
            assert _written(rows) == set() and rec_work.head_kind(place) not in rows
        # Read back as the tables read it, each row's quotations are the list built, in its order.
        stored = sorted((k, v) for k, v in now.items())
        objects = [rec_tables.loaded_rows(recommendations.Recommendation, v) for _, v in stored]
        read = [tracker_rows.dump(r) for rs in rec_tables.with_quotes(stored, objects) for r in rs]
        assert sorted(read, key=_row_key) == sorted(dumped, key=_row_key), step
        # A document quoting recommendations that came or went wrote its own quotation rows, not theirs.
        quotes = {k for k in _written(rows) | (set(before) - set(now)) if rec_tables.quote_of((now | before)[k])}
        moved |= {rec_tables.quote_of((now | before)[k]) for k in quotes} - _written(rows)
        before = now
    assert moved  # some recommendation's quotations changed while its own row was not rewritten
